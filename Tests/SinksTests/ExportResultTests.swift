import Foundation
import CWMLocking
import MetricsCore
import CloudWatchMetricsTestKit
import MetricsCoreTestKit
import Sinks
import Testing

private func snapshot(_ name: String) -> MetricSnapshot {
    let start = Date(timeIntervalSince1970: 1_700_000_000)
    return MetricSnapshot(name: name, windowStart: start, windowEnd: start + 60, count: 1, sum: 1, min: 1, max: 1)
}

private struct Invalid: Error {}

/// Rejects snapshots named "Bad"; the first attempt leaves the valid ones
/// unsent with a retryable error, the second delivers them. Keeps what it
/// was handed on each attempt.
private final class RejectingSink: Sink {
    let name = "rejecting"
    let attempts = Locked<[[String]]>([])
    var retryPolicy: any ExportRetryPolicy { ExponentialBackoffRetryPolicy(maxAttempts: 3, baseDelay: .zero) }

    func export(_ snapshots: [MetricSnapshot], attempt: ExportAttempt) async -> ExportResult {
        attempts.withLock { $0.append(snapshots.map(\.name)) }
        var result = ExportResult(for: snapshots)
        let valid = snapshots.filter { $0.name != "Bad" }
        for bad in snapshots where bad.name == "Bad" { result.reject(bad, error: Invalid()) }
        if attempt.number == 1 {
            result.retry(valid, because: InjectedFailure("try again"))
        }
        return result
    }
}

/// Delivers the first half of every batch, leaves the rest unsent on the
/// first attempt, and delivers everything it gets after that.
private final class HalfSink: Sink {
    let name = "half"
    let received = Locked<[[String]]>([])
    var retryPolicy: any ExportRetryPolicy { ExponentialBackoffRetryPolicy(maxAttempts: 2, baseDelay: .zero) }

    func export(_ snapshots: [MetricSnapshot], attempt: ExportAttempt) async -> ExportResult {
        received.withLock { $0.append(snapshots.map(\.name)) }
        guard attempt.number == 1 else { return .delivered(snapshots.count) }
        let half = snapshots.count / 2
        return ExportResult(count: snapshots.count, unsent: Array(snapshots[half...]), error: InjectedFailure("throttled"))
    }
}

@Suite("Export results as values", .timeLimit(.minutes(3)))
struct ExportResultTests {
    @Test("a throwing sink's outcome reads as a result: success, partial, failure")
    func throwingSinks() async {
        let batch = [snapshot("A"), snapshot("B"), snapshot("C")]
        let delivered = await ExportResult.of(batch) {}
        #expect(delivered.delivered == 3 && delivered.isComplete)
        let partial = await ExportResult.of(batch) {
            throw PartialExportError(remaining: [batch[2]], underlying: InjectedFailure())
        }
        #expect(partial.delivered == 2)
        #expect(partial.unsent.map(\.name) == ["C"])
        let failed = await ExportResult.of(batch) { throw InjectedFailure() }
        #expect(failed.delivered == 0)
        #expect(failed.unsent.count == 3)
        #expect(failed.error is InjectedFailure)
        // And back: nothing delivered throws the error itself, part delivered a PartialExportError.
        #expect(throws: InjectedFailure.self) { try failed.throwIfIncomplete() }
        #expect(throws: PartialExportError.self) { try partial.throwIfIncomplete() }
    }

    @Test("a sink implements either form: each defaults to the other; one that implements neither has its batches refused, not a crash")
    func eitherForm() async throws {
        let batch = [snapshot("A"), snapshot("B")]
        // The result form alone, exported through the throwing form (the default).
        let half = HalfSink()
        await #expect(throws: PartialExportError.self) { try await half.export(batch) }
        // The throwing form alone, wrapping a sink that has only the result form:
        // the wrapper's default is not mistaken for the inner sink's.
        let memory = InMemorySink()
        let wrapper = Wrapper(inner: FanOutSink([memory]))
        #expect(await wrapper.export(batch, attempt: .first).delivered == 2)
        #expect(memory.allSnapshots.count == 2)
        // Neither form.
        let neither = Neither()
        let result = await neither.export(batch, attempt: .first)
        #expect(result.delivered == 0 && result.refusedCount == 2 && result.unsent.isEmpty)
        #expect(result.refused.first?.error is SinkExportMissingError)
        await #expect(throws: SinkExportMissingError.self) { try await neither.export(batch) }
    }

