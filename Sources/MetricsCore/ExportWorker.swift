import Foundation
import CWMLocking

/// The worker between the manager and one sink: a bounded queue of
/// snapshots and one task that hands them to the sink in batches (up to
/// ``Sink/maxConcurrentExports`` at once), retries per the sink's policy,
/// and accounts for every snapshot exactly once (exported, dropped with a
/// reason, or still queued).
///
/// Enqueueing never waits: over the memory bound it drops (oldest or
/// newest, per ``BatchingConfig/dropOnOverflow``) and reports the count.
final class ExportWorker: Sendable {
    let sink: any Sink
    let name: String
    private let config: BatchingConfig
    private let retryPolicy: any ExportRetryPolicy
    /// Batches exported at once (the sink's ``Sink/maxConcurrentExports``).
    private let maxConcurrentExports: Int
    /// Each batch's first attempt: carries the manager's upload interval.
    private let firstAttempt: ExportAttempt
    private let time: TimeSource
    private let wallClock: any WallClock
    private let report: @Sendable (SinkEvent) -> Void
    private let state = Locked(State())

    init(
        sink: any Sink,
        name: String,
        config: BatchingConfig,
        time: TimeSource,
        wallClock: any WallClock,
        uploadInterval: Duration? = nil,
        report: @escaping @Sendable (SinkEvent) -> Void
    ) {
        self.firstAttempt = ExportAttempt(number: 1, previousError: nil, uploadInterval: uploadInterval)
        self.sink = sink
        self.name = name
        self.config = config
        self.retryPolicy = sink.retryPolicy
        self.maxConcurrentExports = max(1, sink.maxConcurrentExports)
        self.time = time
        self.wallClock = wallClock
        self.report = report
    }

    // MARK: Lifecycle

    /// Starts the worker's task.
    func start() {
        let task = Task { await self.run() }
        state.withLock { $0.task = task }
    }

    /// No more snapshots will be enqueued; the worker drains and finishes.
    func close() {
        state.withLock { state in
            if state.phase == .open { state.phase = .closing }
        }
        wake()
    }

    /// Waits until the worker's task has finished (after `close()`).
    func waitUntilFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.isDone { return true }
                state.finishWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Gives up on everything not yet delivered: counts queued snapshots as
    /// dropped (`.shutdownDeadline`) and in-flight ones as of unknown
    /// outcome (the backend may have them), cancels the export in progress,
    /// and releases everyone waiting. Returns the count given up on.
    @discardableResult
    func abandon() -> Int {
        let (count, task, waiters) = state.withLock {
            state -> ((queued: Int, inFlight: Int), Task<Void, Never>?, [CheckedContinuation<Void, Never>]) in
            guard state.phase != .abandoned else { return ((0, 0), nil, []) }
            state.phase = .abandoned
            let (queued, inFlight) = state.queue.removeAll()
            if queued > 0 { state.dropped[.shutdownDeadline, default: 0] += queued }
            state.unknownOutcome += inFlight
            let waiters = state.idleWaiters + state.finishWaiters
            state.idleWaiters.removeAll()
            state.finishWaiters.removeAll()
            return ((queued, inFlight), state.task, waiters)
        }
        task?.cancel()
        wake()
        for waiter in waiters { waiter.resume() }
        if count.queued > 0 { report(.batchDropped(count: count.queued, reason: .shutdownDeadline)) }
        if count.inFlight > 0 { report(.outcomeUnknown(count: count.inFlight)) }
        return count.queued + count.inFlight
    }

    // MARK: Producer side

    /// Queues a window already cut into chunks (shared by every worker, so
    /// neither the snapshots nor their size estimates are copied or
    /// computed per sink); says whether it was queued and what made room.
    @discardableResult
    func enqueue(_ chunks: SnapshotChunks) -> EnqueueOutcome {
        guard chunks.count > 0 else { return .queued(droppedForRoom: 0) }
        let now = time.elapsed()
        let outcome = state.withLock { state -> EnqueueOutcome in
            // Abandoned at the deadline, or drained and finished after a
            // close: nobody will export these any more, so they are counted.
            if state.isDone {
                state.dropped[.shutdownDeadline, default: 0] += chunks.count
                return .refused
            }
            let dropped = state.queue.enqueue(chunks, at: now, limit: config.maxMemoryBytes,
                                              policy: config.dropOnOverflow)
            if dropped > 0 { state.dropped[.queueFull, default: 0] += dropped }
            return .queued(droppedForRoom: dropped)
        }
        switch outcome {
        case .queued(let dropped) where dropped > 0:
            report(.batchDropped(count: dropped, reason: .queueFull))
        case .refused:
            report(.batchDropped(count: chunks.count, reason: .shutdownDeadline))
        case .queued:
            break
        }
        wake()
        return outcome
    }

    /// Asks the worker to export everything queued now and waits until the
    /// queue is empty and nothing is in flight.
    func drain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.queue.isIdle || state.isDone { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        wake()
    }

    /// The worker's counters.
    func stats() -> SinkStats {
        state.withLock { state in
            SinkStats(
                name: name, queued: state.queue.queuedCount, inFlight: state.queue.inFlightCount,
                memoryBytes: state.queue.queuedBytes + state.queue.inFlightBytes, exported: state.exported,
                dropped: state.dropped, unknownOutcome: state.unknownOutcome, retries: state.retries,
                lastExport: state.lastExport, lastError: state.lastError, failures: state.failures)
        }
    }

    // MARK: Worker side

    private enum Next {
        case batch(SnapshotQueue.Batch)
        case wait(until: Duration?)
        case finish
    }

