import Foundation
@testable import MetricsCore
import MetricsCoreTestKit
import Sinks
import Testing
import CWMLocking
import CloudWatchMetricsTestKit

/// An eventful sink that keeps every event it is handed.
final class EventCollectingSink: EventfulSink {
    let events = Locked<[MetricEvent]>([])
    func record(_ event: MetricEvent) { events.withLock { $0.append(event) } }
    func export(_ snapshots: [MetricSnapshot]) async throws {}
}

/// A sink whose start fails.
struct UnstartableSink: Sink {
    var name: String { "unstartable" }
    func start() async throws { throw InjectedFailure("no credentials") }
    func export(_ snapshots: [MetricSnapshot]) async throws {}
}

@Suite("Manager lifecycle", .timeLimit(.minutes(3)))
struct LifecycleTests {
    @Test("flush(before:) waits for delivery until the instant, then names what did not make it; a healthy sink completes")
    func flushBeforeInstant() async throws {
        let blocking = BlockingSink()
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sinks: [blocking, memory], uploadInterval: .seconds(3600),
                                     shutdownTimeout: .milliseconds(100), configuration: .init(observer: RecordingObserver()))
        try await manager.start()
        manager.counter("Invocations").increment()
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(200))
        let report = try await manager.flush(before: deadline)
        #expect(ContinuousClock.now >= deadline, "returned before the deadline with a sink still stuck")
        #expect(report.pending == ["blocking": 1])
        #expect(memory.snapshots(named: "Invocations").map(\.sum) == [1])
        blocking.release()
        let healthy = MetricsManager(level: .detailed, sink: memory, uploadInterval: .seconds(3600))
        try await healthy.start()
        healthy.counter("Invocations").increment(by: 2)
        let complete = try await healthy.flush(before: ContinuousClock.now.advanced(by: .seconds(30)))
        #expect(complete.isComplete)
        #expect(memory.snapshots(named: "Invocations").map(\.sum) == [1, 2])
        try await healthy.shutdown()
        try await manager.shutdown()
    }

    @Test("the contract's sample runs end to end")
    func issueSample() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sinks: [memory, CountingSink()], uploadInterval: .seconds(60))
        try await manager.start()
        manager.put("UserRecordsPut", 1, stream: "s1", shardId: "shardId-000000000001")
        let requests = manager.counter("Requests", dimensions: [("stream", "s1")])
        requests.increment()
        let latency = manager.histogram("RequestTime", unit: .milliseconds)
        latency.record(12.5)
        manager.gauge("UserRecordsPending").set(42)
        let live: [MetricSnapshot] = manager.snapshots()
        #expect(live.count == 4)
        try await manager.flush()
        try await manager.shutdown()
        let names = Set(memory.allSnapshots.map(\.name))
        #expect(names == ["UserRecordsPut", "Requests", "RequestTime", "UserRecordsPending"])
        #expect(memory.snapshots(named: "RequestTime").first?.unit == .milliseconds)
        #expect(memory.snapshots(named: "UserRecordsPending").first?.last == 42)
    }

    @Test("start and shutdown reach every sink once; shutdown exports the final window")
    func startAndShutdown() async throws {
        let counting = CountingSink()
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sinks: [counting, memory])
        try await manager.start()
        try await manager.start()
        manager.counter("Requests").increment(by: 3)
        async let first = manager.shutdown()
        async let second = manager.shutdown()
        let reports = try await [first, second, manager.shutdown()]
        #expect(reports.map(\.delivered) == [2, 2, 2])
        #expect(reports.map(\.isDelivered) == [true, true, true])
        #expect(counting.starts == 1)
        #expect(counting.shutdowns == 1)
        #expect(memory.snapshots(named: "Requests").map(\.count) == [3])
        await #expect(throws: MetricsManagerError.alreadyShutDown) { try await manager.start() }
    }

    @Test("a manager that was never started still delivers on shutdown")
    func shutdownWithoutStart() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory)
        manager.counter("Requests").increment()
        await #expect(throws: MetricsManagerError.notStarted) { try await manager.flush() }
        try await manager.shutdown()
        #expect(memory.allSnapshots.map(\.count) == [1])
    }

    @Test("the export loop ticks on the injected clock, once per interval")
    func loopFollowsClock() async throws {
        let clock = ManualClock()
        let memory = InMemorySink()
        let manager = MetricsManager(
            level: .detailed, sink: memory, uploadInterval: .seconds(60),
                configuration: .init(clock: clock, wallClock: clock.wallClock))
        try await manager.start()
        let counter = manager.counter("Requests")
        counter.increment()
        clock.advance(by: .seconds(60))
        let first = await memory.waitForSnapshots(count: 1)
        #expect(first.map(\.count) == [1])
        #expect(first[0].windowEnd == clock.start.addingTimeInterval(60))

        counter.increment(by: 2)
        clock.advance(by: .seconds(60))
        let second = await memory.waitForSnapshots(count: 2)
        #expect(second.map(\.count) == [1, 2])
        #expect(second[1].windowStart == second[0].windowEnd)
        try await manager.shutdown()
    }

    @Test("a failing sink neither stops the loop nor the other sinks, and is reported")
    func failingSinkIsolated() async throws {
        let clock = ManualClock()
        let memory = InMemorySink()
        let failing = FailingSink()
        let observer = RecordingObserver()
        let manager = MetricsManager(
            level: .detailed, sinks: [failing, memory],
                configuration: .init(observer: observer, clock: clock, wallClock: clock.wallClock))
        try await manager.start()
        manager.counter("Requests").increment()
        clock.advance(by: .seconds(60))
        _ = await memory.waitForSnapshots(count: 1)
        manager.counter("Requests").increment()
        clock.advance(by: .seconds(60))
        _ = await memory.waitForSnapshots(count: 2)
        try await manager.shutdown()

        #expect(failing.attemptCount == 2)
        let stats = try #require(manager.stats()[sink: "failing"])
        #expect(stats.dropped[.retriesExhausted] == 2)
        #expect(stats.exported == 0)
        #expect(observer.all.contains { if case .sink("failing", .exportFailed) = $0 { true } else { false } })
        #expect(manager.stats()[sink: "memory"]?.exported == 2)
    }

    @Test("a stuck sink does not block recording or the other sinks; shutdown gives up on it in time")
    func stuckSinkIsolated() async throws {
        let memory = InMemorySink()
        let stuck = BlockingSink()
        let manager = MetricsManager(
            level: .detailed, sinks: [stuck, memory], uploadInterval: .seconds(3600),
            shutdownTimeout: .milliseconds(300))
        try await manager.start()
        let counter = manager.counter("Requests")
        for round in 1...3 {
            counter.increment()
            manager.put("Round", Double(round))
            manager.tick()  // flush() would wait for the stuck sink as well
        }
        _ = await memory.waitForSnapshots(count: 6)
        await stuck.waitUntilEntered()

        let clock = ContinuousClock()
        let started = clock.now
        try await manager.shutdown()
        let took = started.duration(to: clock.now)

        #expect(took < .seconds(10), "shutdown must not wait for a stuck sink beyond its deadline")
        #expect(memory.snapshots(named: "Requests").count == 3)
        let stats = try #require(manager.stats()[sink: "blocking"])
        #expect(stats.exported == 0)
        // The batch in the stuck call is of unknown outcome; the rest was still queued.
        #expect(stats.unknownOutcome > 0)
        #expect(stats.dropped[.shutdownDeadline, default: 0] + stats.unknownOutcome == 6)
        #expect(stats.dropped.keys.allSatisfy { $0 == .shutdownDeadline })
        #expect(stats.queued == 0 && stats.inFlight == 0)
        stuck.release()
    }

    @Test("run() exports until cancelled, then shuts down gracefully")
    func runUntilCancelled() async throws {
        let memory = InMemorySink()
        let counting = CountingSink()
        let manager = MetricsManager(level: .detailed, sinks: [memory, counting])
        let task = Task { try await manager.run() }
        manager.counter("Requests").increment()
        task.cancel()
        try await task.value
        #expect(memory.snapshots(named: "Requests").map(\.count) == [1])
        #expect(counting.shutdowns == 1)
    }

    @Test("withMetricsManager shuts down after the body, even when it throws")
    func scopedManager() async throws {
        let memory = InMemorySink()
        let value = try await withMetricsManager(level: .detailed, sinks: [memory]) { manager in
            manager.put("UserRecordsPut", 1, stream: "s1")
            return 7
        }
        #expect(value == 7)
        #expect(memory.allSnapshots.count == 1)

        let other = InMemorySink()
        await #expect(throws: InjectedFailure.self) {
            try await withMetricsManager(level: .detailed, sink: other) { manager in
                manager.put("UserRecordsPut", 1)
                throw InjectedFailure()
            }
        }
        #expect(other.allSnapshots.count == 1)
    }

    @Test("a sink that fails to start fails start(), and the started sinks are shut down")
    func startFailure() async throws {
        let counting = CountingSink()
        let manager = MetricsManager(level: .detailed, sinks: [counting, UnstartableSink()])
        await #expect(throws: MetricsManagerError.self) { try await manager.start() }
        #expect(counting.starts == 1)
        #expect(counting.shutdowns == 1)
    }

    @Test("eventful sinks get every observation synchronously")
    func eventfulSink() async throws {
        let sink = EventCollectingSink()
        let manager = MetricsManager(level: .detailed, sink: sink)
        try await manager.start()
        manager.put("UserRecordsPut", 2, stream: "s1")
        manager.counter("Requests").increment(by: 3)
        manager.histogram("Latency").record(1.5)
        let events = sink.events.withLock { $0 }
        #expect(events.map(\.name) == ["UserRecordsPut", "Requests", "Latency"])
        #expect(events.map(\.value) == [2, 3, 1.5])
        #expect(events[0].dimensions.map(\.1) == ["s1"])
        try await manager.shutdown()
    }

    @Test("events() streams the manager's events and finishes on shutdown")
    func eventStream() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory,
                                     configuration: .init(observer: RecordingObserver()))
        let stream = manager.events()
        try await manager.start()
        manager.counter("Requests").increment()
        try await manager.shutdown()
        var exported = 0
        for await event in stream {
            if case .sink("memory", .exported(let count, _)) = event { exported += count }
        }
        #expect(exported == 1)
    }
}


