import Foundation
import CWMLocking
@testable import MetricsCore
import MetricsCoreTestKit
import Sinks
import Testing
import CloudWatchMetricsTestKit

/// Counters made before the test, so creating series is not what is measured.
private func counters(_ manager: MetricsManager, _ count: Int, prefix: String) -> [Counter] {
    (0..<count).map { manager.counter("\(prefix)", dimensions: [("series", "s\($0)")]) }
}

@Suite("Export queues", .timeLimit(.minutes(3)))
struct QueueTests {
    @Test("with the sink stuck, queued bytes never exceed the bound and every drop is counted")
    func memoryBound() async throws {
        let stuck = BlockingSink()
        let bound = 50_000
        let manager = MetricsManager(level: .detailed, sink: stuck, uploadInterval: .seconds(3600), shutdownTimeout: .milliseconds(200),
                                     configuration: .init(batching: BatchingConfig(maxBatchSize: 100, maxMemoryBytes: bound)))
        try await manager.start()
        let series = counters(manager, 150, prefix: "Load")
        var produced = 0
        for _ in 0..<20 {
            for counter in series { counter.increment() }
            manager.tick()
            produced += series.count
            let stats = try #require(manager.stats()[sink: "blocking"])
            #expect(stats.memoryBytes <= bound)
            #expect(stats.memoryBytes > bound / 2, "the queue does fill up to near the bound")
        }
        await stuck.waitUntilEntered()
        let beforeShutdown = try #require(manager.stats()[sink: "blocking"])
        #expect(beforeShutdown.dropped[.queueFull, default: 0] > 0)
        try await manager.shutdown()
        let stats = try #require(manager.stats()[sink: "blocking"])
        #expect(stats.exported + stats.totalDropped + stats.unknownOutcome == produced)
        #expect(stats.unknownOutcome > 0, "the batch in the stuck call")
        #expect(stats.dropped[.queueFull, default: 0] + stats.dropped[.shutdownDeadline, default: 0]
                + stats.unknownOutcome == produced)
        stuck.release()
    }

    @Test("drop oldest keeps the newest windows; drop newest keeps the oldest", arguments: [
        BatchingConfig.OverflowDrop.oldest, .newest,
    ])
    func overflowPolicy(policy: BatchingConfig.OverflowDrop) async throws {
        let stuck = BlockingSink()
        let manager = MetricsManager(level: .detailed, sink: stuck, uploadInterval: .seconds(3600),
                                     configuration: .init(batching: BatchingConfig(maxBatchSize: 1, maxMemoryBytes: 1000, dropOnOverflow: policy)))
        try await manager.start()
        let counter = manager.counter("Window")
        // The first window goes in flight and blocks; the next ones queue up.
        counter.increment(by: 1)
        manager.tick()
        await stuck.waitUntilEntered()
        for window in 2...10 {
            counter.increment(by: window)
            manager.tick()
        }
        stuck.release()
        try await manager.flush()
        let delivered = stuck.deliveredSnapshots.map(\.count)
        #expect(delivered.first == 1)
        let stats = try #require(manager.stats()[sink: "blocking"])
        #expect(stats.dropped[.queueFull, default: 0] > 0)
        #expect(stats.exported + stats.totalDropped == 10)
        switch policy {
        case .oldest: #expect(delivered.last == 10)
        case .newest: #expect(delivered.dropFirst().first == 2 && !delivered.contains(10))
        }
        try await manager.shutdown()
    }

    @Test("minBatchSize holds small batches back until enough arrive or flushInterval passes")
    func batchingThresholds() async throws {
        let clock = ManualClock()
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory, uploadInterval: .seconds(3600),
                                     configuration: .init(batching: BatchingConfig(flushInterval: .seconds(10), minBatchSize: 5), clock: clock, wallClock: clock.wallClock))
        try await manager.start()
        let series = counters(manager, 6, prefix: "Batched")
        for counter in series[0..<3] { counter.increment() }
        manager.tick()
        for counter in series[3..<5] { counter.increment() }
        manager.tick()
        _ = await memory.waitForSnapshots(count: 5)
        #expect(memory.exports.map(\.count) == [5], "the first three waited for the next two")

        series[5].increment()
        manager.tick()
        #expect(manager.stats()[sink: "memory"]?.queued == 1)
        clock.advance(by: .seconds(10))
        _ = await memory.waitForSnapshots(count: 6)
        #expect(memory.exports.map(\.count) == [5, 1])
        try await manager.shutdown()
    }

    @Test("a sink that takes 3 batches at once gets 3, no more; flush() returns when all are settled")
    func concurrentExports() async throws {
        let gate = BlockingSink(maxConcurrentExports: 3)
        let manager = MetricsManager(level: .detailed, sink: gate, uploadInterval: .seconds(3600),
                                     configuration: .init(batching: BatchingConfig(maxBatchSize: 1)))
        try await manager.start()
        for counter in counters(manager, 10, prefix: "Concurrent") { counter.increment() }
        manager.tick()
        await gate.waitUntilEntered(3)
        let stats = try #require(manager.stats()[sink: "blocking"])
        #expect((stats.inFlight, stats.queued) == (3, 7), "three batches out, one snapshot each; the rest waits")
        let flushed = Locked(false)
        let flush = Task {
            try await manager.flush()
            flushed.withLock { $0 = true }
        }
        #expect(flushed.withLock { $0 } == false)
        gate.release()
        try await flush.value
        #expect(gate.deliveredSnapshots.count == 10)
        let after = try #require(manager.stats()[sink: "blocking"])
        #expect((after.exported, after.inFlight, after.queued, after.totalDropped) == (10, 0, 0, 0))
        try await manager.shutdown()
    }

    @Test("at the shutdown deadline, the 3 batches out are of unknown outcome and the 7 queued dropped, exactly")
    func abandonConcurrentBatches() async throws {
        let stuck = BlockingSink(maxConcurrentExports: 3)
        let manager = MetricsManager(level: .detailed, sink: stuck, uploadInterval: .seconds(3600),
                                     shutdownTimeout: .milliseconds(200),
                                     configuration: .init(batching: BatchingConfig(maxBatchSize: 1)))
        try await manager.start()
        for counter in counters(manager, 10, prefix: "Stuck") { counter.increment() }
        manager.tick()
        await stuck.waitUntilEntered(3)
        try await manager.shutdown()
        let stats = try #require(manager.stats()[sink: "blocking"])
        #expect((stats.unknownOutcome, stats.exported, stats.dropped[.shutdownDeadline, default: 0]) == (3, 0, 7))
        #expect((stats.inFlight, stats.queued) == (0, 0))
        stuck.release()
    }

    @Test("flush() returns only when the queues are empty")
    func flushWaits() async throws {
        let gate = BlockingSink()
        let manager = MetricsManager(level: .detailed, sink: gate, uploadInterval: .seconds(3600))
        try await manager.start()
        manager.counter("Gate").increment()
        let flushed = Locked(false)
        let flush = Task {
            try await manager.flush()
            flushed.withLock { $0 = true }
        }
        await gate.waitUntilEntered()
        #expect(flushed.withLock { $0 } == false)
        gate.release()
        try await flush.value
        #expect(flushed.withLock { $0 })
        #expect(manager.stats()[sink: "blocking"]?.queued == 0)
        #expect(gate.deliveredSnapshots.count == 1)
        try await manager.shutdown()
    }

    @Test("self-metrics count retries (ExportRetries, by sink) and rejected observations (ObservationsRejected, by reason)")
    func selfMetricsRetriesAndRejections() async throws {
        /// Fails its first attempt, then delivers.
        final class FlakySink: Sink {
            let attempts = Locked(0)
            var name: String { "flaky" }
            var retryPolicy: any ExportRetryPolicy { ExponentialBackoffRetryPolicy(maxAttempts: 3, baseDelay: .zero) }
            func export(_ snapshots: [MetricSnapshot]) async throws {
                let attempt = attempts.withLock { $0 += 1; return $0 }
                if attempt == 1 { throw InjectedFailure() }
            }
        }
        let memory = InMemorySink()
        let flaky = FlakySink()
        let manager = MetricsManager(level: .detailed, sinks: [flaky, memory], uploadInterval: .seconds(3600),
                                     configuration: .init(observer: RecordingObserver(), selfMetrics: SelfMetricsConfig(prefix: "SDK.")))
        try await manager.start()
        manager.counter("Work").increment()
        manager.gauge("Depth").set(.nan)
        manager.histogram("Latency").record(.infinity)
        manager.counter("Work").increment(by: -1)
        try await manager.flush()                       // the window the flaky sink fails once, then delivers
        try await manager.flush()                       // carries the self-metrics recorded meanwhile
        try await manager.shutdown()
        let retries = memory.snapshots(named: "SDK.ExportRetries")
        #expect(retries.map { $0.dimensions.map(\.1) } == [["flaky"]])
        #expect(retries.map(\.sum) == [1])
        let rejected = memory.snapshots(named: "SDK.ObservationsRejected")
        #expect(rejected.filter { $0.dimensions.map(\.1) == ["nonFiniteValue"] }.map(\.sum) == [2])
        #expect(rejected.filter { $0.dimensions.map(\.1) == ["negativeIncrement"] }.map(\.sum) == [1])
    }

    @Test("self-metrics report drops and exports as ordinary series")
    func selfMetrics() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .summary, sinks: [FailingSink(), memory], uploadInterval: .seconds(3600),
                                     configuration: .init(observer: RecordingObserver(), selfMetrics: SelfMetricsConfig(prefix: "SDK.")))
        try await manager.start()
        manager.counter("Work").increment()
        try await manager.flush()
        try await manager.flush()
        try await manager.shutdown()
        let names = Set(memory.allSnapshots.map(\.name))
        #expect(names.isSuperset(of: ["SDK.SnapshotsDropped", "SDK.SnapshotsExported", "SDK.QueueLength", "SDK.ExportLatency"]))
        let drops = memory.snapshots(named: "SDK.SnapshotsDropped")
        #expect(drops.first?.dimensions.map(\.0) == ["sink", "reason"], "self-metrics keep their dimensions at .summary")
        #expect(drops.contains { $0.dimensions.contains { $0 == ("sink", "failing") } && $0.dimensions.contains { $0 == ("reason", "retriesExhausted") } })
    }
}

