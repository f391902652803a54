import Foundation
@testable import MetricsCore
import Testing

/// The steps of a window cut, alone: chunking and rejection deltas.
@Suite("Window cut steps")
struct WindowCutTests {
    private func snapshot(_ name: String) -> MetricSnapshot {
        let end = Date(timeIntervalSince1970: 1_700_000_060)
        return MetricSnapshot(name: name, kind: .counter, unit: .count, dimensions: [], windowStart: end - 60,
                              windowEnd: end, count: 1, sum: 1, min: 1, max: 1)
    }

    @Test("chunks of at most size, the last partial, each snapshot's size beside it", arguments: [0, 1, 3, 7])
    func chunks(count: Int) {
        var chunker = WindowCut.Chunker(size: 3)
        chunker.expect(count)
        let names = (0..<count).map { "m\($0)" }
        for name in names { chunker.append(snapshot(name)) }
        let chunks = chunker.finish()
        #expect(chunks.map(\.snapshots.count) == Array(repeating: 3, count: count / 3) + (count % 3 > 0 ? [count % 3] : []))
        #expect(chunks.flatMap(\.snapshots).map(\.name) == names)
        #expect(chunks.allSatisfy { $0.sizes == $0.snapshots.map(\.estimatedSize) })
        #expect(chunker.finish().isEmpty)
    }

    @Test("a large cut collected on two cores gives what one core gives: every snapshot once, in order, the same idle series")
    func parallelCollect() {
        let registry = SeriesRegistry()
        let control = RecordingControl(disabled: false, eventSinks: [], wallClock: SystemWallClock(), registry: registry)
        let count = WindowCut.seriesPerPart * 2 + 5
        let counters = (0..<count).map { index in
            registry.series(name: "C", kind: .counter, dimensions: [("n", "\(index)")], as: Counter.self) {
                Counter(descriptor: SeriesDescriptor(name: $0, kind: .counter, unit: .count, dimensions: $1, hash: $2), control: control)
            }!
        }
        let bounds = CollectionWindow(start: Date(timeIntervalSince1970: 0), end: Date(timeIntervalSince1970: 60))
        // Every third counter recorded into, twice (two windows), so that
        // with an expiry of 2 the others are idle in the second.
        func window(cores: Int) -> [WindowCut.Collected] {
            for (index, counter) in counters.enumerated() where index % 3 == 0 { counter.increment(by: index + 1) }
            return WindowCut.collect(registry.all(), bounds: bounds, expiry: 2, chunkSize: 1000, cores: cores)
        }
        let first = window(cores: 2)
        #expect(first.count == 2, "two parts")
        #expect(first.allSatisfy { $0.idle.isEmpty }, "one window idle is not two")
        let parallel = window(cores: 2).flatMap(\.chunks).flatMap(\.snapshots).map(\.sum)
        #expect(parallel == stride(from: 0, to: count, by: 3).map { Double($0 + 1) })
        // The same third window on one core, then on two: the same idle series.
        for (index, counter) in counters.enumerated() where index % 3 == 0 { counter.increment(by: index + 1) }
        let serial = WindowCut.collect(registry.all(), bounds: bounds, expiry: 2, chunkSize: 1000, cores: 1)
        #expect(serial.count == 1)
        #expect(serial[0].chunks.flatMap(\.snapshots).map(\.sum) == parallel)
        let idleSerial = Set(serial[0].idle)
        #expect(idleSerial.count == count - (count + 2) / 3)
        let fourth = window(cores: 2)
        #expect(Set(fourth.flatMap(\.idle)) == idleSerial, "idle in the third and fourth windows alike")
    }

    @Test("new rejections are the totals less what was reported, in reason order, none when nothing changed")
    func rejections() {
        let reported: [RejectionReason: Int] = [.nonFiniteValue: 2, .afterShutdown: 1]
        let totals: [RejectionReason: Int] = [.nonFiniteValue: 5, .afterShutdown: 1, .emptyName: 1]
        let fresh = WindowCut.newRejections(totals: totals, reported: reported)
        #expect(fresh.map(\.0) == [.nonFiniteValue, .emptyName])
        #expect(fresh.map(\.1) == [3, 1])
        #expect(WindowCut.newRejections(totals: totals, reported: totals).isEmpty)
    }
}