/// Blocks the thread that reports the first `seriesExpired`: a cut paused
/// after it took the window's values and before it queued them.
private final class PausingObserver: MetricsObserver, @unchecked Sendable {
    let paused = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)
    private let first = Locked(true)

    func observe(_ event: MetricsEvent) {
        guard case .seriesExpired = event, first.withLock({ first in defer { first = false }; return first }) else { return }
        paused.signal()
        release.wait()
    }
}

@Suite("A window cut racing shutdown", .timeLimit(.minutes(2)))
struct CutRacingShutdownTests {
    @Test("a flush's window cut just before shutdown() is delivered, not queued into a finished worker and lost")
    func flushCutRacingShutdown() async throws {
        let memory = InMemorySink()
        let observer = PausingObserver()
        let manager = MetricsManager(level: .detailed, sink: memory, uploadInterval: .seconds(3600),
                                     configuration: .init(observer: observer, seriesExpiry: 1))
        try await manager.start()
        manager.counter("Idle").increment()
        try await manager.flush()                       // Idle observed; it expires at the next cut
        manager.counter("Work").increment(by: 5)

        // On a thread of its own: once the flush's cut is paused (Work's 5
        // taken, not yet queued), start shutdown and let it run. Without the
        // cut lock it finishes at once, and the paused window, released
        // after it, goes into a finished worker. With the lock it waits for
        // the cut; the pause then ends after 500 ms.
        let shutdownDone = DispatchSemaphore(value: 0)
        let releaser = Thread {
            observer.paused.wait()
            Task {
                _ = try? await manager.shutdown()
                shutdownDone.signal()
            }
            _ = shutdownDone.wait(timeout: .now() + .milliseconds(500))
            observer.release.signal()
        }
        releaser.start()
        try await manager.flush(awaitingDelivery: false)
        try await manager.shutdown()                    // waits for the shutdown in progress

        let stats = try #require(manager.stats()[sink: memory.name])
        #expect(memory.snapshots(named: "Work").map(\.sum) == [5],
                "exported \(stats.exported), dropped \(stats.dropped), queued \(stats.queued)")
        #expect(stats.totalDropped == 0)
    }

    @Test("a window that reaches a sink's queue after its final drain is counted as dropped, with an event")
    func afterFinalDrainCounted() async throws {
        let memory = InMemorySink()
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: memory, configuration: .init(observer: observer))
        try await manager.start()
        try await manager.shutdown()
        let end = Date(timeIntervalSince1970: 1_800_000_000)
        let late = MetricSnapshot(name: "Late", kind: .counter, dimensions: [], windowStart: end - 60, windowEnd: end,
                                  count: 1, sum: 1, min: 1, max: 1)
        let outcome = manager.workers[0].enqueue(SnapshotChunks(chunks: [.init(snapshots: [late], sizes: [late.estimatedSize])]))
        #expect(outcome == .refused)
        #expect(manager.stats()[sink: memory.name]?.dropped == [.shutdownDeadline: 1])
        #expect(observer.dropped[.shutdownDeadline] == 1)
        #expect(memory.snapshots(named: "Late").isEmpty)
    }
}

