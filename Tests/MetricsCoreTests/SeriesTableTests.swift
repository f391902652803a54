import Foundation
@testable import MetricsCore
import Testing

/// The series table alone: storage and the one probe, without the
/// registry's policy.
@Suite("Series table")
struct SeriesTableTests {
    private func counter(_ name: String, _ dimensions: [(String, String)] = []) -> Counter {
        Counter(descriptor: SeriesDescriptor(name: name, kind: .counter, unit: .count, dimensions: dimensions),
                control: .inert)
    }

    private func find(_ table: SeriesTable, _ series: Counter) -> Int? {
        let descriptor = series.descriptor
        return table.find(hash: descriptor.hash, name: descriptor.name, kind: .counter,
                          dimensions: .list(descriptor.dimensions)).found
    }

    @Test("what is inserted is found at its index, through growth to 10k series; the raw mirrors agree")
    func insertAndGrow() {
        var table = SeriesTable()
        defer { table.deallocate() }
        let made = (0..<10_000).map { counter("Requests", [("series", "s\($0)")]) }
        for series in made {
            let descriptor = series.descriptor
            let (found, slot) = table.find(hash: descriptor.hash, name: descriptor.name, kind: .counter,
                                           dimensions: .list(descriptor.dimensions))
            #expect(found == nil)
            table.insert(series, hash: descriptor.hash, at: slot)
        }
        #expect(table.slotCount * 3 >= 4 * made.count, "at most three quarters of the slots are used")
        for (index, series) in made.enumerated() where index % 97 == 0 || index == made.count - 1 {
            #expect(find(table, series) == index)
            #expect(table.objects[index] == Unmanaged.passUnretained(series as AnyObject).toOpaque())
            #expect(table.kinds[index] == UInt8(MetricSnapshot.Kind.counter.hashCode))
        }
        #expect(table.perName["Requests"] == made.count)
        #expect(find(table, counter("Requests", [("series", "other")])) == nil)
    }

    @Test("a second series of one identity is kept but never found, through growth and rebuilding")
    func duplicates() {
        var table = SeriesTable()
        defer { table.deallocate() }
        let first = counter("Depth")
        let second = counter("Depth")
        table.add(first)
        table.add(second)
        #expect(table.series.count == 2 && find(table, first) == 0)
        for index in 0..<100 { table.add(counter("Other\(index)")) }
        #expect(find(table, first) == 0, "growth keeps the first one")
        table.rebuild(keeping: ContiguousArray([second] + table.series.filter { $0 !== first && $0 !== second }))
        #expect(table.series.count == 101 && find(table, second) == 0, "without the first, the second is found")
        #expect(table.perName["Depth"] == 1)
    }

    @Test("series per name stay exact across interleaved names (new names move the dictionary) and rebuilding")
    func perNameCounts() {
        var table = SeriesTable()
        defer { table.deallocate() }
        var expected: [String: Int] = [:]
        // Runs of one name (the remembered lookup hits), and new names in
        // between (the dictionary grows, which may move every entry).
        for index in 0..<600 {
            let name = index % 7 == 0 ? "Name\(index)" : "Run\(index / 50)"
            table.add(counter(name, [("series", "s\(index)")]))
            expected[name, default: 0] += 1
            #expect(table.seriesCount(named: name) == expected[name])
        }
        #expect(table.perName == expected)
        #expect(table.seriesCount(named: "Missing") == 0)
        let kept = table.series.filter { $0.descriptor.name != "Run3" }
        table.rebuild(keeping: ContiguousArray(kept))
        expected["Run3"] = nil
        #expect(table.seriesCount(named: "Run3") == 0, "the name remembered before rebuilding is forgotten")
        #expect(table.perName == expected)
        table.add(counter("Run3", [("series", "again")]))
        #expect(table.seriesCount(named: "Run3") == 1)
    }

    @Test("the probe stops at the first empty slot, and asks only series whose tag matches")
    func probe() {
        let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: 8)
        defer { slots.deallocate() }
        slots.initialize(repeating: 0, count: 8)
        // The home slot comes from the tag (the top 32 bits): 0x1234_567A & 7 == 2.
        let hash = 0x1234_567A_0000_0007
        // Slot 2 (home) holds another tag, slot 3 the right tag (index 4), slot 4 is empty.
        slots[2] = 0x9999_9999_0000_0001
        slots[3] = 0x1234_567A_0000_0005
        var asked: [Int] = []
        let hit = SeriesTable.probe(slots, mask: 7, hash: hash) { asked.append($0); return true }
        #expect(hit.found == 4 && hit.slot == 3 && asked == [4])
        asked = []
        let miss = SeriesTable.probe(slots, mask: 7, hash: hash) { asked.append($0); return false }
        #expect(miss.found == nil && miss.slot == 4 && asked == [4])
    }
}
