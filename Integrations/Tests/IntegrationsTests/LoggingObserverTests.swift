import Logging
import MetricsCore
import MetricsLogging
import Sinks
import Synchronization
import Testing

/// A LogHandler that keeps what it is given.
final class RecordingLogHandler: LogHandler, Sendable {
    struct Entry: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    private let entries = Mutex<[Entry]>([])
    var all: [Entry] { entries.withLock { $0 } }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }

    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }

    subscript(metadataKey _: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        let metadata = (event.metadata ?? [:]).mapValues { "\($0)" }
        entries.withLock { $0.append(Entry(level: event.level, message: "\(event.message)", metadata: metadata)) }
    }
}

struct RefusingSink: Sink {
    struct Refused: Error, CustomStringConvertible {
        var description: String { "the backend refused the batch" }
    }

    var retryPolicy: any ExportRetryPolicy { ExponentialBackoffRetryPolicy(maxAttempts: 1) }
    func export(_ snapshots: [MetricSnapshot]) async throws { throw Refused() }
}

@Suite("LoggingObserver")
struct LoggingObserverTests {
    @Test("a dropped batch is an error and a failed export a warning, with the sink, count, reason and error")
    func dropsAndFailures() async throws {
        let handler = RecordingLogHandler()
        let observer = LoggingObserver(logger: Logger(label: "metrics") { _ in handler })
        let manager = MetricsManager(level: .detailed, sink: RefusingSink(), configuration: .init(observer: observer))
        try await manager.start()
        manager.counter("Requests").increment()
        try await manager.shutdown()
        let dropped = try #require(handler.all.first { $0.message == "metrics dropped" })
        #expect(dropped.level == .error)
        #expect(dropped.metadata["metrics.sink"] == "RefusingSink" && dropped.metadata["metrics.count"] == "1")
        #expect(dropped.metadata["metrics.reason"] != nil)
        let failed = try #require(handler.all.first { $0.message == "metrics export failed" })
        #expect(failed.level == .warning && failed.metadata["metrics.error"] == "the backend refused the batch")
    }

    @Test("rejected observations are warnings; exports and expiry are routine, at the level chosen")
    func levels() {
        let handler = RecordingLogHandler()
        let observer = LoggingObserver(logger: Logger(label: "metrics") { _ in handler }, routineLevel: .info)
        observer.observe(.observationsRejected(count: 3, reason: .nonFiniteValue))
        observer.observe(.sink("cloudwatch", .exported(count: 10, duration: .milliseconds(5))))
        observer.observe(.seriesExpired(count: 2))
        observer.observe(.seriesFolded(metric: "Latency", count: 7))
        observer.observe(.sink("cloudwatch", .retried(attempt: 1, error: RefusingSink.Refused())))
        #expect(handler.all.map(\.level) == [.warning, .info, .info, .warning, .notice])
        #expect(handler.all[0].metadata == ["metrics.count": "3", "metrics.reason": "nonFiniteValue"])
    }
}
