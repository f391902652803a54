import Foundation
@testable import MetricsCore
import Testing

/// The export worker's queue alone: no task, no lock, no clock.
@Suite("Snapshot queue")
struct SnapshotQueueTests {
    private static let start = Date(timeIntervalSince1970: 1_700_000_000)

    /// A window of `names`, one chunk, each snapshot `size` bytes.
    private func window(_ names: [String], size: Int = 100) -> SnapshotChunks {
        let snapshots = names.map {
            MetricSnapshot(name: $0, kind: .counter, unit: .count, dimensions: [], windowStart: Self.start,
                           windowEnd: Self.start + 60, count: 1, sum: 1, min: 1, max: 1)
        }
        return SnapshotChunks(chunks: [.init(snapshots: snapshots, sizes: names.map { _ in size })])
    }

    @Test("batches are taken oldest first, across windows, at most max at a time")
    func batches() {
        var queue = SnapshotQueue()
        #expect(queue.enqueue(window(["a", "b", "c"]), at: .seconds(1), limit: .max, policy: .oldest) == 0)
        #expect(queue.enqueue(window(["d", "e"]), at: .seconds(2), limit: .max, policy: .oldest) == 0)
        #expect(queue.oldestEnqueuedAt == .seconds(1))
        var first = queue.takeBatch(max: 2)
        #expect(first.snapshots.map(\.name) == ["a", "b"])
        #expect((queue.queuedCount, queue.inFlightCount, queue.inFlightBytes) == (3, 2, 200))
        queue.settleInFlight(&first, remaining: [])
        var second = queue.takeBatch(max: 2)
        #expect(second.snapshots.map(\.name) == ["c", "d"])
        #expect(queue.oldestEnqueuedAt == .seconds(2))
        queue.settleInFlight(&second, remaining: [])
        var third = queue.takeBatch(max: 10)
        #expect(third.snapshots.map(\.name) == ["e"])
        queue.settleInFlight(&third, remaining: [])
        #expect(queue.isIdle && queue.oldestEnqueuedAt == nil && queue.queuedBytes == 0)
        #expect(queue.takeBatch(max: 10).snapshots.isEmpty)
    }

    @Test("batches in flight at once are settled each on its own, in any order")
    func concurrentBatches() {
        var queue = SnapshotQueue()
        _ = queue.enqueue(window(["a", "b", "c", "d", "e"]), at: .zero, limit: .max, policy: .oldest)
        var first = queue.takeBatch(max: 2)
        var second = queue.takeBatch(max: 2)
        #expect(second.snapshots.map(\.name) == ["c", "d"])
        #expect((queue.queuedCount, queue.inFlightCount, queue.inFlightBytes) == (1, 4, 400))
        // The second ends first, the first leaves one snapshot to retry.
        queue.settleInFlight(&second, remaining: [])
        #expect((queue.inFlightCount, queue.inFlightBytes) == (2, 200))
        queue.settleInFlight(&first, remaining: Array(first.snapshots.suffix(1)))
        #expect((queue.inFlightCount, queue.inFlightBytes) == (1, first.snapshots[1].estimatedSize))
        queue.settleInFlight(&first, remaining: [])
        #expect((queue.inFlightCount, queue.inFlightBytes, queue.queuedCount) == (0, 0, 1))
        #expect(!queue.isIdle)
    }

    @Test("over the bound, the oldest or the newest waiting snapshots go; in-flight bytes count and stay")
    func bound() {
        var oldest = SnapshotQueue()
        _ = oldest.enqueue(window(["a", "b"]), at: .zero, limit: 400, policy: .oldest)
        var inFlight = oldest.takeBatch(max: 1)
        #expect(inFlight.snapshots.map(\.name) == ["a"])
        // 100 in flight + 400 waiting > 400: one waiting snapshot goes.
        #expect(oldest.enqueue(window(["c", "d", "e"]), at: .zero, limit: 400, policy: .oldest) == 1)
        #expect((oldest.queuedCount, oldest.queuedBytes, oldest.inFlightCount) == (3, 300, 1))
        oldest.settleInFlight(&inFlight, remaining: [])
        #expect(oldest.takeBatch(max: 10).snapshots.map(\.name) == ["c", "d", "e"])

        var newest = SnapshotQueue()
        #expect(newest.enqueue(window(["a", "b", "c", "d", "e"]), at: .zero, limit: 300, policy: .newest) == 2)
        #expect(newest.takeBatch(max: 10).snapshots.map(\.name) == ["a", "b", "c"])
    }

    @Test("what a retry leaves in flight is counted; removeAll says what was waiting and what was in flight")
    func inFlightAndRemoveAll() {
        var queue = SnapshotQueue()
        _ = queue.enqueue(window(["a", "b", "c"]), at: .zero, limit: .max, policy: .oldest)
        var batch = queue.takeBatch(max: 2)
        queue.settleInFlight(&batch, remaining: Array(batch.snapshots.suffix(1)))
        #expect(queue.inFlightCount == 1 && queue.inFlightBytes == batch.snapshots[1].estimatedSize)
        #expect(!queue.isIdle)
        #expect(queue.removeAll() == (queued: 1, inFlight: 1))
        #expect(queue.isIdle && queue.queuedBytes == 0 && queue.inFlightBytes == 0)
    }
}
