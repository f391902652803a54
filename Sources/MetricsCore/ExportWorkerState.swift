// The export worker's state as values: its queue, counters, where it is in
// its life, and who waits for it. Kept under the worker's lock; see
// ExportWorker.swift for the transitions.

import Foundation

extension ExportWorker {
    /// The worker's state, under its lock.
    struct State {
        var queue = SnapshotQueue()

        var exported = 0
        var dropped: [DropReason: Int] = [:]
        var retries = 0
        var lastExport: Date?
        var lastError: String?
        var failures = 0

        var phase = Phase.open
        /// Batches being exported now (at most the sink's
        /// ``Sink/maxConcurrentExports``).
        var exporting = 0
        var wake = Wake.none
        /// Callers of `drain()`, released when the queue is empty and nothing
        /// is in flight. While there are any, batches go out regardless of
        /// `minBatchSize`.
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        /// Callers of `waitUntilFinished()`, released when the task ends.
        var finishWaiters: [CheckedContinuation<Void, Never>] = []
        /// In flight when the worker was abandoned: the backend may have them.
        var unknownOutcome = 0
        var task: Task<Void, Never>?

        var isFlushing: Bool { !idleWaiters.isEmpty }
        /// Nothing will be exported any more (finished, or abandoned).
        var isDone: Bool { phase == .finished || phase == .abandoned }
    }

    /// Where the worker is in its life.
    enum Phase {
        /// Taking windows and exporting them.
        case open
        /// No more windows will come: drain, then finish.
        case closing
        /// Drained after `close()`; the task has ended or is ending.
        case finished
        /// Shutdown's deadline passed: what was queued was counted as
        /// dropped, what was in flight as of unknown outcome.
        case abandoned
    }

    /// The worker task's sleep: not sleeping, asleep (to be resumed), or
    /// woken before it slept (so its next sleep returns at once).
    enum Wake {
        case none
        case sleeping(CheckedContinuation<Void, Never>)
        case pending
    }
}

extension ExportWorker {
    /// What ``ExportWorker/enqueue(_:)`` did with a window.
    enum EnqueueOutcome: Equatable {
        /// Queued; `droppedForRoom` older (or newer, per the drop policy)
        /// snapshots were dropped to keep the queue within its memory bound.
        case queued(droppedForRoom: Int)
        /// Not queued: the worker has finished (drained after shutdown, or
        /// abandoned at its deadline); counted as dropped at shutdown.
        case refused
    }
}
