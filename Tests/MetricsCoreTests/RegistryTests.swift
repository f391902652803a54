import CWMHTTPTestSupport
import MetricsCore
import Sinks
import Testing

@Suite("Series registry", .timeLimit(.minutes(3)))
struct RegistryTests {
    @Test("asking again returns the same series; kinds and dimensions tell series apart")
    func identity() {
        let manager = MetricsManager(level: .detailed, sink: NullSink())
        let a = manager.counter("Requests", dimensions: [("stream", "s1")])
        #expect(a === manager.counter("Requests", dimensions: [("stream", "s1")]))
        #expect(a !== manager.counter("Requests", dimensions: [("stream", "s2")]))
        #expect(a !== manager.counter("Requests"))
        // Order is part of the identity, as on the wire.
        let ab = manager.counter("X", dimensions: [("a", "1"), ("b", "2")])
        #expect(ab !== manager.counter("X", dimensions: [("b", "2"), ("a", "1")]))
        #expect(manager.histogram("Requests") !== manager.histogram("Requests", dimensions: [("stream", "s1")]))
        #expect(manager.stats().seriesCount == 7)
    }

    @Test("100k distinct series are created and found again")
    func manySeries() async throws {
        let memory = InMemorySink()
        // One metric name with 100k series: past the default per-metric limit.
        let manager = MetricsManager(level: .detailed, sink: memory,
                                     configuration: .init(cardinalityLimits: CardinalityLimits(perMetric: 100_000)))
        try await manager.start()
        // Long synchronous work runs off the cooperative pool (see onOwnThread).
        let counters = try await onOwnThread {
            (0..<100_000).map { manager.counter("Requests", dimensions: [("series", "s\($0)")]) }
        }
        #expect(manager.stats().seriesCount == 100_000)
        for index in stride(from: 0, to: 100_000, by: 997) {
            #expect(manager.counter("Requests", dimensions: [("series", "s\(index)")]) === counters[index])
        }
        for counter in counters { counter.increment() }
        try await manager.shutdown()
        #expect(memory.allSnapshots.count == 100_000)
        // Snapshots come out in creation order.
        #expect(memory.allSnapshots.first?.dimensions.first?.1 == "s0")
        #expect(memory.allSnapshots.last?.dimensions.first?.1 == "s99999")
    }

    @Test("put and counters share no series: put is a statistics-only histogram")
    func putSeries() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory)
        try await manager.start()
        manager.put("Requests", 5, stream: "s1")
        manager.counter("Requests", dimensions: [("stream", "s1")]).increment()
        try await manager.shutdown()
        #expect(Set(memory.allSnapshots.map(\.kind)) == [.counter, .histogram])
    }
}
