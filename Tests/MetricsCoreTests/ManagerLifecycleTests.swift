@testable import MetricsCore
import Testing

/// The manager's lifecycle as a value, every order of calls without a task:
/// waiters are numbers, the loop a name.
@Suite("Manager lifecycle")
struct ManagerLifecycleTests {
    typealias State = ManagerLifecycle<Int, String>

    private func running() -> State {
        var state = State()
        #expect(state.start() == .startSinks)
        #expect(state.sinksStarted(loop: "loop").isEmpty)
        return state
    }

    @Test("start, flush, one shutdown leading with the loop and the run() callers, the others waiting for its report")
    func life() {
        var state = State()
        #expect(state.flush() == .notStarted)
        #expect(state.start() == .startSinks && state.phase == .starting)
        #expect(state.start() == .none, "a second start while starting")
        #expect(state.flush() == .notStarted)
        #expect(state.sinksStarted(loop: "loop").isEmpty && state.phase == .running)
        #expect(state.start() == .none && state.flush() == .flush)
        let waits1 = state.waitToRun(1, cancelled: false)
        #expect(waits1)
        guard case .lead(let loop, let runWaiters) = state.shutdown() else {
            Issue.record("the first shutdown does not lead")
            return
        }
        #expect(loop == "loop" && runWaiters == [1] && state.phase == .shuttingDown)
        guard case .wait = state.shutdown() else {
            Issue.record("a second shutdown does not wait")
            return
        }
        let waits2 = state.waitForShutdown(2)
        #expect(waits2)
        let waits3 = state.waitToRun(3, cancelled: false)
        #expect(!waits3, "run() after shutdown began returns at once")
        #expect(state.flush() == .nothing)
        let report = FlushReport(sinks: [.init(name: "memory", delivered: 4)])
        #expect(state.stopped(report: report) == [2] && state.phase == .stopped)
        let waits4 = state.waitForShutdown(4)
        #expect(!waits4, "stopped meanwhile: resume at once")
        guard case .done(let later) = state.shutdown() else {
            Issue.record("a shutdown after the end does not get the report")
            return
        }
        #expect(later.delivered == 4)
        #expect(state.start() == .refuse && state.flush() == .nothing)
    }

    @Test("a shutdown during a start waits for it, then leads with the loop the start installed")
    func shutdownDuringStart() {
        var state = State()
        #expect(state.start() == .startSinks)
        guard case .awaitStart = state.shutdown() else {
            Issue.record("a shutdown during a start leads")
            return
        }
        #expect(state.phase == .starting, "the shutdown changed nothing")
        let waits7 = state.waitForStart(7)
        #expect(waits7)
        #expect(state.sinksStarted(loop: "loop") == [7])
        guard case .lead(let loop, _) = state.shutdown() else {
            Issue.record("asked again, the shutdown does not lead")
            return
        }
        #expect(loop == "loop", "the loop is the shutdown's to cancel")
        let waits8 = state.waitForStart(8)
        #expect(!waits8, "no start in progress any more")
    }

    @Test("a failed start goes back to idle and resumes the shutdowns waiting for it, which then start first")
    func failedStart() {
        var state = State()
        #expect(state.start() == .startSinks)
        guard case .awaitStart = state.shutdown() else {
            Issue.record("a shutdown during a start leads")
            return
        }
        let waits1 = state.waitForStart(1)
        #expect(waits1)
        #expect(state.sinksFailed() == [1] && state.phase == .idle)
        guard case .startFirst = state.shutdown() else {
            Issue.record("a shutdown of an idle manager does not start it first")
            return
        }
        #expect(state.stopped(report: FlushReport(sinks: [])).isEmpty && state.phase == .stopped)
    }

    @Test("run() waits while running unless cancelled; cancellation takes the waiters")
    func run() {
        var state = running()
        let cancelled = state.waitToRun(1, cancelled: true)
        let two = state.waitToRun(2, cancelled: false)
        let three = state.waitToRun(3, cancelled: false)
        #expect(!cancelled && two && three)
        #expect(state.takeRunWaiters() == [2, 3] && state.takeRunWaiters().isEmpty)
    }
}
