// The examples of the public API's documentation comments, compiled from
// outside the package: configuration values, a sink of one's own, a client
// of one's own.

import AWSCore
import Foundation
import CloudWatchSink
import ConsoleSink
import MetricsCore
import Sinks

/// `Sink`: the smallest sink, as in the original (`export(snapshots)`).
struct PrintSink: Sink {
    func export(_ snapshots: [MetricSnapshot]) async throws {
        for snapshot in snapshots { print(snapshot) }
    }
}

enum ExampleError: Error { case notFinite }

/// `ExportResult`: a sink that reports invalid snapshots and what is left to retry.
struct CheckingSink: Sink {
    let backend: InMemorySink

    func export(_ snapshots: [MetricSnapshot], attempt: ExportAttempt) async -> ExportResult {
        var result = ExportResult(for: snapshots)
        var valid: [MetricSnapshot] = []
        for snapshot in snapshots {
            if snapshot.sum.isFinite { valid.append(snapshot) } else { result.reject(snapshot, error: ExampleError.notFinite) }
        }
        do {
            try await backend.export(valid)
        } catch {
            result.retry(valid, because: error)
        }
        return result
    }
}

/// `CloudWatchClient`: a client of one's own needs one method.
struct PrintingClient: CloudWatchClient {
    func putMetricData(namespace: String, metricData: [MetricDatum]) async throws {
        print(namespace, metricData.map(\.metricName))
    }
}

enum APIExamples {
    /// `CloudWatchSink.Options`.
    static func options() -> CloudWatchSink {
        var options = CloudWatchSink.Options()
        options.storageResolution = 1                // high resolution
        options.wireProtocol = .query
        let sink = CloudWatchSink(region: "us-east-1", namespace: "MyService", options: options)
        return sink
    }

    /// `MetricsManager.Configuration`, `FanOutSink`, `withMetricsManager`.
    static func configuration(observer: any MetricsObserver) async throws {
        let memory = InMemorySink()
        var configuration = MetricsManager.Configuration()
        configuration.batching = BatchingConfig(maxMemoryBytes: 8 << 20)
        configuration.observer = observer
        let both = FanOutSink([ConsoleSink(), memory])
        let manager = MetricsManager(level: .detailed, sinks: [both, CheckingSink(backend: memory)],
                                     configuration: configuration)
        _ = manager
        try await withMetricsManager(level: .detailed, sinks: [ConsoleSink()]) { manager in
            manager.put("UserRecordsPut", 1, stream: "s1")
        }
    }

    /// AWSCore for one's own requests: credentials, signing, HMAC.
    static func signing() async throws -> [(String, String)] {
        let credentials = try await DefaultCredentialProvider().credentials()
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "monitoring")
        let url = try AWSEndpoint.resolve(service: .cloudWatch, region: "us-east-1").url
        let body = Array("Action=ListMetrics&Version=2010-08-01".utf8)
        _ = HMACSHA256.authenticationCode(for: body, key: Array("key".utf8))
        return signer.signedHeaders(method: "POST", url: url, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                    body: Data(body), date: Date())
    }
}
