import CCWMBenchSupport
import CloudWatchSink
import Foundation
import MetricsCore
#if canImport(Glibc)
import Glibc
#endif

/// How the costs grow with the number of live series: 10k, 100k and 1M
/// counters of one metric, each incremented once, then one window cut,
/// encoded into PutMetricData requests and signed (nothing sent). Per series,
/// so that linear growth shows as a flat row.
enum ScaleBenchmarks {
    static let sizes = [10_000, 100_000, 1_000_000]

    static func all() -> [Benchmark] {
        sizes.flatMap { size -> [Benchmark] in
            let label = size >= 1_000_000 ? "\(size / 1_000_000)M" : "\(size / 1000)k"
            return [
                Benchmark("scale", "create \(label) live series (ns per series)", repeats: 3) {
                    try await run(size).create
                },
                Benchmark("scale", "heap per live counter series, \(label) series (bytes)", unit: "bytes", repeats: 3) {
                    try await run(size).heap
                },
                Benchmark("scale", "cut + encode + sign \(label) series to PutMetricData (ns per series)", repeats: 3) {
                    try await run(size).export
                },
            ]
        } + [
            Benchmark("scale", "peak RSS of this process after the 1M-series runs (MiB)", unit: "MiB", repeats: 1) {
                var usage = rusage()
                getrusage(RUSAGE_SELF.rawValue, &usage)
                return Double(usage.ru_maxrss) / 1024   // KiB on Linux
            },
        ]
    }

    /// One manager of `size` counters: nanoseconds per series to create and
    /// increment them, heap bytes per series then, and nanoseconds per
    /// series for the cut, encoding and signing of one window.
    private static func run(_ size: Int) async throws -> (create: Double, heap: Double, export: Double) {
        let client = SigningClient()
        let sink = CloudWatchSink(region: "us-east-1", namespace: "Bench", clientFactory: { client })
        // No cardinality limit and a queue bound above the window's size:
        // every series is its own, and nothing is dropped.
        let manager = MetricsManager(
            level: .detailed, sink: sink, uploadInterval: .seconds(3600),
            configuration: .init(batching: BatchingConfig(maxMemoryBytes: 4 << 30), observer: SilentObserver(),
                                 seriesExpiry: nil, cardinalityLimits: nil))
        try await manager.start()
        let names = (0..<size).map { "user-\($0)" }
        let clock = ContinuousClock()
        let heapBefore = bench_heap_bytes_in_use()
        var started = clock.now
        var counters: [Counter] = []
        counters.reserveCapacity(size)
        for name in names {
            let counter = manager.counter("Requests", dimensions: [("user", name)])
            counter.increment()
            counters.append(counter)
        }
        let create = started.duration(to: clock.now)
        // The handles' array is the caller's, not the series': left out.
        let heap = Double(Int(bench_heap_bytes_in_use()) - Int(heapBefore) - size * MemoryLayout<Counter>.stride) / Double(size)
        started = clock.now
        try await manager.flush(awaitingDelivery: true)
        let export = started.duration(to: clock.now)
        precondition(manager.stats().sinks[0].exported == size, "every series exported")
        try await manager.shutdown()
        return (nanoseconds(create) / Double(size), heap, nanoseconds(export) / Double(size))
    }

    private static func nanoseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
    }
}