    @Test("delivered is what the sink did not record otherwise, never negative, and unsent never counts past the batch")
    func deliveredIsComputed() {
        let batch = (0..<6).map { snapshot("S\($0)") }
        var result = ExportResult(for: batch)
        #expect(result.count == 6 && result.delivered == 6 && result.isComplete)
        result.reject(batch[0], error: InjectedFailure())
        result.refuse(2, error: InjectedFailure())
        result.retry(Array(batch[4...]), because: InjectedFailure())
        #expect(result.delivered == 1 && !result.isComplete)
        // A sink that claims more unsent than it was handed delivered nothing,
        // and the loop counts at most the batch as unsent.
        let overclaimed = ExportResult(count: 2, unsent: batch, error: InjectedFailure())
        #expect(overclaimed.delivered == 0 && overclaimed.delivered(outOf: 2) == 0)
        #expect(ExportResult(count: 3, unsent: [batch[0]]).delivered(outOf: 5) == 4)
    }

    @Test("a partial export: the retry gets only the unsent part, and every snapshot is counted once")
    func partialExport() async throws {
        let sink = HalfSink()
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: sink, configuration: .init(observer: observer))
        try await manager.start()
        for name in ["A", "B", "C", "D"] { manager.counter(name).increment() }
        try await manager.shutdown()
        let attempts = sink.received.withLock { $0 }
        #expect(attempts.count == 2)
        #expect(attempts[0].count == 4)
        #expect(attempts[1] == Array(attempts[0][2...]))
        #expect(manager.stats()[sink: "half"]?.exported == 4)
        #expect(manager.stats()[sink: "half"]?.retries == 1)
        #expect(observer.dropped.isEmpty)
    }

    @Test("a fan-out with one rejecting sink: that sink's loss is the fan-out's, counted once; the other sink has all")
    func fanOutWithRejectingSink() async throws {
        let rejecting = RejectingSink()
        let memory = InMemorySink()
        let observer = RecordingObserver()
        let fanOut = FanOutSink([rejecting, memory])
        let manager = MetricsManager(level: .detailed, sink: fanOut, configuration: .init(observer: observer))
        try await manager.start()
        manager.counter("Good").increment()
        manager.counter("Bad").increment()
        try await manager.shutdown()

        #expect(Set(memory.allSnapshots.map(\.name)) == ["Good", "Bad"])
        // The inner sink was retried by the shared loop with only its unsent snapshots.
        let attempts = rejecting.attempts.withLock { $0 }
        #expect(attempts.map { Set($0) } == [["Good", "Bad"], ["Good"]])
        let stats = try #require(manager.stats()[sink: fanOut.name])
        #expect(stats.exported == 1)
        #expect(stats.dropped == [.nonRetryableError: 1])
        #expect(stats.retries == 0)   // the inner retry is the fan-out's own business
        let failure = try #require(observer.exportFailures.first as? FanOutError)
        #expect(failure.failures.map(\.sink) == ["rejecting"])
        #expect(failure.failures.map(\.lost) == [1])
        #expect(failure.failures.first?.error is Invalid)
    }

    @Test("InMemorySink.snapshots(count:timeout:) fails with a message instead of hanging")
    func timedWait() async throws {
        let memory = InMemorySink(name: "empty")
        await #expect(throws: TestKitTimeoutError.self) {
            _ = try await memory.snapshots(count: 1, timeout: .milliseconds(50))
        }
        try await memory.export([snapshot("A")])
        #expect(try await memory.snapshots(count: 1, timeout: .seconds(10)).map(\.name) == ["A"])
    }
}

/// Implements only the throwing form, by exporting into another sink.
private struct Wrapper: Sink {
    let inner: any Sink
    func export(_ snapshots: [MetricSnapshot]) async throws { try await inner.export(snapshots) }
}

/// Implements neither form.
private struct Neither: Sink {}
