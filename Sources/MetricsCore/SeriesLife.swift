import Synchronization

/// How many windows in a row nothing was recorded in a series: stored inline
/// in every instrument, touched only by the (single) window cut.
///
/// A series idle for the manager's expiry is retired at a cut: taken out of
/// the registry and no longer exported; the registry keeps only a weak
/// reference to it, so it is freed as soon as nothing holds it. A handle
/// still held keeps working, and the recording path pays nothing for this.
/// No observation is lost, whatever the order of a retirement and a record:
///
/// - recorded before the retirement's check: the series is kept;
/// - recorded after it by a holder that still holds the series at the next
///   cut: the registry puts the series back then, and the observation goes
///   out with that window;
/// - recorded after it by a holder that then lets go (a `put` between its
///   lookup and its record, a handle dropped right after use): the series'
///   `deinit` hands what it holds to the registry, which exports it with
///   the next window.
struct SeriesLife: ~Copyable {
    private let idle = Atomic<Int>(0)

    init() {}

    /// Marks the series retired (the registry took it out). A retired
    /// series holds a negative count; an observed window (its revival)
    /// puts it back to zero.
    func retire() {
        idle.store(Int.min, ordering: .relaxed)
    }

    /// Whether the series is retired and not yet revived.
    var isRetired: Bool { idle.load(ordering: .relaxed) < 0 }

    /// Counts one more window cut; returns the idle windows in a row.
    func windowEnded(observed: Bool) -> Int {
        if observed {
            idle.store(0, ordering: .relaxed)
            return 0
        }
        return idle.wrappingAdd(1, ordering: .relaxed).newValue
    }
}
