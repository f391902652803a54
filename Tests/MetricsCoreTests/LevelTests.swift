import CWMAllocationCounter
import Foundation
import MetricsCore
import MetricsCoreTestKit
import Sinks
import Testing

@Suite("Levels", .timeLimit(.minutes(3)))
struct LevelTests {
    @Test("none records nothing, starts nothing and allocates nothing in put")
    func noneIsInert() async throws {
        let sink = CountingSink()
        let manager = MetricsManager(level: .none, sinks: [sink])
        try await manager.start()

        if allocation_counter_available() == 1 {
            allocation_counter_start()
            for index in 0..<10_000 {
                manager.put("UserRecordsPut", Double(index), stream: "s1", shardId: "shard", errorCode: "E")
            }
            let allocations = allocation_counter_stop()
            #expect(allocations == 0)
        }
        manager.counter("Requests").increment()
        manager.gauge("Pending").set(4)
        manager.histogram("Latency").record(1)

        try await manager.flush()
        try await manager.shutdown()
        #expect(manager.snapshots().isEmpty)
        #expect(manager.stats().seriesCount == 0)
        #expect(manager.stats().sinks.isEmpty)
        #expect(sink.starts == 0)
        #expect(sink.exports == 0)
        #expect(sink.shutdowns == 0)
    }

    @Test("a manager made with sinks and no level records and exports")
    func detailedIsDefault() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(sinks: [memory])
        #expect(manager.level == .detailed)
        try await manager.start()
        manager.put("UserRecordsPut", 1, stream: "s1", shardId: "shard-1")
        try await manager.shutdown()
        let snapshots = memory.snapshots(named: "UserRecordsPut")
        #expect(snapshots.map(\.count) == [1])
        #expect(snapshots.first.map { $0.dimensions.map(\.0) } == ["stream", "shard"])
    }

    @Test("summary keeps only the summary dimensions and merges the rest")
    func summaryDropsDimensions() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .summary, sink: memory)
        try await manager.start()
        manager.put("UserRecordsPut", 1, stream: "s1", shardId: "shard-1", errorCode: "E1")
        manager.put("UserRecordsPut", 2, stream: "s1", shardId: "shard-2")
        manager.put("UserRecordsPut", 4, stream: "s2", shardId: "shard-1")
        let a = manager.counter("Requests", dimensions: [("stream", "s1"), ("host", "a")])
        let b = manager.counter("Requests", dimensions: [("host", "b"), ("stream", "s1")])
        #expect(a === b)
        a.increment()
        b.increment()
        try await manager.shutdown()

        let put = memory.snapshots(named: "UserRecordsPut")
        #expect(put.count == 2)
        let s1 = try #require(put.first { $0.dimensions.first?.1 == "s1" })
        #expect(s1.dimensions.map(\.0) == ["stream"])
        #expect(s1.count == 2)
        #expect(s1.sum == 3)
        let requests = memory.snapshots(named: "Requests")
        #expect(requests.count == 1)
        #expect(requests[0].dimensions.map(\.0) == ["stream"])
        #expect(requests[0].count == 2)
    }

    @Test("summary dimensions are configurable")
    func summaryDimensionsConfigurable() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .summary, sink: memory,
                                     configuration: .init(summaryDimensions: ["stream", "error_code"]))
        try await manager.start()
        manager.put("ErrorsByCode", 1, stream: "s1", shardId: "shard-1", errorCode: "Throttled")
        try await manager.shutdown()
        #expect(memory.allSnapshots.map { $0.dimensions.map(\.0) } == [["stream", "error_code"]])
    }

    @Test("detailed keeps every dimension in the original's order")
    func detailedKeepsAll() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory)
        try await manager.start()
        manager.put("ErrorsByCode", 1, stream: "s1", shardId: "shardId-000000000001", errorCode: "E")
        try await manager.shutdown()
        let dims = try #require(memory.allSnapshots.first).dimensions
        #expect(dims.map(\.0) == ["stream", "shard", "error_code"])
        #expect(dims.map(\.1) == ["s1", "shardId-000000000001", "E"])
    }
}