@Suite("Recording while a sink is stuck", .timeLimit(.minutes(3)))
struct NonBlockingTests {
    @Test("recording never waits for a stuck sink: a writer thread's 4M increments finish while the sink stays stuck")
    func writerNeverWaits() async throws {
        let stuck = BlockingSink()
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: stuck, uploadInterval: .milliseconds(20), shutdownTimeout: .milliseconds(100),
                                     configuration: .init(batching: BatchingConfig(maxMemoryBytes: 1 << 20), observer: observer))
        try await manager.start()
        let counter = manager.counter("Hot")
        counter.increment()
        await stuck.waitUntilEntered()  // the sink is stuck; windows keep queueing behind it meanwhile

        // A thread of its own, not the cooperative pool: were recording to
        // wait on the sink, this would never return and the suite's time
        // limit would fail the test. No speed is asserted here (that is the
        // benchmarks' job), only that recording goes on.
        let operations = 4_000_000
        let recorded = await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            Thread {
                for _ in 0..<operations { counter.increment() }
                continuation.resume(returning: operations)
            }.start()
        }
        #expect(recorded == operations)
        #expect(manager.stats()[sink: "blocking"]?.exported == 0, "the sink stayed stuck throughout")
        #expect(manager.stats()[sink: "blocking"]?.inFlight == 1)

        try await manager.shutdown()
        stuck.release()
    }
}

