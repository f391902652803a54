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

/// Every live series of one manager.
///
/// An open-addressing hash table over a creation-ordered array of series.
/// Each slot packs the top 32 bits of the series' hash with its index, so a
/// probe compares hashes without touching the series, and only a hash match
/// asks the series to compare its identity. A lookup hashes the probe once and allocates
/// nothing (`put` depends on that); a creation is O(1) amortised; a series
/// costs the table 24 to 48 bytes. Snapshots come out in creation order.
///
/// Finding an existing series takes no lock that all threads share: the
/// table is behind a ``ReadMostlyLock``, whose readers (lookups) write only
/// their own CPU's counter, so `put` from several threads scales with cores.
/// Creations, expiry and the cut's bookkeeping are its writers.
final class SeriesRegistry: @unchecked Sendable {
    /// The table. Writers (under `lock`'s write side) use all of it; the
    /// read side touches only the raw `slots`, `objects` and `kinds`, which
    /// are plain pointers: reading them from the registry copies no array
    /// and retains nothing.
    private struct Table {
        var series: ContiguousArray<any RegisteredSeries> = []
        /// `(hash >> 32) << 32 | index + 1`; 0 is empty. `slotCount` (a power
        /// of two) entries, owned by the table (freed by the registry).
        var slots: UnsafeMutablePointer<UInt64> = Table.allocateSlots(64)
        var slotCount = 64
        /// `series[i]`, unretained (the array holds it), and its kind, for the
        /// read side; `objectCapacity` entries.
        var objects = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: 64)
        var kinds = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
        var objectCapacity = 64
        /// Live series per metric name, for the cardinality limits.
        var perName: [String: Int] = [:]
        /// Lookups folded into an overflow series since the last cut, per name.
        var folds: [String: Int] = [:]
        var totalFolds = 0
        var totalExpired = 0
        /// Retired series, held weakly: put back when a holder records into
        /// them, freed when nobody holds them (see SeriesLife).
        var retired: [WeakSeries] = []

        @inline(__always)
        static func tag(_ hash: Int) -> UInt64 { UInt64(UInt(bitPattern: hash)) & 0xFFFF_FFFF_0000_0000 }

        static func allocateSlots(_ count: Int) -> UnsafeMutablePointer<UInt64> {
            let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
            slots.initialize(repeating: 0, count: count)
            return slots
        }

        func deallocate() {
            slots.deallocate()
            objects.deallocate()
            kinds.deallocate()
        }

        func find(hash: Int, name: String, kind: MetricSnapshot.Kind, dimensions: ProbeDimensions) -> (found: Int?, slot: Int) {
            let mask = slotCount - 1
            let tag = Self.tag(hash)
            var slot = hash & mask
            while true {
                let entry = slots[slot]
                if entry == 0 { return (nil, slot) }
                if entry & 0xFFFF_FFFF_0000_0000 == tag {
                    let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                    if series[index].matches(name: name, kind: kind, dimensions: dimensions) {
                        return (index, slot)
                    }
                }
                slot = (slot + 1) & mask
            }
        }