/// Observations that reach a series after shutdown's final cut: an
/// increment that passed the recording check just before `close()`, and
/// what a retired series freed after it held. Counted, never lost silently.
@Suite("Observations landing after the final cut", .timeLimit(.minutes(1)))
struct LateObservationTests {
    @Test("an increment that passed the recording check before close() and lands after the final cut is counted as rejected after shutdown, once")
    func landsAfterFinalCut() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory)
        try await manager.start()
        let counter = manager.counter("Late")
        counter.increment(by: 2)
        try await manager.shutdown()
        counter.value.add(5)        // the add of an increment() that checked isRecording before close()
        #expect(manager.stats().rejected[.afterShutdown] == 5)
        #expect(manager.stats().rejected[.afterShutdown] == 5, "counted once")
        #expect(memory.snapshots(named: "Late").map(\.sum) == [2])
    }

    @Test("a retired series freed after shutdown with observations in it: they are counted as rejected after shutdown")
    func salvagedAfterFinalCut() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory, uploadInterval: .seconds(3600),
                                     configuration: .init(seriesExpiry: 1))
        try await manager.start()
        var counter: Counter? = manager.counter("Retired")
        counter?.increment()
        try await manager.flush()
        try await manager.flush()                 // idle for one window: retired
        #expect(manager.stats().seriesCount == 0)
        try await manager.shutdown()
        counter?.value.add(3)                     // landed after the final cut
        counter = nil                             // freed: its deinit salvages the 3
        #expect(manager.stats().rejected[.afterShutdown] == 3)
        #expect(memory.snapshots(named: "Retired").map(\.sum) == [1])
    }
}
