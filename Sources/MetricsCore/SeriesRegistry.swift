import Foundation
import Locking

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
}

/// Every live series of one manager.
///
/// An open-addressing hash table over a creation-ordered array of series.
/// Each slot packs the top 32 bits of the series' hash with its index, so a
/// probe compares hashes without touching the series, and only a hash match
/// asks the series to compare its identity. A lookup hashes the probe once and allocates
/// nothing (`put` depends on that); a creation is O(1) amortised; a series
/// costs the table 24 to 48 bytes. Snapshots come out in creation order.
final class SeriesRegistry: Sendable {
    private struct Table {
        var series: ContiguousArray<any RegisteredSeries> = []
        /// `(hash >> 32) << 32 | index + 1`; 0 is empty. Power-of-two count.
        var slots = [UInt64](repeating: 0, count: 64)
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

        func find(hash: Int, name: String, kind: MetricSnapshot.Kind, dimensions: ProbeDimensions) -> (found: Int?, slot: Int) {
            let mask = slots.count - 1
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

        mutating func insert(_ entry: any RegisteredSeries, hash: Int, at slot: Int) {
            slots[slot] = Self.tag(hash) | UInt64(series.count + 1)
            series.append(entry)
            perName[entry.descriptor.name, default: 0] += 1
            if series.count * 2 > slots.count { grow() }
        }

        /// Appends a series that shares its identity with a live one (a
        /// revived handle whose identity was taken meanwhile): collected and
        /// exported, never found by a lookup.
        mutating func append(_ entry: any RegisteredSeries) {
            series.append(entry)
            perName[entry.descriptor.name, default: 0] += 1
            if series.count * 2 > slots.count { grow() }
        }

        /// Keeps only `kept`, in order, and rebuilds the slots and counts.
        mutating func rebuild(keeping kept: ContiguousArray<any RegisteredSeries>) {
            var capacity = 64
            while kept.count * 2 > capacity { capacity *= 2 }
            series = []
            series.reserveCapacity(kept.count)
            slots = [UInt64](repeating: 0, count: capacity)
            perName = [:]
            for entry in kept {
                let descriptor = entry.descriptor
                let (found, slot) = find(hash: descriptor.hash, name: descriptor.name, kind: descriptor.kind,
                                         dimensions: .list(descriptor.dimensions))
                if found == nil {
                    slots[slot] = Self.tag(descriptor.hash) | UInt64(series.count + 1)
                }
                series.append(entry)
                perName[descriptor.name, default: 0] += 1
            }
        }

        private mutating func grow() {
            var newSlots = [UInt64](repeating: 0, count: slots.count * 2)
            let mask = newSlots.count - 1
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
            slots = newSlots
        }
    }

    private let table = Locked(Table())
    /// What retired series freed with observations in them left behind.
    private let salvaged = Locked<[@Sendable (CollectionWindow) -> MetricSnapshot?]>([])
    /// `nil`: no limits.
    let limits: CardinalityLimits?

    init(limits: CardinalityLimits? = nil) {
        self.limits = limits
    }

    /// The series with this identity, created by `make` if there is none
    /// (`nil` only if an existing series of that identity has another type).
    ///
    /// `make` runs under the registry's lock and must not call back into it.
    func series<S: RegisteredSeries, D: DimensionPairs>(
        name: String,
        kind: MetricSnapshot.Kind,
        dimensions: D,
        as type: S.Type,
        make: (_ dimensions: [(String, String)]) -> S
    ) -> S? {
        let hash = SeriesDescriptor.hash(name: name, kind: kind, dimensions: dimensions)
        return table.withLock { table -> S? in
            let (found, slot) = table.find(hash: hash, name: name, kind: kind, dimensions: dimensions.probe)
            if let found { return table.series[found] as? S }
            if let limits, dimensions.pairCount > 0,
               table.series.count >= limits.total || table.perName[name, default: 0] >= limits.perMetric {
                // Folded: the metric's overflow series takes the observation.
                table.folds[name, default: 0] += 1
                table.totalFolds += 1
                let overflow = dimensions.materialized().map { ($0.0, limits.overflowValue) }
                let overflowHash = SeriesDescriptor.hash(name: name, kind: kind, dimensions: overflow)
                let (existing, overflowSlot) = table.find(hash: overflowHash, name: name, kind: kind,
                                                          dimensions: .list(overflow))
                if let existing { return table.series[existing] as? S }
                let created = make(overflow)
                table.insert(created, hash: overflowHash, at: overflowSlot)
                return created
            }
            let created = make(dimensions.materialized())
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
        table.withLock { table -> Int in
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
        return table.withLock { table -> Int in
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
        table.withLock { table in
            defer { table.folds = [:] }
            return table.folds
        }
    }

    /// Lookups folded into overflow series, and series expired, since start.
    var totals: (folded: Int, expired: Int) {
        table.withLock { ($0.totalFolds, $0.totalExpired) }
    }

    /// Every series, in creation order. The array is shared, not copied:
    /// collecting never holds the registry's lock.
    func all() -> ContiguousArray<any RegisteredSeries> {
        table.withLock { $0.series }
    }

    /// The number of live series.
    var count: Int { table.withLock { $0.series.count } }
}

/// A weak reference to a retired series.
struct WeakSeries: @unchecked Sendable {
    weak var series: (any RegisteredSeries)?

    init(_ series: any RegisteredSeries) {
        self.series = series
    }
}
