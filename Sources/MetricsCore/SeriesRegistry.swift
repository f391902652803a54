import Foundation
import CWMLocking

/// A window's wall-clock bounds, as the registry hands them to each series.
struct CollectionWindow: Sendable {
    let start: Date
    let end: Date
}

/// What the registry needs from every instrument it holds.
protocol RegisteredSeries: AnyObject, Sendable {
    var descriptor: SeriesDescriptor { get }
    /// Compares the series' identity in place (no copy of the descriptor).
    func matches(name: String, kind: MetricSnapshot.Kind, dimensions: ProbeDimensions) -> Bool
    /// Ends the current window of this series and returns its snapshot, or
    /// `nil` when nothing was observed in it.
    func collect(_ window: CollectionWindow) -> MetricSnapshot?
    /// The current window's snapshot so far, without ending the window.
    func peek(_ window: CollectionWindow) -> MetricSnapshot?
    /// Whether anything was recorded since the last cut.
    func hasPendingObservations() -> Bool
    /// Counts one more window cut; returns the idle windows in a row.
    func windowEnded(observed: Bool) -> Int
    /// Marks the series retired for idleness (see ``SeriesLife``).
    func retire()
}

/// Every live series of one manager, and the policy over them: the
/// cardinality limits' folding, expiry (retire), revival of a retired series
/// recorded into, and the salvage of what a freed one held. The storage and
/// the one probe loop are ``SeriesTable``'s. A lookup allocates nothing
/// (`put` depends on that), and `put` hashes its identity once for both of
/// its lookups; a creation is O(1) amortised. Snapshots come out in creation
/// order.
///
/// Finding an existing series takes no lock that all threads share: the
/// table is behind a ``ReadMostlyLock``, whose readers (lookups) write only
/// their own CPU's counter, so `put` from several threads scales with cores.
/// Creations, expiry and the cut's bookkeeping are its writers.
final class SeriesRegistry: @unchecked Sendable {
    /// The table and the policy's bookkeeping, changed together under
    /// `lock`'s write side.
    private struct State {
        var table = SeriesTable()
        /// Lookups folded into an overflow series since the last cut, per name.
        var folds: [String: Int] = [:]
        var totalFolds = 0
        var totalExpired = 0
        /// Retired series, held weakly: put back when a holder records into
        /// them, freed when nobody holds them (see SeriesLife).
        var retired: [WeakSeries] = []
    }

    private let lock = ReadMostlyLock()
    /// Read by lookups under `lock`'s read side, changed only under its
    /// write side (`mutate`); the lock, not Swift's dynamic exclusivity
    /// checks, keeps accesses apart.
    @exclusivity(unchecked) private var state = State()
    /// What retired series freed with observations in them left behind.
    private let salvaged = Locked<[@Sendable (CollectionWindow) -> MetricSnapshot?]>([])
    /// `nil`: no limits.
    let limits: CardinalityLimits?

    init(limits: CardinalityLimits? = nil) {
        self.limits = limits
    }

    deinit { state.table.deallocate() }

    /// Records `value` into the existing histogram of this identity, if
    /// there is one and no writer holds the table: `put`'s fast path (only
    /// without eventful sinks: nothing may call back into the registry
    /// under the read side, or a writer would wait for it forever). The
    /// series is used in place, under the read side, so no reference to it
    /// is taken (expiry, a writer, waits until the record is done). Says
    /// whether it recorded, found no such series, or could not look (a
    /// writer held the table); unless it recorded, the caller takes
    /// ``series(name:kind:dimensions:hash:knownMissing:as:make:)``.
    @inline(__always)
    func recordIfPresent(hash: Int, name: String, dimensions: borrowing KPLDimensionPairs, value: Double) -> PutLookup {
        lock.tryRead { () -> PutLookup in
            // Plain loads of the raw storage: nothing is copied or retained.
            let objects = state.table.objects
            let kinds = state.table.kinds
            let histogram = UInt8(MetricSnapshot.Kind.histogram.hashCode)
            let (found, _) = SeriesTable.probe(state.table.slots, mask: state.table.slotCount - 1, hash: hash) { index in
                // Only histograms have the histogram kind.
                guard kinds[index] == histogram else { return false }
                return Unmanaged<Histogram>.fromOpaque(objects[index])._withUnsafeGuaranteedRef { series in
                    guard series.descriptor.matches(name: name, kind: .histogram, kpl: dimensions) else { return false }
                    series.record(value)
                    return true
                }
            }
            // Retained here, under the read side, for `put`'s cache: a cut
            // may retire the series (and drop the table's reference) as soon
            // as the lock is released.
            guard let found else { return .missing }
            return .recorded(into: Unmanaged<Histogram>.fromOpaque(objects[found]).takeUnretainedValue())
        } ?? .busy
    }

