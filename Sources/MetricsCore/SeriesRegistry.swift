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
            if series.count * 2 > slots.count { grow() }
        }

        private mutating func grow() {
            var newSlots = [UInt64](repeating: 0, count: slots.count * 2)
            let mask = newSlots.count - 1
            for (index, entry) in series.enumerated() {
                let hash = entry.descriptor.hash
                var slot = hash & mask
                while newSlots[slot] != 0 { slot = (slot + 1) & mask }
                newSlots[slot] = Self.tag(hash) | UInt64(index + 1)
            }
            slots = newSlots
        }
    }

    private let table = Locked(Table())

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
            let created = make(dimensions.materialized())
            table.insert(created, hash: hash, at: slot)
            return created
        }
    }

    /// Every series, in creation order. The array is shared, not copied:
    /// collecting never holds the registry's lock.
    func all() -> ContiguousArray<any RegisteredSeries> {
        table.withLock { $0.series }
    }

    /// The number of live series.
    var count: Int { table.withLock { $0.series.count } }
}
