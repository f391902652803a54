import CBenchSupport
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
            snapshotBenchmark(series: 10_000),
            snapshotBenchmark(series: 100_000),
            peekBenchmark(series: 100_000),
        ]
    }

    private static func manager() async throws -> MetricsManager {
        let manager = MetricsManager(level: .detailed, sink: NullSink(), uploadInterval: .seconds(3600))
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