    /// The series with this identity, created by `make` if there is none
    /// (`nil` only if an existing series of that identity has another type).
    /// Past a cardinality limit, the overflow series that takes its place
    /// (see ``CardinalityLimits``): `make` gets the name and dimensions of
    /// the series to create, which are the overflow's when folded, and
    /// their ``SeriesDescriptor/hash(name:kind:dimensions:)``.
    ///
    /// `make` runs under the registry's lock and must not call back into it.
    ///
    /// `hash` is the identity's ``SeriesDescriptor/hash(name:kind:dimensions:)``
    /// when the caller has it; `knownMissing` skips the lookup under the
    /// read side when the caller's own (``recordIfPresent(hash:name:dimensions:value:)``)
    /// just missed.
    func series<S: RegisteredSeries, D: DimensionPairs>(
        name: String,
        kind: MetricSnapshot.Kind,
        dimensions: D,
        hash knownHash: Int? = nil,
        knownMissing: Bool = false,
        as type: S.Type,
        make: (_ name: String, _ dimensions: [(String, String)], _ hash: Int) -> S
    ) -> S? {
        let hash = knownHash ?? SeriesDescriptor.hash(name: name, kind: kind, dimensions: dimensions)
        let probe = dimensions.probe
        // The common case, an existing series: found under the read side,
        // from the raw slots, with no copy of the table.
        if !knownMissing, let found = lock.tryRead({ () -> (any RegisteredSeries)? in
            let (found, _) = SeriesTable.probe(state.table.slots, mask: state.table.slotCount - 1, hash: hash) {
                state.table.series[$0].matches(name: name, kind: kind, dimensions: probe)
            }
            return found.map { state.table.series[$0] }
        }), let found {
            return found as? S
        }
        return mutate { state -> S? in
            let (found, slot) = state.table.find(hash: hash, name: name, kind: kind, dimensions: probe)
            if let found { return state.table.series[found] as? S }
            if let limits {
                let ofName = state.table.seriesCount(named: name)
                let overTotal = state.table.series.count >= limits.total
                if overTotal || (dimensions.pairCount > 0 && ofName >= limits.perMetric) {
                    // Folded. A metric that has series and dimensions: its own
                    // overflow series (same keys, every value `overflowValue`).
                    // A new name past the total, or one without dimensions: the
                    // one catch-all series of its kind, so that names made
                    // from outside input are bounded too.
                    let byMetric = dimensions.pairCount > 0 && ofName > 0
                    let overflowName = byMetric ? name : limits.overflowMetricName
                    let overflow = byMetric ? dimensions.materialized().map { ($0.0, limits.overflowValue) } : []
                    state.folds[overflowName, default: 0] += 1
                    state.totalFolds += 1
                    let overflowHash = SeriesDescriptor.hash(name: overflowName, kind: kind, dimensions: overflow)
                    let (existing, overflowSlot) = state.table.find(hash: overflowHash, name: overflowName, kind: kind,
                                                              dimensions: .list(overflow))
                    if let existing { return state.table.series[existing] as? S }
                    let created = make(overflowName, overflow, overflowHash)
                    state.table.insert(created, hash: overflowHash, at: overflowSlot)
                    return created
                }
            }
            let created = make(name, dimensions.materialized(), hash)
            state.table.insert(created, hash: hash, at: slot)
            return created
        }
    }

