import CCWMBenchSupport
import Foundation
import MetricsCore
import Sinks
import Synchronization

/// A bare relaxed atomic, the floor every instrument is compared with.
final class BareAtomic: Sendable {
    let value = Atomic<Int>(0)
}

enum CoreBenchmarks {
    static let operations = 10_000_000

    static func all() -> [Benchmark] {
        [
            Benchmark("core", "baseline: Atomic<Int>.wrappingAdd(.relaxed), 1 thread") {
                let atomic = BareAtomic()
                return nanosecondsPerOperation(operations) {
                    for _ in 0..<operations { atomic.value.wrappingAdd(1, ordering: .relaxed) }
                }
            },
            Benchmark("core", "counter.increment(), 1 thread") {
                let counter = try await manager().counter("Requests", dimensions: [("stream", "s1")])
                return nanosecondsPerOperation(operations) {
                    for _ in 0..<operations { counter.increment() }
                }
            },
            Benchmark("core", "baseline: Atomic<Int>.wrappingAdd(.relaxed), 2 threads, one atomic (wall/total)") {
                let atomic = BareAtomic()
                let perThread = operations / 2
                return wallNanoseconds(threads: 2) { _ in
                    for _ in 0..<perThread { atomic.value.wrappingAdd(1, ordering: .relaxed) }
                } / Double(operations)
            },
            Benchmark("core", "counter.increment(), 2 threads, one counter (wall/total)") {
                let counter = try await manager().counter("Requests")
                let perThread = operations / 2
                return wallNanoseconds(threads: 2) { _ in
                    for _ in 0..<perThread { counter.increment() }
                } / Double(operations)
            },
            Benchmark("core", "histogram.record(_:), 1 thread") {
                let histogram = try await manager().histogram("RequestTime", unit: .milliseconds)
                let count = operations / 4
                return nanosecondsPerOperation(count) {
                    for index in 0..<count { histogram.record(Double(index & 1023) * 0.25 + 1) }
                }
            },
            Benchmark("core", "gauge.set(_:), 1 thread") {
                let gauge = try await manager().gauge("UserRecordsPending")
                let count = operations / 4
                return nanosecondsPerOperation(count) {
                    for index in 0..<count { gauge.set(Double(index)) }
                }
            },
            Benchmark("core", "put(name, value, stream:, shardId:), existing series") {
                let manager = try await manager()
                let stream = "orders-stream"
                let shard = "shardId-000000000001"
                let count = operations / 10
                return nanosecondsPerOperation(count) {
                    for _ in 0..<count { manager.put("UserRecordsPut", 1, stream: stream, shardId: shard) }
                }
            },
            Benchmark("core", "put(name, value, stream:, shardId:), existing series, cardinality guard off") {
                let manager = try await manager(limits: nil)
                let stream = "orders-stream"
                let shard = "shardId-000000000001"
                let count = operations / 10
                return nanosecondsPerOperation(count) {
                    for _ in 0..<count { manager.put("UserRecordsPut", 1, stream: stream, shardId: shard) }
                }
            },
            Benchmark("core", "create 100k new series (ns per series)", repeats: 5) {
                let manager = try await manager()
                let names = (0..<100_000).map { "s\($0)" }
                return nanosecondsPerOperation(names.count) {
                    for name in names { _ = manager.counter("Requests", dimensions: [("series", name)]) }
                }
            },
            Benchmark("core", "heap per live counter series, 100k series (malloc'd bytes)", unit: "bytes", repeats: 3) {
                let names = (0..<100_000).map { "series-\($0)" }
                let manager = try await manager()
                let before = bench_heap_bytes_in_use()
                for name in names { _ = manager.counter("Requests", dimensions: [("series", name)]) }
                let after = bench_heap_bytes_in_use()
                withExtendedLifetime(manager) {}
                return Double(Int(after) - Int(before)) / Double(names.count)
            },
            snapshotBenchmark(series: 1_000),
            snapshotBenchmark(series: 10_000),
            snapshotBenchmark(series: 100_000),
            peekBenchmark(series: 100_000),
            Benchmark("core", "1M distinct series, 1k live at a time (expiry: 1 window): peak heap growth (MiB)",
                      unit: "MiB", repeats: 3) {
                try await churn().peak
            },
            Benchmark("core", "1M distinct series, 1k live at a time: ns per new series, cuts included", repeats: 3) {
                try await churn().nanosecondsPerSeries
            },
        ]
    }

    /// 1,000 windows of 1,000 new series each (a user id per window, say),
    /// with expiry after one idle window: the heap's growth over the run,
    /// sampled at every window, against 218 bytes x 1M = 208 MiB if every
    /// series lived on.
    private static func churn() async throws -> (peak: Double, nanosecondsPerSeries: Double) {
        let manager = MetricsManager(level: .detailed, sink: NullSink(), uploadInterval: .seconds(3600),
                                     configuration: .init(observer: SilentObserver(), seriesExpiry: 1))
        try await manager.start()
        let names = (0..<1_000_000).map { "user-\($0)" }
        let before = Int(bench_heap_bytes_in_use())
        var peak = 0
        let clock = ContinuousClock()
        let started = clock.now
        for window in 0..<1_000 {
            for index in 0..<1_000 {
                manager.counter("Churn", dimensions: [("user", names[window * 1_000 + index])]).increment()
            }
            peak = max(peak, Int(bench_heap_bytes_in_use()) - before)
            try await manager.flush(awaitingDelivery: false)
        }
        let elapsed = started.duration(to: clock.now)
        try await manager.shutdown()
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        return (Double(peak) / 1_048_576, nanoseconds / 1e6)
    }

    /// The benchmarks' manager: limits high enough for their 100k series of
    /// one name (the guard stays on the path), or none.
    private static func manager(limits: CardinalityLimits? = CardinalityLimits(perMetric: 1_000_000, total: 1_000_000))
        async throws -> MetricsManager {
        let manager = MetricsManager(level: .detailed, sink: NullSink(), uploadInterval: .seconds(3600),
                                     configuration: .init(cardinalityLimits: limits))
        try await manager.start()
        return manager
    }

    /// A full cut (every series swapped to a new window, snapshots built,
    /// handed to the sink's worker and exported to a NullSink). Series are
    /// created once; each run increments all of them, then times the flush.
    private static func snapshotBenchmark(series: Int) -> Benchmark {
        let fixture = Fixture(series: series)
        return Benchmark("core", "flush() of \(series / 1000)k active series (ns per series)", repeats: 7) {
            let (manager, counters) = try await fixture.get()
            for counter in counters { counter.increment() }
            return try await nanosecondsPerOperation(series) { try await manager.flush() }
        }
    }

    private static func peekBenchmark(series: Int) -> Benchmark {
        let fixture = Fixture(series: series)
        return Benchmark("core", "snapshots() of \(series / 1000)k active series, no reset (ns per series)", repeats: 7) {
            let (manager, counters) = try await fixture.get()
            for counter in counters { counter.increment() }
            return nanosecondsPerOperation(series) { _ = manager.snapshots() }
        }
    }

    /// A manager with `series` counters, built on first use and kept.
    final class Fixture: @unchecked Sendable {
        let series: Int
        private var built: (MetricsManager, [Counter])?
        init(series: Int) { self.series = series }

        func get() async throws -> (MetricsManager, [Counter]) {
            if let built { return built }
            let manager = try await CoreBenchmarks.manager()
            let counters = (0..<series).map { manager.counter("Requests", dimensions: [("series", "s\($0)")]) }
            built = (manager, counters)
            return (manager, counters)
        }
    }
}
