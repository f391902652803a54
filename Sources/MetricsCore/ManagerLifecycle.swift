/// The manager's lifecycle as a value: start, run, flush and shutdown are
/// each a function that changes the state and returns what the manager is
/// to do, and the manager does it outside its lock. Nothing in here runs a
/// task, waits or touches a sink, so every order of calls is tested without
/// any (ManagerLifecycleTests).
///
/// ```
/// idle --start--> starting --sinks started--> running --shutdown--> shuttingDown --stopped--> stopped
///   ^                |                                                    ^
///   +-- sinks failed +          idle --shutdown: start first, then lead --+
/// ```
///
/// Exactly one shutdown leads (stops the loop, drains, stops the sinks), and
/// only from `running`: a shutdown during a start waits for the start to end
/// and asks again, so the start can never install its loop or its workers
/// behind a shutdown's back. Every other shutdown waits for the leader and
/// returns its report. A shutdown of a manager that was never started starts
/// it first, so that what was recorded is delivered; a start after shutdown
/// is refused.
struct ManagerLifecycle<Waiter, Loop> {
    enum Phase: Equatable { case idle, starting, running, shuttingDown, stopped }

    private(set) var phase = Phase.idle
    /// The export loop while running.
    private var loop: Loop?
    /// `run()` callers waiting for cancellation or shutdown.
    private var runWaiters: [Waiter] = []
    /// Shutdowns waiting for the start in progress to end.
    private var startWaiters: [Waiter] = []
    /// Shutdowns waiting for the one that leads.
    private var shutdownWaiters: [Waiter] = []
    /// What the shutdown that stopped the manager reported, for later calls.
    private(set) var shutdownReport = FlushReport(sinks: [])

    // MARK: start

    enum StartAction: Equatable {
        /// Start the sinks, then call ``sinksStarted(loop:)`` or ``sinksFailed()``.
        case startSinks
        /// Already starting or running: nothing to do.
        case none
        /// Shut down: a manager does not restart.
        case refuse
    }

    mutating func start() -> StartAction {
        switch phase {
        case .idle:
            phase = .starting
            return .startSinks
        case .starting, .running: return .none
        case .shuttingDown, .stopped: return .refuse
        }
    }

    /// The sinks started and `loop` runs the windows. Only a start leaves
    /// `starting`, so the manager is running now. Returns the shutdowns that
    /// waited for the start, to resume (they ask again).
    mutating func sinksStarted(loop: Loop) -> [Waiter] {
        precondition(phase == .starting, "only a start leaves starting")
        phase = .running
        self.loop = loop
        return takeStartWaiters()
    }

    /// A sink failed to start (the others were shut down): back to idle.
    /// Returns the shutdowns that waited for the start, to resume.
    mutating func sinksFailed() -> [Waiter] {
        precondition(phase == .starting, "only a start leaves starting")
        phase = .idle
        return takeStartWaiters()
    }

    private mutating func takeStartWaiters() -> [Waiter] {
        defer { startWaiters.removeAll() }
        return startWaiters
    }

    // MARK: flush

    enum FlushAction: Equatable {
        case flush
        /// Before `start()`: the caller throws ``MetricsManagerError/notStarted``.
        case notStarted
        /// Shutting down or stopped: an empty report.
        case nothing
    }

    func flush() -> FlushAction {
        switch phase {
        case .idle, .starting: return .notStarted
        case .running: return .flush
        case .shuttingDown, .stopped: return .nothing
        }
    }

    // MARK: run

    /// `run()` waits with `waiter` until cancelled or shut down; returns
    /// `false` when it is to resume at once (`cancelled`, or shutting down).
    mutating func waitToRun(_ waiter: Waiter, cancelled: Bool) -> Bool {
        guard !cancelled, phase != .shuttingDown, phase != .stopped else { return false }
        runWaiters.append(waiter)
        return true
    }

    /// The `run()` callers to resume (cancellation, or a shutdown leading).
    mutating func takeRunWaiters() -> [Waiter] {
        defer { runWaiters.removeAll() }
        return runWaiters
    }

    // MARK: shutdown

    enum ShutdownAction {
        /// Never started: start first, then ask again.
        case startFirst
        /// A start is in progress: wait for it with ``waitForStart(_:)``, then ask again.
        case awaitStart
        /// This call leads: resume `runWaiters`, cancel `loop`, drain, stop
        /// the sinks, then call ``stopped(report:)``.
        case lead(loop: Loop?, runWaiters: [Waiter])
        /// Another call leads: wait with ``waitForShutdown(_:)``.
        case wait
        /// Already stopped: its report.
        case done(FlushReport)
    }

    mutating func shutdown() -> ShutdownAction {
        switch phase {
        case .idle:
            return .startFirst
        case .starting:
            return .awaitStart
        case .running:
            phase = .shuttingDown
            defer { loop = nil }
            return .lead(loop: loop, runWaiters: takeRunWaiters())
        case .shuttingDown:
            return .wait
        case .stopped:
            return .done(shutdownReport)
        }
    }

    /// A shutdown waits with `waiter` for the start in progress; returns
    /// `false` when it ended meanwhile (ask again at once).
    mutating func waitForStart(_ waiter: Waiter) -> Bool {
        guard phase == .starting else { return false }
        startWaiters.append(waiter)
        return true
    }

    /// A shutdown that does not lead waits with `waiter`; returns `false`
    /// when the manager stopped meanwhile (resume at once).
    mutating func waitForShutdown(_ waiter: Waiter) -> Bool {
        guard phase != .stopped else { return false }
        shutdownWaiters.append(waiter)
        return true
    }

    /// The manager is stopped (its shutdown done, or a start for shutdown
    /// failed): keeps `report` and returns the waiting shutdowns to resume.
    mutating func stopped(report: FlushReport) -> [Waiter] {
        phase = .stopped
        shutdownReport = report
        defer { shutdownWaiters.removeAll() }
        return shutdownWaiters
    }
}

extension ManagerLifecycle: Sendable where Waiter: Sendable, Loop: Sendable {}