    /// Puts back every retired series that was recorded into since it was
    /// retired (a handle still held), and forgets the ones that were freed.
    /// Called at every cut, before collecting, so what was recorded goes out
    /// with this window. If a series of the same identity was created
    /// meanwhile, both stay: lookups find the new one, and both are
    /// collected. Returns how many came back.
    @discardableResult
    func reviveRecordedInto() -> Int {
        mutate { state -> Int in
            guard !state.retired.isEmpty else { return 0 }
            var stillRetired: [WeakSeries] = []
            var revived = 0
            for weak in state.retired {
                // Freed: what it held, if anything, was salvaged by its deinit.
                guard let entry = weak.series else { continue }
                guard entry.hasPendingObservations() else {
                    stillRetired.append(weak)
                    continue
                }
                state.table.add(entry)
                _ = entry.windowEnded(observed: true)
                revived += 1
            }
            state.retired = stillRetired
            return revived
        }
    }

    /// Keeps what a retired series held when it was freed (its last holder,
    /// a handle or a `put` between lookup and record, let go of it after
    /// recording): it goes out with the next window.
    ///
    /// Under a lock of its own: a series can be freed while the table's lock
    /// is held (its last reference dropped there).
    func salvage(_ snapshot: @escaping @Sendable (CollectionWindow) -> MetricSnapshot?) {
        salvaged.withLock { $0.append(snapshot) }
    }

    /// What freed series left behind since the last call.
    func takeSalvaged() -> [@Sendable (CollectionWindow) -> MetricSnapshot?] {
        salvaged.withLock { salvaged in
            defer { salvaged = [] }
            return salvaged
        }
    }

    /// Retires the series in `idle`: those the window cut found idle for
    /// the expiry's windows in a row (``RegisteredSeries/windowEnded(observed:)``,
    /// counted as it collected them). One recorded into since the cut read
    /// it is kept; an observation racing the retirement is found by the
    /// next ``reviveRecordedInto()``. Returns how many were retired.
    @discardableResult
    func retire(_ idle: [ObjectIdentifier]) -> Int {
        let candidates = idle
        guard !candidates.isEmpty else { return 0 }
        let candidateSet = Set(candidates)
        return mutate { state -> Int in
            var kept = ContiguousArray<any RegisteredSeries>()
            kept.reserveCapacity(state.table.series.count)
            var retired = 0
            for entry in state.table.series {
                guard candidateSet.contains(ObjectIdentifier(entry)) else {
                    kept.append(entry)
                    continue
                }
                if entry.hasPendingObservations() {
                    // Recorded into since the cut read it idle: kept.
                    _ = entry.windowEnded(observed: true)
                    kept.append(entry)
                } else {
                    entry.retire()
                    state.retired.append(WeakSeries(entry))
                    retired += 1
                }
            }
            if retired > 0 {
                state.table.rebuild(keeping: kept)
                state.totalExpired += retired
            }
            return retired
        }
    }

    /// The folds per metric name since the last call, and resets them.
    func takeFolds() -> [String: Int] {
        mutate { state in
            defer { state.folds = [:] }
            return state.folds
        }
    }

    /// Lookups folded into overflow series, and series expired, since start.
    var totals: (folded: Int, expired: Int) {
        lock.readExcludingWriters { (state.totalFolds, state.totalExpired) }
    }

    /// Every series, in creation order. The array is shared, not copied:
    /// collecting never holds the registry's lock.
    func all() -> ContiguousArray<any RegisteredSeries> {
        lock.readExcludingWriters { state.table.series }
    }

    /// The number of live series.
    var count: Int { lock.readExcludingWriters { state.table.series.count } }

    /// Runs `body` on the table with every lookup and writer excluded.
    private func mutate<T>(_ body: (inout State) -> T) -> T {
        lock.write { body(&state) }
    }
}

/// What `put`'s lookup under the read side did.
enum PutLookup {
    /// Found the series and recorded into it.
    case recorded(into: Histogram)
    /// No series has this identity: create it (no second lookup needed).
    case missing
    /// A writer held the table: look again under the write side.
    case busy
}

/// A weak reference to a retired series.
struct WeakSeries: @unchecked Sendable {
    weak var series: (any RegisteredSeries)?

    init(_ series: any RegisteredSeries) {
        self.series = series
    }
}