    /// Takes batches while fewer than `maxConcurrentExports` are out, each
    /// exported in a child task that wakes the loop when it ends; finishes
    /// only when nothing is queued or in flight (or when abandoned).
    private func run() async {
        await withDiscardingTaskGroup { group in
            while true {
                switch nextStep() {
                case .batch(let batch):
                    group.addTask {
                        await self.export(batch)
                        self.exportEnded()
                    }
                case .wait(let deadline):
                    await sleep(until: deadline)
                case .finish:
                    finish()
                    return
                }
            }
        }
    }

    private func exportEnded() {
        state.withLock { $0.exporting -= 1 }
        wake()
    }

    private func nextStep() -> Next {
        let (next, idleWaiters) = state.withLock { state -> (Next, [CheckedContinuation<Void, Never>]) in
            if state.phase == .abandoned { return (.finish, []) }
            // Every export slot taken: the next to end wakes the loop.
            if state.exporting >= maxConcurrentExports { return (.wait(until: nil), []) }
            guard let oldest = state.queue.oldestEnqueuedAt else {
                // Idle (and finished, when closing) only once nothing is in flight.
                if state.exporting > 0 { return (.wait(until: nil), []) }
                let waiters = state.idleWaiters
                state.idleWaiters.removeAll()
                // Decided under the same lock as enqueue's check: nothing can
                // be queued between "empty and closing" and "finished".
                guard state.phase == .closing else { return (.wait(until: nil), waiters) }
                state.phase = .finished
                return (.finish, waiters)
            }
            let due = oldest + config.flushInterval
            let ready = state.queue.queuedCount >= config.minBatchSize || state.isFlushing || state.phase == .closing
                || time.elapsed() >= due
            guard ready else { return (.wait(until: due), []) }
            state.exporting += 1
            return (.batch(state.queue.takeBatch(max: config.maxBatchSize)), [])
        }
        for waiter in idleWaiters { waiter.resume() }
        return next
    }

    private func sleep(until deadline: Duration?) async {
        let timer: Task<Void, Never>? = deadline.map { deadline in
            Task { [time] in
                do { try await time.sleepUntil(deadline) } catch { return }
                self.wake()
            }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if case .pending = state.wake {
                    state.wake = .none
                    return true
                }
                if state.phase == .abandoned { return true }
                state.wake = .sleeping(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
        timer?.cancel()
    }

    private func wake() {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if case .sleeping(let sleeper) = state.wake {
                state.wake = .none
                return sleeper
            }
            state.wake = .pending
            return nil
        }
        continuation?.resume()
    }

    private func finish() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            if state.phase != .abandoned { state.phase = .finished }
            let waiters = state.finishWaiters + state.idleWaiters
            state.finishWaiters.removeAll()
            state.idleWaiters.removeAll()
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Exports one batch through the shared retry loop and settles every
    /// snapshot of it: exported, dropped with a reason, or (abandoned) left
    /// to the shutdown accounting.
    private func export(_ taken: SnapshotQueue.Batch) async {
        var batch = taken
        await ExportLoop.run(
            batch.snapshots, to: sink, first: firstAttempt, policy: retryPolicy,
            now: { time.elapsed() },
            sleep: { try await time.sleep(for: $0) },
            shouldStop: { isAbandoned },
            onStep: { step in
                switch step {
                case .attempted(let result, let delivered, let duration):
                    for rejection in result.rejected {
                        report(.datumRejected(metric: rejection.metric, error: rejection.error))
                    }
                    for refusal in result.refused {
                        noteFailure(refusal.error)
                        report(.exportFailed(error: refusal.error))
                        report(.batchDropped(count: refusal.count, reason: .nonRetryableError))
                    }
                    settle(&batch, delivered: delivered, invalid: result.rejected.count,
                           refused: result.refusedCount, remaining: result.unsent, duration: duration)
                case .retrying(let attempt, let error):
                    state.withLock { $0.retries += 1 }
                    report(.retried(attempt: attempt, error: error))
                case .gaveUp(let count, let reason, let error):
                    noteFailure(error)
                    report(.exportFailed(error: error))
                    drop(&batch, count, reason: reason)
                }
            })
    }

    private var isAbandoned: Bool { state.withLock { $0.phase == .abandoned } }

    private func noteFailure(_ error: any Error) {
        let text = "\(error)"
        state.withLock { state in
            state.lastError = text
            state.failures += 1
        }
    }

    /// Records the outcome of one `export` call. `remaining` stays in flight.
    /// `refused` were refused for good by the backend (reported already).
    private func settle(_ batch: inout SnapshotQueue.Batch, delivered: Int, invalid: Int, refused: Int,
                        remaining: [MetricSnapshot], duration: Duration) {
        let now = wallClock.now()
        let counted = state.withLock { state -> Bool in
            guard state.phase != .abandoned else { return false }
            if delivered > 0 {
                state.exported += delivered
                state.lastExport = now
            }
            if invalid > 0 { state.dropped[.invalidDatum, default: 0] += invalid }
            if refused > 0 { state.dropped[.nonRetryableError, default: 0] += refused }
            state.queue.settleInFlight(&batch, remaining: remaining)
            return true
        }
        guard counted else { return }
        if invalid > 0 { report(.batchDropped(count: invalid, reason: .invalidDatum)) }
        if delivered > 0 { report(.exported(count: delivered, duration: duration)) }
    }

    private func drop(_ batch: inout SnapshotQueue.Batch, _ count: Int, reason: DropReason) {
        let counted = state.withLock { state -> Bool in
            guard state.phase != .abandoned else { return false }
            state.dropped[reason, default: 0] += count
            state.queue.settleInFlight(&batch, remaining: [])
            return true
        }
        if counted { report(.batchDropped(count: count, reason: reason)) }
    }
}
