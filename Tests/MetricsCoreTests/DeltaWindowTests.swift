import Foundation
import MetricsCore
import Sinks
import Synchronization
import Testing
import CWMLocking
import CloudWatchMetricsTestKit

/// Runs `work` on `count` new threads (not the cooperative pool), so that
/// recording really races the manager's cuts. Each writer records until told
/// to stop and returns how many observations it made.
final class WriterThreads: Sendable {
    private let stopFlag = Atomic<Bool>(false)
    private let state = Locked<(totals: [Int], waiter: CheckedContinuation<[Int], Never>?)>(([], nil))
    private let starts = Locked<(count: Int, waiter: CheckedContinuation<Void, Never>?)>((0, nil))
    let count: Int

    init(count: Int, work: @escaping @Sendable (_ thread: Int, _ shouldStop: () -> Bool) -> Int) {
        self.count = count
        for index in 0..<count {
            Thread { [self] in
                let everyoneStarted = starts.withLock { starts -> CheckedContinuation<Void, Never>? in
                    starts.count += 1
                    return starts.count == count ? starts.waiter : nil
                }
                everyoneStarted?.resume()
                let total = work(index) { self.stopFlag.load(ordering: .relaxed) }
                let waiter = state.withLock { state -> CheckedContinuation<[Int], Never>? in
                    state.totals.append(total)
                    return state.totals.count == count ? state.waiter : nil
                }
                waiter?.resume(returning: state.withLock { $0.totals })
            }.start()
        }
    }

    /// Returns once every writer thread runs, so that the cuts that follow
    /// really race the recording (a cut before any writer started would
    /// prove nothing).
    func started() async {
        await withCheckedContinuation { continuation in
            let done = starts.withLock { starts -> Bool in
                if starts.count == count { return true }
                starts.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Tells the writers to stop and returns each one's total.
    func stop() async -> [Int] {
        stopFlag.store(true, ordering: .relaxed)
        return await withCheckedContinuation { continuation in
            let done = state.withLock { state -> [Int]? in
                if state.totals.count == count { return state.totals }
                state.waiter = continuation
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }
}

@Suite("Delta windows", .timeLimit(.minutes(3)))
struct DeltaWindowTests {
    /// Cuts `cuts` windows while the writers record, then stops them, cuts
    /// the last window, and returns the total the writers recorded.
    private func cutWhileWriting(_ manager: MetricsManager, _ writers: WriterThreads, cuts: Int = 20) async throws -> Int {
        await writers.started()
        for _ in 0..<cuts { try await manager.flush() }
        let total = await writers.stop().reduce(0, +)
        try await manager.flush()
        return total
    }

    @Test("concurrent counter increments are each exported exactly once")
    func counterExactlyOnce() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory)
        try await manager.start()
        let counter = manager.counter("Requests")
        let writers = WriterThreads(count: 2) { _, shouldStop in
            var made = 0
            while !shouldStop() {
                for _ in 0..<1000 { counter.increment() }
                made += 1000
            }
            return made
        }
        let recorded = try await cutWhileWriting(manager, writers)
        try await manager.shutdown()

        let exported = memory.snapshots(named: "Requests")
        #expect(exported.reduce(0) { $0 + $1.count } == recorded)
        #expect(exported.reduce(0.0) { $0 + $1.sum } == Double(recorded))
        #expect(exported.count >= 2, "the writers' observations should span several windows")
    }

    @Test("concurrent histogram, gauge and put observations are each exported exactly once")
    func statisticsExactlyOnce() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory)
        try await manager.start()
        let histogram = manager.histogram("Latency")
        let gauge = manager.gauge("Pending")
        let streams = ["s0", "s1"]
        let writers = WriterThreads(count: 2) { thread, shouldStop in
            var made = 0
            while !shouldStop() {
                for index in 0..<100 {
                    histogram.record(1.0)
                    gauge.set(Double(index))
                    manager.put("UserRecordsPut", 2, stream: streams[thread])
                }
                made += 100
            }
            return made
        }
        let recorded = try await cutWhileWriting(manager, writers)
        try await manager.shutdown()

        let latency = memory.snapshots(named: "Latency")
        #expect(latency.reduce(0) { $0 + $1.count } == recorded)
        #expect(latency.reduce(0.0) { $0 + $1.sum } == Double(recorded))
        #expect(latency.count >= 2)
        // Every window's distribution accounts for exactly its observations.
        for snapshot in latency {
            #expect(snapshot.distribution.reduce(0) { $0 + $1.count } == snapshot.count)
            #expect(snapshot.min == 1 && snapshot.max == 1)
        }
        #expect(memory.snapshots(named: "Pending").reduce(0) { $0 + $1.count } == recorded)
        let put = memory.snapshots(named: "UserRecordsPut")
        #expect(put.reduce(0) { $0 + $1.count } == recorded)
        #expect(put.reduce(0.0) { $0 + $1.sum } == Double(2 * recorded))
    }

    @Test("consecutive windows do not overlap and have no gaps")
    func windowsAreContiguous() async throws {
        let clock = ManualClock()
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory,
                                     configuration: .init(clock: clock, wallClock: clock.wallClock))
        try await manager.start()
        let counter = manager.counter("Ticks")
        for step in 1...3 {
            counter.increment(by: step)
            clock.advance(by: .seconds(10))
            try await manager.flush()
        }
        try await manager.shutdown()
        let snapshots = memory.snapshots(named: "Ticks")
        #expect(snapshots.map(\.count) == [1, 2, 3])
        #expect(snapshots[0].windowStart == clock.start)
        for (previous, next) in zip(snapshots, snapshots.dropFirst()) {
            #expect(previous.windowEnd == next.windowStart)
        }
        #expect(snapshots.last?.windowEnd == clock.start.addingTimeInterval(30))
    }

