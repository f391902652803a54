import CloudWatchSink
import Foundation
import IntegrationsTestSupport
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
    @Test("never a secret: a backend that echoes the signed request, session token included, into its error")
    func noSecrets() async throws {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYLOGGINGKEY"
        let token = "IQoJb3JpZ2luX2VjEXAMPLELOGGINGSESSIONTOKEN"
        let server = try EchoingServer()
        defer { server.stop() }
        let handler = RecordingLogHandler()
        let observer = LoggingObserver(logger: Logger(label: "metrics") { _ in handler })
        let sink = CloudWatchSink(region: "us-east-1", namespace: "Secrets", endpoint: server.url, verifySSL: true,
                                  accessKeyId: "AKIDLOGGINGTEST", secretAccessKey: secret, sessionToken: token,
                                  options: .init(environment: [:]))
        let manager = MetricsManager(level: .detailed, sink: sink, configuration: .init(observer: observer))
        try await withTimeLimit(.seconds(60), "the refused export") {
            try await manager.start()
            manager.counter("Requests").increment()
            try await manager.shutdown()
        }
        let failed = try #require(handler.all.first { $0.message == "metrics export failed" }, "\(handler.all.map(\.message))")
        #expect(failed.metadata["metrics.error"]?.contains("AccessDenied") == true, "\(failed.metadata)")
        // The echo reached the report: the token's header is named there, its value is not.
        #expect(failed.metadata["metrics.error"]?.lowercased().contains("x-amz-security-token") == true, "\(failed.metadata)")
        for entry in handler.all {
            let text = entry.message + " " + entry.metadata.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            #expect(!text.contains(secret) && !text.contains(token), "\(text)")
        }
    }

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
