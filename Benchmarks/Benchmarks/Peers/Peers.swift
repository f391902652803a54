// The SDK beside its peers, case by case, in one run: each case is measured
// for "ours" and, where the peer has the same operation, for
// swift-prometheus (its own API, and through swift-metrics), swift-otel
// (through swift-metrics, its only recording API) and a bare relaxed atomic
// (the floor). Benchmark names are "case | implementation";
// Benchmarks/compare.sh turns the run into one table with ratios.
//
// Time per operation: the nanosecond cases loop `scaledIterations` times
// (one million), so package-benchmark reports per operation.

import Benchmark
import CHeap
import AWSCore
import CloudWatchSink
import CoreMetrics
import Dispatch
import Foundation
import MetricsCore
#if OTelPeer
import OTel
#endif
import Prometheus
import Synchronization
import SwiftMetricsBackend

/// A short run for CI (`BENCHMARK_SMOKE=1`): every case executes, figures mean nothing.
let smoke = ProcessInfo.processInfo.environment["BENCHMARK_SMOKE"] == "1"

/// Per-operation cases: a million operations per sample.
var perOperation: Benchmark.Configuration { .init(
    metrics: [.wallClock, .mallocCountTotal],
    timeUnits: .nanoseconds,
    warmupIterations: smoke ? 0 : 3,
    scalingFactor: smoke ? .kilo : .mega,
    maxDuration: smoke ? .milliseconds(50) : .seconds(3),
    maxIterations: smoke ? 2 : 25) }

/// Whole-operation cases (a cut, an export, 100k creations).
var whole: Benchmark.Configuration { .init(
    metrics: [.wallClock, .mallocCountTotal],
    timeUnits: .microseconds,
    warmupIterations: smoke ? 0 : 1,
    scalingFactor: .one,
    maxDuration: smoke ? .milliseconds(50) : .seconds(5),
    maxIterations: smoke ? 1 : 15) }

/// A registry kept from one sample to the next (samples run one at a time),
/// and the names of the series it does not have yet.
final class Growing<Registry>: @unchecked Sendable {
    var value: Registry?
    private var next = 0

    func nextNames(_ count: Int) -> [String] {
        defer { next += count }
        return (next..<(next + count)).map { "user-\($0)" }
    }
}

/// A bare relaxed atomic: the floor every counter is compared with.
final class BareAtomic: Sendable {
    let value = Atomic<Int>(0)
}

/// Series count for the cut and churn cases (smaller in a smoke run).
func seriesCount(_ full: Int) -> Int { smoke ? min(full, 1_000) : full }

/// A started manager with the cardinality guard on (limits above what the
/// cases create, so it is on the path but never folds).
func startedManager(sinks: [any Sink] = [], limit: Int = 1_000_000) async throws -> MetricsManager {
    let manager = MetricsManager(
        level: .detailed, sinks: sinks, uploadInterval: .seconds(3600),
        configuration: .init(cardinalityLimits: CardinalityLimits(perMetric: limit, total: limit)))
    try await manager.start()
    return manager
}

/// Runs `body(thread)` on two new threads that start together (each waits
/// for the other before its first operation) and returns when both ended.
func onTwoThreads(_ body: @escaping @Sendable (Int) -> Void) {
    final class Gate: Sendable {
        let ready = Atomic<Int>(0)
        let done = DispatchSemaphore(value: 0)
    }
    let gate = Gate()
    for index in 0..<2 {
        Thread {
            gate.ready.wrappingAdd(1, ordering: .acquiringAndReleasing)
            while gate.ready.load(ordering: .acquiring) < 2 {}
            body(index)
            gate.done.signal()
        }.start()
    }
    gate.done.wait()
    gate.done.wait()
}

/// Bytes of heap in use (malloc's own accounting).
func heapBytesInUse() -> Int { Int(cheap_bytes_in_use()) }

let dimensions = [("stream", "orders"), ("shard", "shardId-000000000001")]

