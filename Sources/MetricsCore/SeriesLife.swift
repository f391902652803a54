import Synchronization

/// How many windows in a row nothing was recorded in a series: stored inline
/// in every instrument, touched only by the (single) window cut.
///
/// A series idle for the manager's expiry is retired at a cut: taken out of
/// the registry and no longer exported; the registry keeps only a weak
/// reference to it, so it is freed as soon as no handle holds it. A handle
/// still held keeps working, and the recording path pays nothing for this:
/// at every cut, before collecting, the registry looks at the retired
/// series that are still alive, and puts back every one that was recorded
/// into since, so the observation is exported with that window. No
/// observation is lost, whatever the order of a retirement and a record.
struct SeriesLife: ~Copyable {
    private let idle = Atomic<Int>(0)

    init() {}

    /// Counts one more window cut; returns the idle windows in a row.
    func windowEnded(observed: Bool) -> Int {
        if observed {
            idle.store(0, ordering: .relaxed)
            return 0
        }
        return idle.wrappingAdd(1, ordering: .relaxed).newValue
    }
}
