import AWSCore
import CCWMBenchSupport
import CloudWatchSink
import Foundation
import CWMLocking
import MetricsCore
import Sinks

/// A sink that never finishes an export: the backend is stuck.
private struct StuckSink: Sink {
    var name: String { "stuck" }
    func export(_ snapshots: [MetricSnapshot]) async throws {
        try await Task.sleep(for: .seconds(86_400))
    }
}

/// A CloudWatch client that is throttled until told otherwise, then records
/// when the first request succeeds.
private final class OutageClient: CloudWatchClient {
    let state = Locked<(up: Bool, recoveredAt: ContinuousClock.Instant?, firstSuccess: ContinuousClock.Instant?)>((false, nil, nil))

    func recover() { state.withLock { $0 = (true, ContinuousClock.now, nil) } }

    var recoveryTime: Duration? {
        state.withLock { state in
            guard let recovered = state.recoveredAt, let success = state.firstSuccess else { return nil }
            return recovered.duration(to: success)
        }
    }

    func putMetricData(namespace: String, metricData: [MetricDatum]) async throws {
        try state.withLock { state in
            guard state.up else { throw AWSError(code: "Throttling", message: "Rate exceeded", statusCode: 400) }
            if state.firstSuccess == nil { state.firstSuccess = ContinuousClock.now }
        }
    }
}

enum PipelineBenchmarks {
    static func all() -> [Benchmark] {
        [
            Benchmark("pipeline", "heap held with a stuck backend: 40 windows of 10k series, bound 8 MiB (MiB)",
                      unit: "MiB", repeats: 3) {
                let bound = 8 << 20
                let manager = MetricsManager(
                    level: .detailed, sink: StuckSink(), uploadInterval: .seconds(3600), shutdownTimeout: .milliseconds(100),
                        configuration: .init(batching: BatchingConfig(maxMemoryBytes: bound), observer: SilentObserver()))
                try await manager.start()
                let counters = (0..<10_000).map { manager.counter("Stuck", dimensions: [("series", "s\($0)")]) }
                for counter in counters { counter.increment() }
                try await manager.flush(awaitingDelivery: false)
                let before = bench_heap_bytes_in_use()
                for _ in 0..<40 {
                    for counter in counters { counter.increment() }
                    try await manager.flush(awaitingDelivery: false)
                }
                let after = bench_heap_bytes_in_use()
                let queued = manager.stats().sinks[0].memoryBytes
                precondition(queued <= bound)
                try await manager.shutdown()
                return Double(Int(after) - Int(before)) / Double(1 << 20)
            },
            Benchmark("pipeline", "recovery: backend back -> first export (s), 1 s windows, AWS standard backoff",
                      unit: "s", repeats: 5) {
                let client = OutageClient()
                let sink = CloudWatchSink(region: "us-east-1", clientFactory: { client })
                let manager = MetricsManager(level: .detailed, sink: sink, uploadInterval: .seconds(1),
                                             configuration: .init(observer: SilentObserver()))
                try await manager.start()
                let counter = manager.counter("Outage")
                let feeder = Task {
                    while !Task.isCancelled {
                        counter.increment()
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                }
                try await Task.sleep(for: .milliseconds(2500 + Int.random(in: 0..<1000)))  // the outage
                client.recover()
                while client.recoveryTime == nil { try await Task.sleep(for: .milliseconds(5)) }
                feeder.cancel()
                try await manager.shutdown()
                return client.recoveryTime!.nanoseconds / 1e9
            },
        ]
    }
}

/// Drops every event: benchmarks print figures, not warnings.
struct SilentObserver: MetricsObserver {
    func observe(_ event: MetricsEvent) {}
}

