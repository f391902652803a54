import CoreMetrics
import MetricsCore
import CloudWatchMetricsTestKit
import Sinks
@testable import SwiftMetricsBackend
import Testing

/// The backend's cache of handlers stays within the manager's bounds: it
/// neither bypasses the cardinality guard nor keeps expired series alive.
@Suite("swift-metrics backend: the handler cache is bounded", .timeLimit(.minutes(1)))
struct HandlerCacheTests {
    @Test("labels from outside input: the cache keeps at most the manager's total of handlers, and every increment still counts")
    func boundedByTheGuard() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory, uploadInterval: .seconds(3600),
                                     configuration: .init(cardinalityLimits: CardinalityLimits(perMetric: 5, total: 10)))
        try await manager.start()
        let factory = MetricsManagerFactory(manager: manager)
        for user in 0..<1_000 {
            CoreMetrics.Counter(label: "requests", dimensions: [("user", "\(user)")], factory: factory).increment()
        }
        #expect(factory.handlers.count <= 10)
        #expect(manager.stats().seriesCount <= 11, "5 users and the overflow series")
        try await manager.flush()
        try await manager.shutdown()
        #expect(memory.snapshots(named: "requests").reduce(0) { $0 + $1.sum } == 1_000)
    }

    @Test("a series the manager expired: the cache lets go of its handler at the next sweep, and the series is freed")
    func expiredHandlerReleased() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory, uploadInterval: .seconds(3600),
                                     configuration: .init(seriesExpiry: 1))
        try await manager.start()
        let factory = MetricsManagerFactory(manager: manager, timerUnit: .milliseconds, sweepInterval: 1)
        weak var series: MetricsCore.Counter?
        do {
            let handler = factory.makeCounter(label: "transient", dimensions: [])
            handler.increment(by: 1)
            series = (handler as? CounterBox)?.counter
        }
        #expect(series != nil)
        try await manager.flush()                      // exported
        try await manager.flush()                      // idle for a window: expired
        #expect(series?.isExpired == true)
        CoreMetrics.Counter(label: "other", factory: factory).increment()   // a new handler: the cache sweeps
        #expect(series == nil, "the cache still holds the expired series")
        #expect(factory.handlers.count == 1)
        try await manager.shutdown()
        #expect(memory.snapshots(named: "transient").map { $0.sum } == [1])
    }
}