#if OTelPeer
/// swift-otel's swift-metrics factory, without an exporter (recording only).
func otelFactory() throws -> any MetricsFactory {
    var configuration = OTel.Configuration.default
    configuration.metrics.exporter = .none
    configuration.traces.enabled = false
    configuration.logs.enabled = false
    return try OTel.makeMetricsBackend(configuration: configuration).factory
}
#endif

/// The same 1000 datums as Benchmarks/botocore_put_metric_data.py.
func thousandDatums() -> [MetricSnapshot] {
    let end = Date(timeIntervalSince1970: 1_795_435_200)
    return (0..<1000).map { i in
        let shard = "shardId-" + String(repeating: "0", count: 12 - String(i).count) + "\(i)"
        return MetricSnapshot(
            name: "UserRecordsPut", kind: .counter, unit: .count,
            dimensions: [("stream", "stream-\(i % 10)"), ("shard", shard), ("error_code", "none")],
            windowStart: end - 60, windowEnd: end, count: i + 1, sum: Double(i * 2 + 1), min: 1, max: Double(i + 1))
    }
}

/// What the AWS client does before the network: SHA-256 of the encoded
/// body, canonical request, signature. Nothing is sent.
final class SigningClient: CloudWatchClient {
    let signer = SigV4Signer(credentials: AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "SECRET"),
                             region: "us-east-1", service: "monitoring")
    let url = URL(string: "https://monitoring.us-east-1.amazonaws.com/")!
    let requests = Atomic<Int>(0)

    func putMetricData(namespace: String, metricData: [MetricDatum]) async throws {}

    func putMetricData(_ request: PutMetricDataRequest) async throws {
        let headers = signer.signedHeaders(
            method: "POST", url: url,
            headers: [("Content-Type", "application/x-amz-json-1.0"),
                      ("X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData")],
            body: Data(request.body), date: Date())
        precondition(headers.count >= 4)
        requests.wrappingAdd(1, ordering: .relaxed)
    }
}

