import CloudWatchSink
import EMFSink
import Foundation
import CWMLocking
import MetricsCore

/// Counts the bytes of the PutMetricData bodies the sink encodes; sends nothing.
private final class CountingClient: CloudWatchClient {
    let bytes = Locked(0)

    func putMetricData(namespace: String, metricData: [MetricDatum]) async throws {}

    func putMetricData(_ request: PutMetricDataRequest) async throws {
        bytes.withLock { $0 += request.body.count }
    }
}

/// Counts the bytes of the PutLogEvents calls the sink makes; sends nothing.
private final class CountingLogsClient: CloudWatchLogsClient {
    let bytes = Locked(0)
    let events = Locked(0)

    func putLogEvents(group: String, stream: String, events: [LogEvent]) async throws -> RejectedLogEvents? {
        let size = events.reduce(0) { $0 + $1.message.count + 26 }
        bytes.withLock { $0 += size }
        self.events.withLock { $0 += events.count }
        return nil
    }

    func createLogGroup(_ group: String) async throws {}
    func createLogStream(group: String, stream: String) async throws {}
}

/// EMF against PutMetricData in the same run: 10k series of 1,000 dimension
/// sets (stream, shard, error code) with 10 metrics each, encoded for the
/// wire by each sink (no network, no signing).
enum EMFBenchmarks {
    static func series() -> [MetricSnapshot] {
        let end = Date(timeIntervalSince1970: 1_795_435_200)
        return (0..<10_000).map { i in
            let set = i / 10
            return MetricSnapshot(
                name: "Metric\(i % 10)", kind: .counter, unit: .count,
                dimensions: [("stream", "stream-\(set % 10)"), ("shard", "shardId-\(set)"), ("error_code", "none")],
                windowStart: end - 60, windowEnd: end, count: i + 1, sum: Double(i + 1), min: 1, max: 1)
        }
    }

    static func all() -> [Benchmark] {
        let batch = series()
        let logs = CountingLogsClient()
        let emf = EMFSink(namespace: "Bench",
                          destination: .cloudWatchLogs(logGroup: "/bench", logStream: "bench", region: "us-east-1"),
                          options: .init(logsClientFactory: { logs }))
        let putClient = CountingClient()
        let cloudWatch = CloudWatchSink(region: "us-east-1", namespace: "Bench", clientFactory: { putClient })
        return [
            Benchmark("emf", "EMF: encode 10k series into PutLogEvents calls (ms)", unit: "ms", repeats: 11) {
                try await nanosecondsPerOperation(1) { try await emf.export(batch) } / 1e6
            },
            Benchmark("emf", "EMF: documents per second (10k series, 10 per document)", unit: "docs/s", repeats: 11) {
                let before = logs.events.withLock { $0 }
                let nanoseconds = try await nanosecondsPerOperation(1) { try await emf.export(batch) }
                return Double(logs.events.withLock { $0 } - before) / (nanoseconds / 1e9)
            },
            Benchmark("emf", "EMF: bytes per series (messages + 26 per event)", unit: "bytes", repeats: 1) {
                logs.bytes.withLock { $0 = 0 }
                try await emf.export(batch)
                return Double(logs.bytes.withLock { $0 }) / Double(batch.count)
            },
            Benchmark("emf", "PutMetricData: encode the same 10k series into requests (ms)", unit: "ms", repeats: 11) {
                try await nanosecondsPerOperation(1) { try await cloudWatch.export(batch) } / 1e6
            },
            // One EMF and one PutMetricData encoding back to back per sample,
            // so that a noisy stretch of the machine hits both alike.
            Benchmark("emf", "EMF / PutMetricData encoding time, same 10k series, pairs back to back (ratio)",
                      unit: "x", repeats: 21) {
                let emfTime = try await nanosecondsPerOperation(1) { try await emf.export(batch) }
                let putTime = try await nanosecondsPerOperation(1) { try await cloudWatch.export(batch) }
                return emfTime / putTime
            },
            Benchmark("emf", "PutMetricData: bytes per series (JSON bodies, before gzip)", unit: "bytes", repeats: 1) {
                putClient.bytes.withLock { $0 = 0 }
                try await cloudWatch.export(batch)
                return Double(putClient.bytes.withLock { $0 }) / Double(batch.count)
            },
        ]
    }
}
