import Foundation
import CWMLocking

/// Errors of the manager's lifecycle.
public enum MetricsManagerError: Error, Equatable, CustomStringConvertible {
    /// `flush()` was called before `start()`.
    case notStarted
    /// `start()` was called after `shutdown()`.
    case alreadyShutDown
    /// A sink failed to start; the manager did not start.
    case sinkStartFailed(sink: String, reason: String)
    /// A sink failed to shut down; everything else was shut down.
    case sinkShutdownFailed(sink: String, reason: String)

    public var description: String {
        switch self {
        case .notStarted: return "the metrics manager was not started: call start() first"
        case .alreadyShutDown: return "the metrics manager was shut down and cannot be restarted"
        case .sinkStartFailed(let sink, let reason): return "sink \(sink) failed to start: \(reason)"
        case .sinkShutdownFailed(let sink, let reason): return "sink \(sink) failed to shut down: \(reason)"
        }
    }
}

/// The manager's lifecycle (see ``ManagerLifecycle``): its waiters are
/// continuations, its loop a task.
typealias Lifecycle = ManagerLifecycle<CheckedContinuation<Void, Never>, Task<Void, Never>>

extension MetricsManager {
    /// Starts the sinks, their export workers and the export loop.
    ///
    /// Does nothing at level `.none` or when already running. If a sink
    /// fails to start, the sinks already started are shut down and the
    /// error is thrown as ``MetricsManagerError/sinkStartFailed(sink:reason:)``.
    public func start() async throws {
        guard level != .none else { return }
        switch lifecycle.withLock({ $0.start() }) {
        case .none: return
        case .refuse: throw MetricsManagerError.alreadyShutDown
        case .startSinks: break
        }
        try await startSinks()
        // No shutdown leads while starting (it waits for this start), so
        // the workers and the loop start before any shutdown stops them.
        for worker in workers { worker.start() }
        // Ticks fall on deadlines computed from now, so windows do not drift
        // and do not depend on when the task is first scheduled; missed ticks
        // (a suspended process) are skipped. The manager is held only while
        // ticking.
        let first = time.elapsed() + uploadInterval
        let loop = Task { [weak self, time, uploadInterval] in
            var next = first
            while !Task.isCancelled {
                do { try await time.sleepUntil(next) } catch { return }
                guard let self else { return }
                self.tick()
                next += uploadInterval
                let now = time.elapsed()
                while next <= now { next += uploadInterval }
            }
        }
        resume(lifecycle.withLock { $0.sinksStarted(loop: loop) })
    }

    private func resume(_ waiters: [CheckedContinuation<Void, Never>]) {
        for waiter in waiters { waiter.resume() }
    }

    private func startSinks() async throws {
        var started: [ExportWorker] = []
        for worker in workers {
            do {
                try await worker.sink.start()
                started.append(worker)
            } catch {
                for done in started { try? await done.sink.shutdown() }
                resume(lifecycle.withLock { $0.sinksFailed() })
                throw MetricsManagerError.sinkStartFailed(sink: worker.name, reason: "\(error)")
            }
        }
    }

    /// Runs until the calling task is cancelled (or someone calls
    /// ``shutdown()``), then shuts down gracefully: the shape of a
    /// swift-service-lifecycle `Service`.
    ///
    /// ```swift
    /// let task = Task { try await manager.run() }
    /// ...
    /// task.cancel()          // final export, drain, sinks stopped
    /// try await task.value
    /// ```
    public func run() async throws {
        try await start()
        await waitUntilCancelledOrShutDown()
        try await shutdown()
    }

