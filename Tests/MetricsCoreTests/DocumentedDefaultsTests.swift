import CloudWatchMetricsTestKit
import Foundation
import CWMHTTPTestSupport
import MetricsCore
import MetricsCoreTestKit
import Sinks
import Testing

/// The defaults README.md and Docs/cardinality.md state, through a manager
/// configured with nothing but a clock: each test fails if a default moves.
@Suite("Documented defaults", .timeLimit(.minutes(3)))
struct DocumentedDefaultsTests {
    private func defaultManager(_ memory: InMemorySink, _ clock: ManualClock) -> MetricsManager {
        MetricsManager(level: .detailed, sink: memory, uploadInterval: .seconds(60),
                       configuration: .init(clock: clock, wallClock: clock.wallClock))
    }

    @Test("an idle series expires after 5 windows, not 4")
    func expiryAfterFiveWindows() async throws {
        let clock = ManualClock()
        let memory = InMemorySink()
        let manager = defaultManager(memory, clock)
        try await manager.start()
        manager.counter("Requests", dimensions: [("user", "u1")]).increment()
        try await manager.flush()                       // observed
        for idle in 1...4 {
            try await manager.flush()
            #expect(manager.stats().seriesCount == 1, "still live after \(idle) idle window(s)")
        }
        try await manager.flush()                       // idle 5: removed
        #expect(manager.stats().seriesCount == 0)
        #expect(manager.stats().expiredSeries == 1)
        try await manager.shutdown()
    }

    @Test("the guard: 10,000 series of one metric, then new values fold into Other")
    func perMetricGuard() async throws {
        let clock = ManualClock()
        let memory = InMemorySink()
        let manager = defaultManager(memory, clock)
        try await manager.start()
        // Off the cooperative pool (onOwnThread): thousands of new series take
        // seconds in a debug build and would delay other suites' deadlines.
        try await onOwnThread {
            for user in 0..<10_001 { manager.counter("Logins", dimensions: [("user", "u\(user)")]).increment() }
        }
        try await manager.flush()
        let logins = memory.snapshots(named: "Logins")
        #expect(logins.count == 10_001)                 // 10,000 own series and the overflow series
        #expect(logins.filter { $0.dimensions.first?.1 == "Other" }.map(\.sum) == [1])
        try await manager.shutdown()
    }

    @Test("the guard: 100,000 series in all, then new values of a metric fold into its Other, and new names into OtherMetrics")
    func totalGuard() async throws {
        let clock = ManualClock()
        let memory = InMemorySink()
        let manager = defaultManager(memory, clock)
        try await manager.start()
        // 10 metrics of 10,000 series each: every one within its metric's
        // limit. Off the cooperative pool, as above.
        try await onOwnThread {
            for metric in 0..<10 {
                for user in 0..<10_000 { manager.counter("M\(metric)", dimensions: [("user", "u\(user)")]).increment() }
            }
            manager.counter("M9", dimensions: [("user", "new")]).increment(by: 3)    // the 100,001st series
            manager.counter("M10", dimensions: [("user", "u0")]).increment(by: 7)   // a new name past the total
        }
        try await manager.flush()
        #expect(memory.snapshots(named: "M9").count == 10_001)
        #expect(memory.snapshots(named: "M9").filter { $0.dimensions.map(\.1) == ["Other"] }.map(\.sum) == [3])
        #expect(memory.snapshots(named: "M10").isEmpty)
        #expect(memory.snapshots(named: "OtherMetrics").map { $0.dimensions.count } == [0])
        #expect(memory.snapshots(named: "OtherMetrics").map(\.sum) == [7])
        try await manager.shutdown()
    }

    @Test("without an observer, problems go to standard error at most one line per kind every 10 s, with a count of the rest")
    func standardErrorRateLimit() async throws {
        // In a child process, whose standard error the test reads.
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            let clock = ManualClock()
            let manager = MetricsManager(level: .detailed, sink: FailingSink(name: "down"), uploadInterval: .seconds(60),
                                         configuration: .init(clock: clock, wallClock: clock.wallClock))
            try await manager.start()
            let counter = manager.counter("Requests")
            for _ in 0..<3 {                            // three failures inside one 10 s: one line of each kind
                counter.increment()
                try await manager.flush()
            }
            clock.advance(by: .milliseconds(9_999))
            counter.increment()
            try await manager.flush()                   // 9.999 s later: still held back
            clock.advance(by: .milliseconds(1))
            counter.increment()
            try await manager.flush()                   // 10 s after the first line: the next, with the count
            try await manager.shutdown()
        }
        let text = String(decoding: try #require(result?.standardErrorContent), as: UTF8.self)
        let failed = text.split(separator: "\n").filter { $0.hasPrefix("metrics: sink down export failed") }
        #expect(failed.count == 2, "\(text)")
        #expect(failed.last?.hasSuffix("(3 similar message(s) suppressed)") == true, "\(text)")
        let dropped = text.split(separator: "\n").filter { $0.hasPrefix("metrics: sink down dropped") }
        #expect(dropped.count == 2, "\(text)")
    }
}
