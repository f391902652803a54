// The window cut: how MetricsManager ends a window of every series, and the
// steps it is made of (chunking, collection, rejection deltas) as values
// tested alone (WindowCutTests). The order of a cut: revive series recorded
// into after their retirement, salvage what retired series held, collect
// every live series into chunks (on several cores for a large window),
// counting idle windows as it goes, retire the idle, report the rejections
// since the last cut.

import Foundation

/// The pure steps of a window cut.
enum WindowCut {
    /// Gathers a cut's snapshots into chunks of at most `size` (the unit an
    /// export worker hands to its sink), with each snapshot's size estimate.
    struct Chunker {
        let size: Int
        private var chunks: [SnapshotChunks.Chunk] = []
        private var snapshots: [MetricSnapshot] = []
        private var sizes: [Int] = []
        private var expected = 0

        init(size: Int) { self.size = Swift.max(1, size) }

        /// About `count` more snapshots will come: chunks are reserved for them.
        mutating func expect(_ count: Int) { expected = count }

        /// Takes `snapshot` (consumed: handed on without a copy, so its
        /// strings and arrays are not retained once more per series).
        @inline(__always)
        mutating func append(_ snapshot: consuming MetricSnapshot) {
            if snapshots.isEmpty, expected > 0 {
                snapshots.reserveCapacity(Swift.min(size, expected))
                sizes.reserveCapacity(Swift.min(size, expected))
            }
            sizes.append(snapshot.estimatedSize)
            snapshots.append(snapshot)
            if snapshots.count == size {
                chunks.append(.init(snapshots: snapshots, sizes: sizes))
                snapshots = []
                sizes = []
            }
        }

        /// The chunks, the last one partial.
        mutating func finish() -> [SnapshotChunks.Chunk] {
            if !snapshots.isEmpty { chunks.append(.init(snapshots: snapshots, sizes: sizes)) }
            snapshots = []
            sizes = []
            defer { chunks = [] }
            return chunks
        }
    }

    /// What one part of a cut collected: its snapshots in chunks, and the
    /// series idle for the expiry's windows in a row.
    struct Collected {
        var chunks: [SnapshotChunks.Chunk] = []
        var idle: [ObjectIdentifier] = []
    }

    /// Series a cut collects on one thread before it splits the work:
    /// below this, starting threads costs more than it saves.
    static let seriesPerPart = 16_384

    /// The cores a cut may use, read once (Foundation reads the cgroup's
    /// CPU quota from files to answer).
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// Collects every series' window, in order: with many series, in
    /// contiguous parts on several cores at once (series are independent,
    /// and only the cut collects them). Each series' idle windows are
    /// counted as it is collected, while it is in cache, so expiry needs no
    /// second pass. The parts, in order, hold the series' order.
    static func collect(_ series: ContiguousArray<any RegisteredSeries>, bounds: CollectionWindow, expiry: Int?,
                        chunkSize: Int, cores: Int = WindowCut.cores) -> [Collected] {
        let parts = series.count < 2 * seriesPerPart ? 1 : Swift.max(1, Swift.min(cores, series.count / seriesPerPart))
        @Sendable func collect(_ range: Range<Int>) -> Collected {
            var chunker = Chunker(size: chunkSize)
            chunker.expect(range.count)
            var idle: [ObjectIdentifier] = []
            for entry in series[range] {
                // Bound and handed on at once: the snapshot moves into the
                // chunk, with no copy of its strings and arrays.
                guard let snapshot = entry.collect(bounds) else {
                    if let expiry, entry.windowEnded(observed: false) >= expiry { idle.append(ObjectIdentifier(entry)) }
                    continue
                }
                if expiry != nil { _ = entry.windowEnded(observed: true) }
                chunker.append(snapshot)
            }
            return Collected(chunks: chunker.finish(), idle: idle)
        }
        guard parts > 1 else { return [collect(series.indices)] }
        // Each part initialises its own element and reads none of the others'.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Collected>.allocate(capacity: parts)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let range = (series.count * part / parts)..<(series.count * (part + 1) / parts)
            (results.baseAddress! + part).initialize(to: collect(range))
        }
        let collected = Array(results)
        _ = results.deinitialize()
        return collected
    }

    /// The rejections counted since the last report, by reason, in
    /// ``RejectionReason`` order: `totals` less what was `reported`.
    static func newRejections(totals: [RejectionReason: Int], reported: [RejectionReason: Int])
        -> [(RejectionReason, Int)] {
        RejectionReason.allCases.compactMap { reason in
            let delta = (totals[reason] ?? 0) - (reported[reason] ?? 0)
            return delta > 0 ? (reason, delta) : nil
        }
    }
}

extension MetricsManager {
    // MARK: Windows

    /// Ends the current window of every series and returns its snapshots,
    /// in chunks of at most `batching.maxBatchSize` (the unit every export
    /// worker hands to its sink); reports rejections counted since the
    /// previous cut.
    func cutWindow() -> SnapshotChunks {
        selfMetrics?.recordQueues(workers)
        let chunkSize = batching.maxBatchSize
        let (chunks, rejections, expired) = window.withLock { state -> ([SnapshotChunks.Chunk], [(RejectionReason, Int)], Int) in
            let end = wallClock.now()
            let bounds = CollectionWindow(start: state.start, end: end)
            var chunker = WindowCut.Chunker(size: chunkSize)
            // Revive and salvage: what retired series still held (only with
            // expiry, the only way series retire).
            if seriesExpiry != nil {
                registry.reviveRecordedInto()
                for salvaged in registry.takeSalvaged() {
                    if let snapshot = salvaged(bounds) { chunker.append(snapshot) }
                }
            }
            // Collect every live series' window, on several cores for a large one.
            let series = registry.all()
            var chunks = chunker.finish()
            var idle: [ObjectIdentifier] = []
            for part in WindowCut.collect(series, bounds: bounds, expiry: seriesExpiry, chunkSize: chunkSize) {
                chunks += part.chunks
                idle += part.idle
            }
            // Retire the idle, then the rejections counted since the last cut.
            let expired = idle.isEmpty ? 0 : registry.retire(idle)
            state.start = end
            let totals = control.rejections()
            let fresh = WindowCut.newRejections(totals: totals, reported: state.reportedRejections)
            state.reportedRejections = totals
            return (chunks, fresh, expired)
        }
        let named = control.takeRejectedMetrics()
        for (reason, count) in rejections {
            selfMetrics?.recordRejections(count, reason: reason)
            hub.emit(.observationsRejected(count: count, reason: reason))
            for metric in named[reason] ?? [] { hub.emit(.observationsRejectedFor(metric: metric, reason: reason)) }
        }
        for (metric, count) in registry.takeFolds().sorted(by: { $0.key < $1.key }) {
            hub.emit(.seriesFolded(metric: metric, count: count))
        }
        if expired > 0 { hub.emit(.seriesExpired(count: expired)) }
        return SnapshotChunks(chunks: chunks)
    }

    /// Cuts a window and hands it to every export worker.
    func tick() {
        cutAndEnqueue.withLock { cuts in
            cuts += 1
            let chunks = cutWindow()
            guard chunks.count > 0 else { return }
            for worker in workers { worker.enqueue(chunks) }
        }
    }
}