    private func waitUntilCancelledOrShutDown() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let waits = lifecycle.withLock {
                    $0.waitToRun(continuation, cancelled: Task.isCancelled || level == .none)
                }
                if !waits { continuation.resume() }
            }
        } onCancel: {
            releaseRunWaiters()
        }
    }

    private func releaseRunWaiters() {
        resume(lifecycle.withLock { $0.takeRunWaiters() })
    }

    /// Ends the current window now, exports it, and (by default) waits
    /// until every sink's queue is empty, delivered or dropped-and-reported:
    /// for short-lived processes, at the end of each invocation.
    ///
    /// ```swift
    /// let report = try await manager.flush()
    /// if !report.isDelivered { logger.error("metrics not delivered: \(report)") }
    /// ```
    ///
    /// - parameter awaitingDelivery: `false` hands the window to the sinks'
    ///   queues and returns at once, as the periodic export does; the
    ///   report then names what is queued as pending.
    /// - returns: what each sink delivered, dropped (and why) meanwhile.
    ///
    /// A no-op at level `.none` and after shutdown (an empty report);
    /// throws ``MetricsManagerError/notStarted`` before `start()`.
    @discardableResult
    public func flush(awaitingDelivery: Bool = true) async throws -> FlushReport {
        guard level != .none else { return FlushReport(sinks: []) }
        switch lifecycle.withLock({ $0.flush() }) {
        case .notStarted: throw MetricsManagerError.notStarted
        case .nothing: return FlushReport(sinks: [])
        case .flush: break
        }
        let before = workers.map { $0.stats() }
        tick()
        if awaitingDelivery {
            await withTaskGroup(of: Void.self) { group in
                for worker in workers {
                    group.addTask { await worker.drain() }
                }
            }
        }
        return FlushReport(before: before, after: workers.map { $0.stats() }, countsPending: !awaitingDelivery)
    }

    /// Ends the current window now, exports it, and waits for delivery for
    /// at most `timeout` (on the manager's clock), whatever the sinks do:
    /// the end of a Lambda invocation, whose time is counted.
    ///
    /// ```swift
    /// let report = try await manager.flush(within: .milliseconds(200))
    /// if !report.isComplete { logger.warning("metrics still pending: \(report.pending)") }
    /// ```
    ///
    /// Nothing is dropped at the deadline: what did not make it stays queued
    /// (for the next flush, the next window or shutdown) and is named in the
    /// returned ``FlushReport``, beside what was delivered and dropped
    /// meanwhile. Throws ``MetricsManagerError/notStarted`` before `start()`;
    /// at level `.none` and after shutdown it returns an empty report at once.
    @discardableResult
    public func flush(within timeout: Duration) async throws -> FlushReport {
        guard level != .none else { return FlushReport(sinks: []) }
        switch lifecycle.withLock({ $0.flush() }) {
        case .notStarted: throw MetricsManagerError.notStarted
        case .nothing: return FlushReport(sinks: [])
        case .flush: break
        }
        // The deadline counts from the call, before the cut: a cut that
        // takes time (or a clock that moves during it) shortens the wait,
        // never lengthens it.
        let deadline = time.elapsed() + max(timeout, .zero)
        let before = workers.map { $0.stats() }
        tick()
        let workers = self.workers
        let drained: Void? = await withDeadline(deadline, time: time) {
            await withTaskGroup(of: Void.self) { group in
                for worker in workers {
                    group.addTask { await worker.drain() }
                }
            }
        }
        return FlushReport(before: before, after: workers.map { $0.stats() }, countsPending: drained == nil)
    }

    /// ``flush(within:)`` with a deadline on the continuous clock (a Lambda
    /// context's deadline, less a margin).
    @discardableResult
    public func flush(before deadline: ContinuousClock.Instant) async throws -> FlushReport {
        try await flush(within: ContinuousClock.now.duration(to: deadline))
    }

    /// Stops the export loop, exports the final window, drains every sink's
    /// queue until it is empty or the `shutdownTimeout` given at creation has passed, and shuts
    /// the sinks down. Whatever was still queued at the deadline is reported
    /// as `batchDropped(count:reason: .shutdownDeadline)`, what was in flight
    /// (the backend may have it) as ``SinkEvent/outcomeUnknown(count:)``.
    ///
    /// Safe to call more than once (later calls wait for the first and get
    /// its report); after it, recording is a counted no-op
    /// (``RejectionReason/afterShutdown``). A manager that was never started
    /// is started here first, so that what was recorded is still delivered.
    ///
    /// - returns: what each sink delivered, dropped (and why) or left of
    ///   unknown outcome from the call on: ``FlushReport/isDelivered`` is
    ///   the check a program makes before it exits with status 0.
    @discardableResult
    public func shutdown() async throws -> FlushReport {
        guard level != .none else { return FlushReport(sinks: []) }
        while true {
            switch lifecycle.withLock({ $0.shutdown() }) {
            case .startFirst:
                do {
                    try await start()
                } catch {
                    control.close()
                    finishShutdown()
                    throw error
                }
            case .awaitStart:
                await wait { waiter in lifecycle.withLock { $0.waitForStart(waiter) } }
            case .wait:
                await wait { waiter in lifecycle.withLock { $0.waitForShutdown(waiter) } }
                return lifecycle.withLock { $0.shutdownReport }
            case .done(let report):
                return report
            case .lead(let loop, let runWaiters):
                resume(runWaiters)
                loop?.cancel()
                let before = workers.map { $0.stats() }
                let failure: (any Error)?
                do {
                    try await drainAndStop()
                    failure = nil
                } catch {
                    failure = error
                }
                let report = FlushReport(before: before, after: workers.map { $0.stats() }, countsPending: true)
                finishShutdown(report: report)
                if let failure { throw failure }
                return report
            }
        }
    }

    /// Suspends until resumed, if `enqueue` (which hands the continuation
    /// to the lifecycle) says to wait; at once otherwise.
    private func wait(_ enqueue: (CheckedContinuation<Void, Never>) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if !enqueue(continuation) { continuation.resume() }
        }
    }

    private func drainAndStop() async throws {
        let deadline = time.elapsed() + shutdownTimeout
        control.close()
        // The final window, then one more cut for observations that passed
        // the recording check just before `close()` and landed after the cut.
        // Under the cut lock: a tick in flight (a flush, the periodic loop)
        // finishes queueing first; one after it finds the workers closed.
        cutAndEnqueue.withLock { cuts in
            cuts += 2
            let final = SnapshotChunks(chunks: cutWindow().chunks + cutWindow().chunks)
            for worker in self.workers {
                worker.enqueue(final)
                worker.close()
            }
        }
        let workers = self.workers
        let drained: Void? = await withDeadline(deadline, time: time) {
            for worker in workers { await worker.waitUntilFinished() }
        }
        if drained == nil {
            for worker in workers { worker.abandon() }
        }
        let stopped = await withDeadline(deadline, time: time) { () -> [(String, String)] in
            var failures: [(String, String)] = []
            for worker in workers {
                do { try await worker.sink.shutdown() } catch { failures.append((worker.name, "\(error)")) }
            }
            return failures
        }
        let late = countLateObservations()
        if late > 0 { hub.emit(.observationsRejected(count: late, reason: .afterShutdown)) }
        if let first = stopped?.first {
            throw MetricsManagerError.sinkShutdownFailed(sink: first.0, reason: first.1)
        }
    }

    /// Counts what reached the series after the final cut as rejected
    /// (`.afterShutdown`, by the snapshots' `count`) and empties them:
    /// observations that passed the recording check just before `close()`
    /// and landed after both final cuts, and what retired series freed
    /// since then left behind. Runs at the end of `shutdown()` and at every
    /// `stats()` after it, so nothing that lands late goes uncounted.
    @discardableResult
    func countLateObservations() -> Int {
        let late = window.withLock { state -> Int in
            let bounds = CollectionWindow(start: state.start, end: state.start)
            var late = 0
            registry.reviveRecordedInto()
            for salvaged in registry.takeSalvaged() { late += salvaged(bounds)?.count ?? 0 }
            for entry in registry.all() { late += entry.collect(bounds)?.count ?? 0 }
            return late
        }
        if late > 0 { control.reject(.afterShutdown, count: late) }
        return late
    }

    private func finishShutdown(report: FlushReport = FlushReport(sinks: [])) {
        resume(lifecycle.withLock { $0.stopped(report: report) })
        hub.finishStreams()
    }
}
