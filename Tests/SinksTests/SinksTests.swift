import Foundation
import MetricsCore
import MetricsCoreTestKit
import Sinks
import Testing
import CWMLocking
import CloudWatchMetricsTestKit

private func snapshot(_ name: String, count: Int = 1) -> MetricSnapshot {
    let start = Date(timeIntervalSince1970: 1_700_000_000)
    return MetricSnapshot(name: name, windowStart: start, windowEnd: start + 60,
                          count: count, sum: Double(count), min: 1, max: 1)
}

/// Fails its first `failures` exports, then succeeds; counts deliveries.
final class FlakySink: Sink {
    private let state: Locked<(failuresLeft: Int, attempts: Int, delivered: Int)>
    let name: String

    init(name: String, failures: Int) {
        self.name = name
        state = Locked((failures, 0, 0))
    }

    var retryPolicy: any ExportRetryPolicy { ExponentialBackoffRetryPolicy(maxAttempts: 3, baseDelay: .zero) }
    var attempts: Int { state.withLock { $0.attempts } }
    var delivered: Int { state.withLock { $0.delivered } }

    func export(_ snapshots: [MetricSnapshot]) async throws {
        try state.withLock { state in
            state.attempts += 1
            if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                throw InjectedFailure()
            }
            state.delivered += snapshots.count
        }
    }
}

@Suite("Sinks", .timeLimit(.minutes(3)))
struct SinksTests {
    @Test("InMemorySink keeps batches in call order")
    func inMemoryOrder() async throws {
        let memory = InMemorySink()
        try await memory.export([snapshot("A"), snapshot("B")])
        try await memory.export([snapshot("A", count: 2)])
        #expect(memory.exports.map { $0.map(\.name) } == [["A", "B"], ["A"]])
        #expect(memory.allSnapshots.map(\.name) == ["A", "B", "A"])
        #expect(memory.snapshots(named: "A").map(\.count) == [1, 2])
        memory.reset()
        #expect(memory.allSnapshots.isEmpty)
    }

    @Test("InMemorySink wakes waiters as soon as enough snapshots arrived")
    func inMemoryWaits() async throws {
        let memory = InMemorySink()
        async let waited = memory.waitForSnapshots(count: 3)
        try await memory.export([snapshot("A")])
        try await memory.export([snapshot("B"), snapshot("C")])
        #expect(await waited.map(\.name) == ["A", "B", "C"])
        #expect(await memory.waitForSnapshots(count: 1).count == 3)
    }

    @Test("NullSink accepts everything")
    func nullSink() async throws {
        let manager = MetricsManager(level: .detailed, sink: NullSink())
        try await manager.start()
        manager.counter("A").increment()
        try await manager.shutdown()
        #expect(manager.stats()[sink: "null"]?.exported == 1)
        #expect(manager.stats()[sink: "null"]?.totalDropped == 0)
    }

    @Test("FanOutSink delivers to every sink even when one fails, and names the failure")
    func fanOutIsolation() async throws {
        let memory = InMemorySink()
        let failing = FailingSink()
        let fanOut = FanOutSink([failing, memory])
        do {
            try await fanOut.export([snapshot("A")])
            Issue.record("expected a FanOutError")
        } catch let error as FanOutError {
            #expect(error.failures.map(\.sink) == ["failing"])
            #expect("\(error)".contains("failing"))
        }
        #expect(memory.allSnapshots.map(\.name) == ["A"])
    }

    @Test("FanOutSink retries each inner sink on its own, never resending to the others")
    func fanOutRetriesPerSink() async throws {
        let flaky = FlakySink(name: "flaky", failures: 2)
        let steady = FlakySink(name: "steady", failures: 0)
        let fanOut = FanOutSink([flaky, steady])
        try await fanOut.export([snapshot("A"), snapshot("B")])
        #expect(flaky.attempts == 3)
        #expect(flaky.delivered == 2)
        #expect(steady.attempts == 1)
        #expect(steady.delivered == 2)
    }

    @Test("FanOutSink inside a manager: failures are counted as that sink's drops")
    func fanOutInManager() async throws {
        let memory = InMemorySink()
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: FanOutSink([FailingSink(), memory]),
                                     configuration: .init(observer: observer))
        try await manager.start()
        manager.counter("Requests").increment()
        try await manager.shutdown()
        #expect(memory.allSnapshots.count == 1)
        #expect(observer.dropped.values.reduce(0, +) == 1)
    }
}
