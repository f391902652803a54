import CWMAllocationCounter
import MetricsCore
import Sinks
import Testing

@Suite("Allocations on the hot path", .timeLimit(.minutes(3)))
struct AllocationTests {
    private func allocations(_ body: () -> Void) -> Int {
        allocation_counter_start()
        body()
        return allocation_counter_stop()
    }

    @Test("increment, set and record on pre-created instruments allocate nothing",
          .enabled(if: allocation_counter_available() == 1, "needs the glibc allocation counter"))
    func instrumentsDoNotAllocate() async throws {
        let manager = MetricsManager(level: .detailed, sink: NullSink())
        try await manager.start()
        let counter = manager.counter("Requests", dimensions: [("stream", "s1")])
        let gauge = manager.gauge("Pending")
        let lastValue = manager.gauge("Depth", statistics: false)
        let histogram = manager.histogram("Latency", unit: .milliseconds)
        histogram.record(12.5)  // touches the value's power-of-two range once

        let counted = allocations {
            for _ in 0..<100_000 { counter.increment() }
            for index in 0..<100_000 { counter.increment(by: index & 7) }
            for index in 0..<100_000 { gauge.set(Double(index)) }
            for index in 0..<100_000 { lastValue.set(Double(index)) }
            for index in 0..<100_000 { histogram.record(8 + Double(index % 8)) }
        }
        #expect(counted == 0)
        try await manager.shutdown()
    }

    @Test("put on an existing series allocates nothing",
          .enabled(if: allocation_counter_available() == 1, "needs the glibc allocation counter"))
    func putDoesNotAllocate() async throws {
        let manager = MetricsManager(level: .detailed, sink: NullSink())
        try await manager.start()
        let stream = "orders-stream"
        let shard = "shardId-000000000001"
        manager.put("UserRecordsPut", 1, stream: stream, shardId: shard)
        let counted = allocations {
            for _ in 0..<100_000 { manager.put("UserRecordsPut", 1, stream: stream, shardId: shard) }
        }
        #expect(counted == 0)
        try await manager.shutdown()
    }

    @Test("the counter is real: a creation does allocate",
          .enabled(if: allocation_counter_available() == 1, "needs the glibc allocation counter"))
    func counterCountsAllocations() async throws {
        let manager = MetricsManager(level: .detailed, sink: NullSink())
        let counted = allocations { _ = manager.counter("Fresh", dimensions: [("k", "v")]) }
        #expect(counted > 0)
    }
}
