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
