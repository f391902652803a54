import DatadogSink
import Foundation
import MetricsCore
import OTLPSink

/// What the OTLP and Datadog sinks spend encoding, per 1000 series: the
/// request bodies only (no network, no gzip), for counters and for
/// histograms with a distribution.
enum SinkEncodingBenchmarks {
    static func counters() -> [MetricSnapshot] {
        let end = Date(timeIntervalSince1970: 1_795_435_200)
        return (0..<1000).map { i in
            MetricSnapshot(name: "Metric\(i % 10)", kind: .counter, unit: .count,
                           dimensions: [("stream", "stream-\(i % 10)"), ("shard", "shardId-\(i / 10)")],
                           windowStart: end - 60, windowEnd: end, count: i + 1, sum: Double(i + 1), min: 1, max: 1)
        }
    }

    /// Latency-like histograms: 50 observations spread over about 30 buckets.
    static func histograms() -> [MetricSnapshot] {
        let end = Date(timeIntervalSince1970: 1_795_435_200)
        let distribution = (0..<30).map { MetricSnapshot.Bucket(value: 1.0 + Double($0) * 0.37, count: $0 % 3 + 1) }
        let count = distribution.reduce(0) { $0 + $1.count }
        return (0..<1000).map { i in
            MetricSnapshot(name: "Latency\(i % 10)", kind: .histogram, unit: .milliseconds,
                           dimensions: [("stream", "stream-\(i % 10)"), ("shard", "shardId-\(i / 10)")],
                           windowStart: end - 60, windowEnd: end, count: count, sum: 100, min: 1, max: 11.73,
                           distribution: distribution)
        }
    }

    static func otlp(_ encoding: OTLPEncoder.Encoding) -> OTLPEncoder {
        OTLPEncoder(encoding: encoding, resource: [(key: "service.name", value: "bench")], scopeName: "aiokpl",
                    scopeVersion: "", prefix: "aiokpl.", lowercaseNames: true, maxHistogramBuckets: 160)
    }

    static func all() -> [Benchmark] {
        let counters = counters()
        let histograms = histograms()
        let datadog = DatadogEncoder(prefix: "aiokpl.", host: nil, tags: [], maxValuesPerDistribution: 10_000)
        var benchmarks: [Benchmark] = []
        for (label, batch) in [("counters", counters), ("histograms", histograms)] {
            for (encodingName, encoding) in [("protobuf", OTLPEncoder.Encoding.protobuf), ("JSON", .json)] {
                let encoder = otlp(encoding)
                benchmarks.append(Benchmark("sinks", "OTLP \(encodingName): encode 1000 \(label) (µs)", unit: "µs") {
                    nanosecondsPerOperation(1) {
                        _ = encoder.requests(batch, maxPoints: 1000, maxBytes: 4_000_000)
                    } / 1e3
                })
                benchmarks.append(Benchmark("sinks", "OTLP \(encodingName): bytes per \(label.dropLast()) (before gzip)",
                                            unit: "bytes", repeats: 1) {
                    Double(encoder.requests(batch, maxPoints: 1000, maxBytes: 4_000_000).requests
                        .reduce(0) { $0 + $1.body.count }) / Double(batch.count)
                })
            }
            benchmarks.append(Benchmark("sinks", "Datadog: encode 1000 \(label) (µs)", unit: "µs") {
                nanosecondsPerOperation(1) { _ = datadog.requests(batch, maxBytes: 3_000_000) } / 1e3
            })
            benchmarks.append(Benchmark("sinks", "Datadog: bytes per \(label.dropLast())", unit: "bytes", repeats: 1) {
                Double(datadog.requests(batch, maxBytes: 3_000_000).requests.reduce(0) { $0 + $1.body.count })
                    / Double(batch.count)
            })
        }
        return benchmarks
    }
}