        /// Appends to `series` and its raw mirror.
        private mutating func appendSeries(_ entry: any RegisteredSeries) {
            if series.count == objectCapacity {
                let capacity = objectCapacity * 2
                let grownObjects = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: capacity)
                grownObjects.moveInitialize(from: objects, count: series.count)
                objects.deallocate()
                objects = grownObjects
                let grownKinds = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                grownKinds.moveInitialize(from: kinds, count: series.count)
                kinds.deallocate()
                kinds = grownKinds
                objectCapacity = capacity
            }
            (objects + series.count).initialize(to: Unmanaged.passUnretained(entry as AnyObject).toOpaque())
            (kinds + series.count).initialize(to: UInt8(entry.descriptor.kind.hashCode))
            series.append(entry)
            perName[entry.descriptor.name, default: 0] += 1
        }

        mutating func insert(_ entry: any RegisteredSeries, hash: Int, at slot: Int) {
            slots[slot] = Self.tag(hash) | UInt64(series.count + 1)
            appendSeries(entry)
            if series.count * 2 > slotCount { grow() }
        }

        /// Appends a series that shares its identity with a live one (a
        /// revived handle whose identity was taken meanwhile): collected and
        /// exported, never found by a lookup.
        mutating func append(_ entry: any RegisteredSeries) {
            appendSeries(entry)
            if series.count * 2 > slotCount { grow() }
        }

        /// Keeps only `kept`, in order, and rebuilds the slots and counts.
        mutating func rebuild(keeping kept: ContiguousArray<any RegisteredSeries>) {
            var capacity = 64
            while kept.count * 2 > capacity { capacity *= 2 }
            series = []
            series.reserveCapacity(kept.count)
            slots.deallocate()
            slots = Self.allocateSlots(capacity)
            slotCount = capacity
            perName = [:]
            for entry in kept {
                let descriptor = entry.descriptor
                let (found, slot) = find(hash: descriptor.hash, name: descriptor.name, kind: descriptor.kind,
                                         dimensions: .list(descriptor.dimensions))
                if found == nil {
                    slots[slot] = Self.tag(descriptor.hash) | UInt64(series.count + 1)
                }
                appendSeries(entry)
            }
        }

        private mutating func grow() {
            let count = slotCount * 2
            let newSlots = Self.allocateSlots(count)
            let mask = count - 1
            for (index, entry) in series.enumerated() {
                let hash = entry.descriptor.hash
                var slot = hash & mask
                var duplicate = false
                while newSlots[slot] != 0 {
                    let other = Int(truncatingIfNeeded: newSlots[slot] & 0xFFFF_FFFF) - 1
                    if newSlots[slot] & 0xFFFF_FFFF_0000_0000 == Self.tag(hash),
                       series[other].matches(name: entry.descriptor.name, kind: entry.descriptor.kind,
                                             dimensions: .list(entry.descriptor.dimensions)) {
                        duplicate = true
                        break
                    }
                    slot = (slot + 1) & mask
                }
                if !duplicate { newSlots[slot] = Self.tag(hash) | UInt64(index + 1) }
            }
            slots.deallocate()
            slots = newSlots
            slotCount = count
        }
    }

    private let lock = ReadMostlyLock()
    /// Read by lookups under `lock`'s read side, changed only under its
    /// write side (`mutate`); the lock, not Swift's dynamic exclusivity
    /// checks, keeps accesses apart.
    @exclusivity(unchecked) private var state = Table()
    /// What retired series freed with observations in them left behind.
    private let salvaged = Locked<[@Sendable (CollectionWindow) -> MetricSnapshot?]>([])
    /// `nil`: no limits.
    let limits: CardinalityLimits?

    init(limits: CardinalityLimits? = nil) {
        self.limits = limits
    }

    deinit { state.deallocate() }

    /// Records `value` into the existing histogram of this identity, if
    /// there is one and no writer holds the table: `put`'s fast path (only
    /// without eventful sinks: nothing may call back into the registry
    /// under the read side, or a writer would wait for it forever). The
    /// series is used in place, under the read side, so no reference to it
    /// is taken (expiry, a writer, waits until the record is done). Returns
    /// whether it recorded; if not, the caller takes
    /// ``series(name:kind:dimensions:as:make:)``.
    @inline(__always)
    func recordIfPresent(hash: Int, name: String, dimensions: borrowing KPLDimensionPairs, value: Double) -> Bool {
        lock.tryRead { () -> Bool in
            // Plain loads of the raw storage: nothing is copied or retained.
            let slots = state.slots
            let mask = state.slotCount - 1
            let objects = state.objects
            let kinds = state.kinds
            let tag = Table.tag(hash)
            let histogram = UInt8(MetricSnapshot.Kind.histogram.hashCode)
            var slot = hash & mask
            while true {
                let entry = slots[slot]
                if entry == 0 { return false }
                if entry & 0xFFFF_FFFF_0000_0000 == tag {
                    let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                    // Only histograms have the histogram kind.
                    if kinds[index] == histogram {
                        let found = Unmanaged<Histogram>.fromOpaque(objects[index])._withUnsafeGuaranteedRef { series in
                            guard series.descriptor.matches(name: name, kind: .histogram, kpl: dimensions) else { return false }
                            series.record(value)
                            return true
                        }
                        if found { return true }
                    }
                }
                slot = (slot + 1) & mask
            }
        } ?? false
    }

    /// The series with this identity, created by `make` if there is none
    /// (`nil` only if an existing series of that identity has another type).
    /// Past a cardinality limit, the overflow series that takes its place
    /// (see ``CardinalityLimits``): `make` gets the name and dimensions of
    /// the series to create, which are the overflow's when folded.
    ///
    /// `make` runs under the registry's lock and must not call back into it.
    func series<S: RegisteredSeries, D: DimensionPairs>(
        name: String,
        kind: MetricSnapshot.Kind,
        dimensions: D,
        as type: S.Type,
        make: (_ name: String, _ dimensions: [(String, String)]) -> S
    ) -> S? {
        let hash = SeriesDescriptor.hash(name: name, kind: kind, dimensions: dimensions)
        let probe = dimensions.probe
        // The common case, an existing series: found under the read side.
        let lookup = lock.tryRead { () -> Lookup<S> in
            // The raw slots first: a new series (a miss) costs a probe and
            // no copy of the table.
            let slots = state.slots
            let mask = state.slotCount - 1
            let tag = Table.tag(hash)
            var slot = hash & mask
            while true {
                let entry = slots[slot]
                if entry == 0 { return .missing }
                if entry & 0xFFFF_FFFF_0000_0000 == tag {
                    let candidate = state.series[Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1]
                    if candidate.matches(name: name, kind: kind, dimensions: probe) { return .found(candidate as? S) }
                }
                slot = (slot + 1) & mask
            }
        }
        if case .found(let series)? = lookup { return series }
        return mutate { table -> S? in
            let (found, slot) = table.find(hash: hash, name: name, kind: kind, dimensions: probe)
            if let found { return table.series[found] as? S }
            if let limits {
                let ofName = table.perName[name, default: 0]
                let overTotal = table.series.count >= limits.total
                if overTotal || (dimensions.pairCount > 0 && ofName >= limits.perMetric) {
                    // Folded. A metric that has series and dimensions: its own
                    // overflow series (same keys, every value `overflowValue`).
                    // A new name past the total, or one without dimensions: the
                    // one catch-all series of its kind, so that names made
                    // from outside input are bounded too.
                    let byMetric = dimensions.pairCount > 0 && ofName > 0
                    let overflowName = byMetric ? name : limits.overflowMetricName
                    let overflow = byMetric ? dimensions.materialized().map { ($0.0, limits.overflowValue) } : []
                    table.folds[overflowName, default: 0] += 1
                    table.totalFolds += 1
                    let overflowHash = SeriesDescriptor.hash(name: overflowName, kind: kind, dimensions: overflow)
                    let (existing, overflowSlot) = table.find(hash: overflowHash, name: overflowName, kind: kind,
                                                              dimensions: .list(overflow))
                    if let existing { return table.series[existing] as? S }
                    let created = make(overflowName, overflow)
                    table.insert(created, hash: overflowHash, at: overflowSlot)
                    return created
                }
            }
            let created = make(name, dimensions.materialized())
            table.insert(created, hash: hash, at: slot)
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
        mutate { table -> Int in
            guard !table.retired.isEmpty else { return 0 }
            var stillRetired: [WeakSeries] = []
            var revived = 0
            for weak in table.retired {
                // Freed: what it held, if anything, was salvaged by its deinit.
                guard let entry = weak.series else { continue }
                guard entry.hasPendingObservations() else {
                    stillRetired.append(weak)
                    continue
                }
                let descriptor = entry.descriptor
                let (found, slot) = table.find(hash: descriptor.hash, name: descriptor.name, kind: descriptor.kind,
                                               dimensions: .list(descriptor.dimensions))
                if found == nil {
                    table.insert(entry, hash: descriptor.hash, at: slot)
                } else {
                    table.append(entry)
                }
                _ = entry.windowEnded(observed: true)
                revived += 1
            }
            table.retired = stillRetired
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

    /// Ends a window for expiry: `observed[i]` says whether series `i` of
    /// `series` (the array ``all()`` returned for this cut) had a snapshot.
    /// Series idle for `after` windows in a row are retired (an observation
    /// racing the retirement is found by the next ``reviveRecordedInto()``).
    /// Returns how many were retired.
    @discardableResult
    func expire(_ series: ContiguousArray<any RegisteredSeries>, observed: [Bool], after windows: Int) -> Int {
        var candidates: [ObjectIdentifier] = []
        for (index, entry) in series.enumerated()
        where entry.windowEnded(observed: observed[index]) >= windows {
            candidates.append(ObjectIdentifier(entry))
        }
        guard !candidates.isEmpty else { return 0 }
        let candidateSet = Set(candidates)
        return mutate { table -> Int in
            var kept = ContiguousArray<any RegisteredSeries>()
            kept.reserveCapacity(table.series.count)
            var retired = 0
            for entry in table.series {
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
                    table.retired.append(WeakSeries(entry))
                    retired += 1
                }
            }
            if retired > 0 {
                table.rebuild(keeping: kept)
                table.totalExpired += retired
            }
            return retired
        }
    }

    /// The folds per metric name since the last call, and resets them.
    func takeFolds() -> [String: Int] {
        mutate { table in
            defer { table.folds = [:] }
            return table.folds
        }
    }

    /// Lookups folded into overflow series, and series expired, since start.
    var totals: (folded: Int, expired: Int) {
        lock.readExcludingWriters { (state.totalFolds, state.totalExpired) }
    }

    /// Every series, in creation order. The array is shared, not copied:
    /// collecting never holds the registry's lock.
    func all() -> ContiguousArray<any RegisteredSeries> {
        lock.readExcludingWriters { state.series }
    }

    /// The number of live series.
    var count: Int { lock.readExcludingWriters { state.series.count } }

    /// Runs `body` on the table with every lookup and writer excluded.
    private func mutate<T>(_ body: (inout Table) -> T) -> T {
        lock.write { body(&state) }
    }
}

/// What a lookup under the read side found.
private enum Lookup<S> {
    /// A series of this identity (`nil`: of another type).
    case found(S?)
    case missing
}

/// A weak reference to a retired series.
struct WeakSeries: @unchecked Sendable {
    weak var series: (any RegisteredSeries)?

    init(_ series: any RegisteredSeries) {
        self.series = series
    }
}