    @Test("snapshots() reads the current window without resetting it")
    func snapshotsDoNotReset() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory)
        try await manager.start()
        manager.counter("Requests").increment(by: 5)
        manager.gauge("Pending").set(7)
        #expect(manager.snapshots().count == 2)
        #expect(manager.snapshots().first { $0.name == "Requests" }?.count == 5)
        #expect(manager.snapshots().first { $0.name == "Pending" }?.last == 7)
        try await manager.flush()
        #expect(memory.snapshots(named: "Requests").map(\.count) == [5])
        #expect(manager.snapshots().isEmpty)
        try await manager.shutdown()
    }

    @Test("a gauge without statistics exports the last value set in each window, once")
    func lastValueGauge() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory)
        try await manager.start()
        let depth = manager.gauge("Depth", statistics: false)
        depth.set(3)
        depth.set(9)
        depth.set(4)
        #expect(manager.snapshots().first?.last == 4)
        try await manager.flush()
        try await manager.flush()          // nothing set since: no snapshot
        depth.set(-2.5)
        depth.set(.nan)                    // rejected and counted, the last value stays
        try await manager.shutdown()
        let windows = memory.snapshots(named: "Depth")
        #expect(windows.map(\.count) == [1, 1])
        #expect(windows.map(\.last) == [4, -2.5])
        #expect(windows.map(\.min) == [4, -2.5] && windows.map(\.max) == [4, -2.5] && windows.map(\.sum) == [4, -2.5])
        #expect(windows.allSatisfy { $0.kind == .gauge })
        #expect(manager.stats().rejected[.nonFiniteValue] == 1)
    }

    @Test("a gauge without statistics, set while windows are cut: each window exports one value that was set")
    func lastValueGaugeConcurrent() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory)
        try await manager.start()
        let gauge = manager.gauge("Level", statistics: false)
        let writers = WriterThreads(count: 2) { thread, shouldStop in
            var made = 0
            while !shouldStop() {
                for index in 0..<100 { gauge.set(Double(thread * 1000 + index)) }
                made += 100
            }
            return made
        }
        _ = try await cutWhileWriting(manager, writers)
        try await manager.shutdown()
        let windows = memory.snapshots(named: "Level")
        #expect(!windows.isEmpty)
        #expect(windows.allSatisfy { snapshot in
            snapshot.count == 1 && snapshot.last.map { (0..<100).contains(Int($0) % 1000) } == true
        })
    }

    @Test("idle series produce no snapshot")
    func idleSeriesSkipped() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory)
        try await manager.start()
        let counter = manager.counter("Requests")
        _ = manager.gauge("Pending")
        counter.increment()
        try await manager.flush()
        try await manager.flush()
        try await manager.shutdown()
        #expect(memory.allSnapshots.map(\.name) == ["Requests"])
    }
}
