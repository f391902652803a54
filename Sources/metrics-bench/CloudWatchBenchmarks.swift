import AWSCore
import CCWMBenchSupport
import CloudWatchSink
import Foundation
import CWMLocking
import MetricsCore

/// A client that does what the AWS client does before the network: sign
/// the encoded body (SHA-256 of it, canonical request, signature).
final class SigningClient: CloudWatchClient {
    let signer = SigV4Signer(credentials: AWSCredentials(accessKeyId: "AKID", secretAccessKey: "SECRET"),
                             region: "us-east-1", service: "monitoring")
    let url = URL(string: "https://monitoring.us-east-1.amazonaws.com/")!
    let bodyBytes = Locked(0)

    func putMetricData(namespace: String, metricData: [MetricDatum]) async throws {}

    func putMetricData(_ request: PutMetricDataRequest) async throws {
        let headers = signer.signedHeaders(
            method: "POST", url: url,
            headers: [("Content-Type", "application/x-amz-json-1.0"),
                      ("X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData"), ("x-amzn-query-mode", "true")],
            payloadHash: request.body.withUnsafeBytes { Hex.encode(SHA256.hash($0)) }, date: Date())
        precondition(headers.count == 6)
        bodyBytes.withLock { $0 = request.body.count }
    }
}

enum CloudWatchBenchmarks {
    /// The same 1000 datums as Benchmarks/botocore_put_metric_data.py.
    static func snapshots() -> [MetricSnapshot] {
        let end = Date(timeIntervalSince1970: 1_795_435_200)
        return (0..<1000).map { i in
            MetricSnapshot(name: "UserRecordsPut", kind: .counter, unit: .count,
                           dimensions: [("stream", "stream-\(i % 10)"), ("shard", "shardId-" + String(repeating: "0", count: 12 - String(i).count) + "\(i)"),
                                        ("error_code", "none")],
                           windowStart: end - 60, windowEnd: end, count: i + 1, sum: Double(i * 2 + 1), min: 1, max: Double(i + 1))
        }
    }

    static func all() -> [Benchmark] {
        let batch = snapshots()
        return CloudWatchProtocol.allCases.flatMap { wire -> [Benchmark] in
            let client = SigningClient()
            let sink = CloudWatchSink(region: "us-east-1", namespace: "Bench", clientFactory: { client },
                                      options: .init(wireProtocol: wire))
            return [
                // A sample is the mean of 5 exports (one alone is ~1 ms: a
                // single preemption would be the figure).
                Benchmark("cloudwatch", "encode + sign 1000 datums (\(wire)), snapshots to signed request", unit: "ms", repeats: 21) {
                    try await nanosecondsPerOperation(5) { for _ in 0..<5 { try await sink.export(batch) } } / 1e6
                },
                Benchmark("cloudwatch", "bytes per datum (\(wire), 3 dimensions)", unit: "bytes", repeats: 1) {
                    try await sink.export(batch)
                    return Double(client.bodyBytes.withLock { $0 }) / 1000
                },
                Benchmark("cloudwatch", "botocore: serialise + sign 1000 datums (\(wire)), same machine", unit: "ms", repeats: 1) {
                    botocore(wire)
                },
            ]
        }
    }

    /// Runs Benchmarks/botocore_put_metric_data.py with `$METRICS_BENCH_PYTHON` (default python3).
    private static func botocore(_ wire: CloudWatchProtocol) -> Double {
        let python = ProcessInfo.processInfo.environment["METRICS_BENCH_PYTHON"] ?? "python3"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Benchmarks/botocore_put_metric_data.py").path
        let command: [String] = [python, script, wire.rawValue]
        var arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var buffer = [CChar](repeating: 0, count: 1024)
        guard bench_run_capturing(&arguments, &buffer, buffer.count) == 0 else { return .nan }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: " ").first.flatMap { Double($0) } ?? .nan
    }
}
