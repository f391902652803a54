import Foundation
import MetricsCore
import MetricsCoreTestKit
import Sinks
import Testing

/// `flush()` and `shutdown()` tell the program, without an observer, what
/// was delivered and what was not (and why).
@Suite("Delivery reports")
struct DeliveryReportTests {
    @Test("flush reports delivery sink by sink, and a failing sink's drops with their reason and error")
    func flushReportsFailures() async throws {
        let memory = InMemorySink()
        let failing = FailingSink()
        let manager = MetricsManager(sinks: [memory, failing])
        try await manager.start()
        manager.counter("Requests").increment()
        manager.gauge("Pending").set(3)

        let report = try await manager.flush()
        #expect(report.sinks.map(\.name) == ["memory", "failing"])
        #expect(report.sinks.map(\.delivered) == [2, 0])
        #expect(report.sinks[1].dropped == [.retriesExhausted: 2])
        #expect(report.sinks[1].lastError == "injected failure")
        #expect(report.sinks[0].lastError == nil)
        #expect(report.isComplete)
        #expect(!report.isDelivered)
        #expect(report.delivered == 2 && report.dropped == 2)
        #expect("\(report)" == "memory: 2 delivered; failing: 0 delivered, 2 dropped (retriesExhausted); last error: injected failure")

        // The next flush reports only its own window; the old error is not repeated.
        manager.counter("Requests").increment()
        let second = try await manager.flush()
        #expect(second.sinks.map(\.delivered) == [1, 0])
        #expect(second.sinks[1].dropped == [.retriesExhausted: 1])

        let idle = try await manager.flush()
        #expect(idle.sinks.map(\.lastError) == [nil, nil])
        #expect(idle.isDelivered)
        _ = try await manager.shutdown()
    }

    @Test("shutdown reports what it could not deliver; an all-failed program can tell")
    func shutdownReportsFailures() async throws {
        let failing = FailingSink()
        let manager = MetricsManager(sinks: [failing])
        try await manager.start()
        manager.counter("Requests").increment()

        let report = try await manager.shutdown()
        #expect(!report.isDelivered)
        #expect(report.sinks.first?.dropped == [.retriesExhausted: 1])
        #expect(report.sinks.first?.lastError == "injected failure")
        #expect(try await manager.shutdown() == report)
    }

    @Test("a flush that does not wait names the queued window as pending")
    func flushWithoutWaiting() async throws {
        let blocking = BlockingSink()
        let manager = MetricsManager(sinks: [blocking], shutdownTimeout: .seconds(5))
        try await manager.start()
        manager.counter("Requests").increment()
        let report = try await manager.flush(awaitingDelivery: false)
        #expect(report.pending == ["blocking": 1])
        #expect(!report.isComplete)
        blocking.release()
        let final = try await manager.shutdown()
        #expect(final.delivered == 1)
    }
}