let benchmarks: @Sendable () -> Void = {
    // MARK: counters

    Benchmark("counter.increment, 1 thread | ours", configuration: perOperation) { benchmark in
        let counter = try await startedManager().counter("Requests", dimensions: dimensions)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { counter.increment() }
    }
    Benchmark("counter.increment, 1 thread | prometheus", configuration: perOperation) { benchmark in
        let counter = PrometheusCollectorRegistry().makeCounter(name: "requests", labels: dimensions)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { counter.increment() }
    }
    Benchmark("counter.increment, 1 thread | atomic", configuration: perOperation) { benchmark in
        let atomic = BareAtomic()
        for _ in benchmark.scaledIterations { atomic.value.wrappingAdd(1, ordering: .relaxed) }
    }
    // Wall time over total operations: two threads share the million.
    Benchmark("counter.increment, 2 threads on one counter | ours", configuration: perOperation) { benchmark in
        let counter = try await startedManager().counter("Requests", dimensions: dimensions)
        let half = benchmark.scaledIterations.count / 2
        benchmark.startMeasurement()
        onTwoThreads { _ in for _ in 0..<half { counter.increment() } }
    }
    Benchmark("counter.increment, 2 threads on one counter | prometheus", configuration: perOperation) { benchmark in
        let counter = PrometheusCollectorRegistry().makeCounter(name: "requests", labels: dimensions)
        let half = benchmark.scaledIterations.count / 2
        benchmark.startMeasurement()
        onTwoThreads { _ in for _ in 0..<half { counter.increment() } }
    }
    Benchmark("counter.increment, 2 threads on one counter | atomic", configuration: perOperation) { benchmark in
        let atomic = BareAtomic()
        let half = benchmark.scaledIterations.count / 2
        onTwoThreads { _ in for _ in 0..<half { atomic.value.wrappingAdd(1, ordering: .relaxed) } }
    }

    // MARK: gauges and histograms

    // Prometheus' gauge keeps the last value; so does ours with
    // `statistics: false` (what the swift-metrics backend uses). The
    // default gauge also keeps each window's count, sum, min and max.
    Benchmark("gauge.set, last value | ours", configuration: perOperation) { benchmark in
        let gauge = try await startedManager().gauge("Depth", dimensions: dimensions, statistics: false)
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations { gauge.set(Double(index & 1023)) }
    }
    Benchmark("gauge.set, last value | prometheus", configuration: perOperation) { benchmark in
        let gauge = PrometheusCollectorRegistry().makeGauge(name: "depth", labels: dimensions)
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations { gauge.set(Double(index & 1023)) }
    }
    Benchmark("gauge.set, with window statistics | ours", configuration: perOperation) { benchmark in
        let gauge = try await startedManager().gauge("Depth", dimensions: dimensions)
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations { gauge.set(Double(index & 1023)) }
    }
    Benchmark("histogram.record | ours", configuration: perOperation) { benchmark in
        let histogram = try await startedManager().histogram("Latency", dimensions: dimensions, unit: .milliseconds)
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations { histogram.record(Double(index & 1023) * 0.25 + 1) }
    }
    Benchmark("histogram.record | prometheus", configuration: perOperation) { benchmark in
        // Prometheus' default buckets; ours has 64 log-linear buckets per octave.
        let histogram = PrometheusCollectorRegistry().makeValueHistogram(
            name: "latency", labels: dimensions,
            buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250])
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations { histogram.record(Double(index & 1023) * 0.25 + 1) }
    }

    // MARK: the original's put

    Benchmark("put(name, value, stream:, shardId:), existing series, 1 thread | ours", configuration: perOperation) { benchmark in
        let manager = try await startedManager()
        manager.put("UserRecordsPut", 1, stream: "orders", shardId: "shardId-000000000001")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            manager.put("UserRecordsPut", 1, stream: "orders", shardId: "shardId-000000000001")
        }
    }
    // Each thread its own shard, as a producer's threads are.
    Benchmark("put(name, value, stream:, shardId:), existing series, 2 threads | ours", configuration: perOperation) { benchmark in
        let manager = try await startedManager()
        let shards = ["shardId-000000000001", "shardId-000000000002"]
        for shard in shards { manager.put("UserRecordsPut", 1, stream: "orders", shardId: shard) }
        let half = benchmark.scaledIterations.count / 2
        benchmark.startMeasurement()
        onTwoThreads { thread in
            let shard = shards[thread]
            for _ in 0..<half { manager.put("UserRecordsPut", 1, stream: "orders", shardId: shard) }
        }
    }

    // MARK: through the swift-metrics facade

    let facadeCases: [(String, (any MetricsFactory, Range<Int>) -> Void)] = [
        ("Counter.increment", { factory, range in
            let counter = CoreMetrics.Counter(label: "requests", dimensions: dimensions, factory: factory)
            for _ in range { counter.increment() }
        }),
        ("Timer.recordNanoseconds", { factory, range in
            let timer = CoreMetrics.Timer(label: "latency", dimensions: dimensions, factory: factory)
            for index in range { timer.recordNanoseconds(Int64(1_000_000 + index % 50_000_000)) }
        }),
        ("Recorder.record", { factory, range in
            let recorder = Recorder(label: "sizes", dimensions: dimensions, factory: factory)
            for index in range { recorder.record(Double(index % 1000) + 0.5) }
        }),
        ("Gauge.record", { factory, range in
            let gauge = CoreMetrics.Gauge(label: "depth", dimensions: dimensions, factory: factory)
            for index in range { gauge.record(Double(index % 1000)) }
        }),
    ]
    for (name, run) in facadeCases {
        Benchmark("facade \(name) | ours", configuration: perOperation) { benchmark in
            let factory = MetricsManagerFactory(manager: try await startedManager())
            benchmark.startMeasurement()
            run(factory, benchmark.scaledIterations)
        }
        Benchmark("facade \(name) | prometheus", configuration: perOperation) { benchmark in
            let factory = PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())
            benchmark.startMeasurement()
            run(factory, benchmark.scaledIterations)
        }
        #if OTelPeer
        Benchmark("facade \(name) | otel", configuration: perOperation) { benchmark in
            let factory = try otelFactory()
            benchmark.startMeasurement()
            run(factory, benchmark.scaledIterations)
        }
        #endif
    }

    // MARK: cardinality: new series

    let churn = seriesCount(100_000)
    Benchmark("100k new series (counter + increment, total) | ours", configuration: whole) { benchmark in
        let names = (0..<churn).map { "user-\($0)" }
        let manager = try await startedManager()
        benchmark.startMeasurement()
        for name in names { manager.counter("Requests", dimensions: [("user", name)]).increment() }
        benchmark.stopMeasurement()
        withExtendedLifetime(manager) {}
    }
    // Per new series, beside Prometheus: 1000 new series per sample, into a
    // registry that grows from sample to sample (10 samples: 0 to 10k
    // series). Prometheus' cost per new label set grows with the series of
    // the metric (100k took it over 5 minutes here), hence the smaller size.
    let perNewSeries = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds, warmupIterations: 0,
        scalingFactor: .kilo, maxDuration: .seconds(60), maxIterations: smoke ? 1 : 10)
    let ours = Growing<MetricsManager>()
    Benchmark("new series (counter + increment), into 0 to 10k series | ours", configuration: perNewSeries) { benchmark in
        if ours.value == nil { ours.value = try await startedManager() }
        let manager = ours.value!
        let names = ours.nextNames(benchmark.scaledIterations.count)
        benchmark.startMeasurement()
        for name in names { manager.counter("Requests", dimensions: [("user", name)]).increment() }
    }
    let theirs = Growing<PrometheusCollectorRegistry>()
    Benchmark("new series (counter + increment), into 0 to 10k series | prometheus", configuration: perNewSeries) { benchmark in
        if theirs.value == nil { theirs.value = PrometheusCollectorRegistry() }
        let registry = theirs.value!
        let names = theirs.nextNames(benchmark.scaledIterations.count)
        benchmark.startMeasurement()
        for name in names { registry.makeCounter(name: "requests", labels: [("user", name)]).increment() }
    }

    // MARK: memory per live series (heap bytes, malloc's accounting)

    // 10k series of one metric; and 1M, Prometheus' spread over metrics of
    // 100 (its creation cost grows with the series of a metric, see above).
    // (name, series, Prometheus' series per metric or nil for one metric, samples)
    let heapCases: [(String, Int, Int?, Int)] = [
        ("10k", seriesCount(10_000), nil, smoke ? 1 : 3),
        ("1M", seriesCount(1_000_000), 100, 1),
    ]
    for (label, live, perMetric, samples) in heapCases {
        let configuration = Benchmark.Configuration(
            metrics: [.custom("bytes per series", useScalingFactor: false)], warmupIterations: 0,
            maxIterations: samples)
        Benchmark("heap bytes per live counter series (\(label) series) | ours",
                  configuration: configuration) { benchmark in
            let names = (0..<live).map { "user-\($0)" }
            let manager = try await startedManager(limit: max(1_000_000, 2 * live))
            let before = heapBytesInUse()
            for name in names { _ = manager.counter("Requests", dimensions: [("user", name)]) }
            benchmark.measurement(.custom("bytes per series", useScalingFactor: false),
                                  (heapBytesInUse() - before) / names.count)
            withExtendedLifetime(manager) {}
        }
        Benchmark("heap bytes per live counter series (\(label) series) | prometheus",
                  configuration: configuration) { benchmark in
            let names = (0..<live).map { "user-\($0)" }
            let registry = PrometheusCollectorRegistry()
            let before = heapBytesInUse()
            for (index, name) in names.enumerated() {
                let metric = perMetric.map { "requests_\(index / $0)" } ?? "requests"
                _ = registry.makeCounter(name: metric, labels: [("user", name)])
            }
            benchmark.measurement(.custom("bytes per series", useScalingFactor: false),
                                  (heapBytesInUse() - before) / names.count)
            withExtendedLifetime(registry) {}
        }
    }

    // MARK: the window cut, and cut + encode + sign

    for full in [1_000, 10_000, 100_000, 1_000_000] {
        let count = seriesCount(full)
        let label = full < 1_000_000 ? "\(full / 1000)k" : "1M"
        // Ours: every series swapped to a new window and its snapshot built
        // (no sink). Prometheus: its exposition of every series (its only
        // way out), the closest operation it has.
        Benchmark("window cut, \(label) series | ours", configuration: whole) { benchmark in
            let manager = try await startedManager(limit: 2 * count)
            let counters = (0..<count).map { manager.counter("Requests", dimensions: [("user", "user-\($0)")]) }
            for counter in counters { counter.increment() }
            benchmark.startMeasurement()
            try await manager.flush(awaitingDelivery: true)
            benchmark.stopMeasurement()
            try await manager.shutdown()
        }
        // Built once and kept: Prometheus' cost per new label set grows with
        // the metric's series, so its series are spread over metrics of 100.
        let prometheus = Growing<(PrometheusCollectorRegistry, [Prometheus.Counter])>()
        Benchmark("window cut, \(label) series | prometheus", configuration: whole) { benchmark in
            if prometheus.value == nil {
                let registry = PrometheusCollectorRegistry()
                let counters = (0..<count).map {
                    registry.makeCounter(name: "requests_\($0 / 100)", labels: [("user", "user-\($0)")])
                }
                prometheus.value = (registry, counters)
            }
            let (registry, counters) = prometheus.value!
            for counter in counters { counter.increment() }
            var buffer: [UInt8] = []
            benchmark.startMeasurement()
            registry.emit(into: &buffer)
            benchmark.stopMeasurement()
            blackHole(buffer.count)
        }
    }
    let endToEnd = seriesCount(100_000)
    // In a task of low priority: package-benchmark waits for an async case
    // on a semaphore, holding one thread of the default-priority pool (two
    // threads on two cores), which would leave the sink's concurrent exports
    // one thread; the low-priority pool has both, as a program's would.
    Benchmark("cut + encode + sign, 100k series to PutMetricData | ours", configuration: whole) { benchmark in
        // The benchmark is used by one task at a time: this one, while the case's task waits.
        nonisolated(unsafe) let benchmark = benchmark
        try await Task.detached(priority: .low) {
            let client = SigningClient()
            let sink = CloudWatchSink(region: "us-east-1", namespace: "Bench", clientFactory: { client })
            let manager = try await startedManager(sinks: [sink])
            let counters = (0..<endToEnd).map { manager.counter("Requests", dimensions: [("user", "user-\($0)")]) }
            for counter in counters { counter.increment() }
            benchmark.startMeasurement()
            try await manager.flush(awaitingDelivery: true)
            benchmark.stopMeasurement()
            precondition(client.requests.load(ordering: .relaxed) == (endToEnd + 999) / 1000)
            try await manager.shutdown()
        }.value
    }

    // MARK: SHA-256 (compare.sh puts `openssl speed` beside it)

    // Through the public HMAC: the SHA-256 type itself is `package` (its name
    // would be ambiguous beside swift-crypto's). An HMAC of 1 MiB is one
    // SHA-256 pass over the MiB and one 64-byte block, plus three blocks of
    // the outer hash: about 0.1 µs more than the hash alone, against 0.8 ms.
    let mebibyte = [UInt8](repeating: 0x61, count: 1 << 20)
    let key = [UInt8](repeating: 0x6b, count: 32)
    Benchmark("sha256, 1 MiB | ours", configuration: whole) { _ in
        blackHole(HMACSHA256.authenticationCode(for: mebibyte, key: key))
    }

    // MARK: one request

    let datums = thousandDatums()
    Benchmark("encode + sign, one 1000-datum PutMetricData request | ours", configuration: whole) { benchmark in
        let client = SigningClient()
        let sink = CloudWatchSink(region: "us-east-1", namespace: "Bench", clientFactory: { client })
        try await sink.export(datums)   // the client made, the buffers grown
        benchmark.startMeasurement()
        try await sink.export(datums)
        benchmark.stopMeasurement()
    }
}