@Suite("Signal handling", .timeLimit(.minutes(3)))
struct SignalTests {
    // Each in a child process: SignalHandling takes over the signals'
    // dispositions, which the test process must keep as they are.

    @Test("signals arrive as a stream instead of terminating the process")
    func stream() async {
        await #expect(processExitsWith: .success) {
            let stream = await SignalHandling.signals([SIGUSR2])
            var iterator = stream.makeAsyncIterator()
            kill(getpid(), SIGUSR2)  // process-directed, as a real SIGTERM is (raise() targets this pool thread, which blocks signals)
            if await iterator.next() != SIGUSR2 { exit(3) }
        }
    }

    @Test("shutdownOnSignal flushes the final window")
    func shutdownOnSignal() async {
        await #expect(processExitsWith: .success) {
            let memory = InMemorySink()
            let manager = MetricsManager(level: .detailed, sink: memory, uploadInterval: .seconds(3600))
            try await manager.start()
            manager.counter("BeforeSignal").increment(by: 4)
            let signals = await SignalHandling.signals([SIGUSR1])  // handlers in place from here on
            kill(getpid(), SIGUSR1)
            if await SignalHandling.shutdown(manager, onFirstOf: signals) != SIGUSR1 { exit(3) }
            if memory.snapshots(named: "BeforeSignal").map(\.count) != [4] { exit(4) }
        }
    }
}
