/// One export worker's queue, as a value: the windows waiting for the sink
/// (in segments, one per chunk of a window, never copied per sink), the
/// batch in flight, the memory bound with its drop policy, and the batches
/// handed over. No lock and no task: ``ExportWorker`` keeps it under its
/// lock, and the tests drive it directly.
struct SnapshotQueue {
    /// One chunk of a window; consumed from `head`.
    private struct Segment {
        var snapshots: [MetricSnapshot]
        var sizes: [Int]
        var head = 0
        let enqueuedAt: Duration
        var remaining: Int { snapshots.count - head }
    }

    private var segments: [Segment] = []
    /// Snapshots waiting.
    private(set) var queuedCount = 0
    /// Estimated bytes of the snapshots waiting.
    private(set) var queuedBytes = 0
    /// Snapshots handed to the sink and not yet settled.
    private(set) var inFlightCount = 0
    /// Estimated bytes of the snapshots in flight.
    private(set) var inFlightBytes = 0

    /// Nothing waiting and nothing in flight.
    var isIdle: Bool { queuedCount == 0 && inFlightCount == 0 }

    /// When the oldest waiting snapshot was queued; `nil` when none waits.
    var oldestEnqueuedAt: Duration? { segments.first?.enqueuedAt }

    /// Queues `chunks` (queued at `now`), then drops waiting snapshots, per
    /// `policy`, until waiting and in-flight bytes fit `limit`. Returns how
    /// many it dropped. What is in flight is never dropped.
    mutating func enqueue(_ chunks: SnapshotChunks, at now: Duration, limit: Int,
                          policy: BatchingConfig.OverflowDrop) -> Int {
        for chunk in chunks.chunks where !chunk.snapshots.isEmpty {
            segments.append(Segment(snapshots: chunk.snapshots, sizes: chunk.sizes, enqueuedAt: now))
        }
        queuedCount += chunks.count
        queuedBytes += chunks.bytes
        var dropped = 0
        while queuedBytes + inFlightBytes > limit, queuedCount > 0 {
            switch policy {
            case .oldest:
                queuedBytes -= segments[0].sizes[segments[0].head]
                segments[0].head += 1
                if segments[0].remaining == 0 { segments.removeFirst() }
            case .newest:
                let last = segments.count - 1
                queuedBytes -= segments[last].sizes.removeLast()
                segments[last].snapshots.removeLast()
                if segments[last].remaining == 0 { segments.removeLast() }
            }
            queuedCount -= 1
            dropped += 1
        }
        return dropped
    }

    /// A batch handed to the sink, and what of it is still in flight (all
    /// of it at first; after a partial failure, what is left to retry).
    struct Batch {
        let snapshots: [MetricSnapshot]
        fileprivate(set) var inFlightCount: Int
        fileprivate(set) var inFlightBytes: Int
    }

    /// Hands over up to `max` waiting snapshots, oldest first, as a batch in
    /// flight. Several batches may be in flight at once (a sink with
    /// concurrent exports); each is settled on its own. A whole chunk at the
    /// head is handed over as it is, without a copy.
    mutating func takeBatch(max: Int) -> Batch {
        var batch: [MetricSnapshot] = []
        var bytes = 0
        while batch.count < max, !segments.isEmpty {
            let segment = segments[0]
            let take = Swift.min(max - batch.count, segment.remaining)
            if batch.isEmpty, segment.head == 0, take == segment.snapshots.count {
                batch = segment.snapshots
                bytes = segment.sizes.reduce(0, +)
                segments.removeFirst()
                continue
            }
            let range = segment.head..<(segment.head + take)
            batch.append(contentsOf: segment.snapshots[range])
            bytes += segment.sizes[range].reduce(0, +)
            segments[0].head += take
            if segments[0].remaining == 0 { segments.removeFirst() }
        }
        queuedCount -= batch.count
        queuedBytes -= bytes
        inFlightCount += batch.count
        inFlightBytes += bytes
        return Batch(snapshots: batch, inFlightCount: batch.count, inFlightBytes: bytes)
    }

    /// What of `batch` is in flight is now `remaining` (what the sink left
    /// unsent, to be retried); `[]` when the batch is settled.
    mutating func settleInFlight(_ batch: inout Batch, remaining: [MetricSnapshot]) {
        let bytes = remaining.reduce(0) { $0 + $1.estimatedSize }
        inFlightCount += remaining.count - batch.inFlightCount
        inFlightBytes += bytes - batch.inFlightBytes
        batch.inFlightCount = remaining.count
        batch.inFlightBytes = bytes
    }

    /// Empties the queue and forgets the batches in flight; returns how many
    /// snapshots were waiting and how many in flight.
    mutating func removeAll() -> (queued: Int, inFlight: Int) {
        defer { self = SnapshotQueue() }
        return (queuedCount, inFlightCount)
    }
}
