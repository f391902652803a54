import MetricsCore
import Sinks
import Testing
import CloudWatchMetricsTestKit

@Suite("Bad input", .timeLimit(.minutes(3)))
struct RejectionTests {
    @Test("NaN, infinities, empty names and negative increments are rejected and counted, never recorded")
    func rejectedAndCounted() async throws {
        let memory = InMemorySink()
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: memory, configuration: .init(observer: observer))
        try await manager.start()

        manager.put("UserRecordsPut", .nan, stream: "s1")
        manager.put("UserRecordsPut", .infinity)
        manager.put("UserRecordsPut", -.infinity)
        manager.put("", 1)
        manager.gauge("Pending").set(.nan)
        manager.histogram("Latency").record(.infinity)
        manager.counter("Requests").increment(by: -1)
        let nameless = manager.counter("")
        nameless.increment()
        manager.put("UserRecordsPut", 1, stream: "s1")

        #expect(manager.stats().rejected == [.nonFiniteValue: 5, .emptyName: 2, .negativeIncrement: 1])
        try await manager.flush()
        #expect(observer.rejected == [.nonFiniteValue: 5, .emptyName: 2, .negativeIncrement: 1])
        // Each rejection names its metric (the nameless ones have none to name),
        // once a window, after the count.
        #expect(observer.rejectedMetrics == [.nonFiniteValue: ["UserRecordsPut", "Pending", "Latency"],
                                             .negativeIncrement: ["Requests"]])
        manager.gauge("Pending").set(.nan)
        manager.gauge("Pending").set(.nan)
        try await manager.flush()
        let named = observer.all.compactMap { event -> String? in
            if case .observationsRejectedFor(let metric, _) = event { return metric }
            return nil
        }
        #expect(named == ["UserRecordsPut", "Pending", "Latency", "Requests", "Pending"])

        try await manager.shutdown()
        let exported = memory.allSnapshots
        #expect(exported.count == 1)
        #expect(exported.first?.sum == 1)
        #expect(exported.allSatisfy { $0.sum.isFinite && $0.min.isFinite && $0.max.isFinite })
    }

    @Test("recording after shutdown is a counted no-op")
    func afterShutdown() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory)
        try await manager.start()
        let counter = manager.counter("Requests")
        let histogram = manager.histogram("Latency")
        try await manager.shutdown()
        counter.increment()
        histogram.record(1)
        manager.put("UserRecordsPut", 1)
        manager.gauge("New").set(1)
        #expect(manager.stats().rejected[.afterShutdown] == 4)
        #expect(memory.allSnapshots.isEmpty)
        try await manager.flush()  // a no-op after shutdown, not an error
    }
}
