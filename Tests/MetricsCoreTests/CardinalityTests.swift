import CloudWatchCommon
import Foundation
import CWMHTTPTestSupport
import CWMLocking
import MetricsCore
import CloudWatchMetricsTestKit
import Sinks
import Testing

/// A sink billed like PutMetricData or EMF, for the estimate through a manager.
private struct BilledSink: CloudWatchBilledSink {
    let name: String
    let billing: SinkBilling
    func export(_ snapshots: [MetricSnapshot]) async throws {}
}

private func manager(_ memory: InMemorySink, clock: ManualClock, observer: RecordingObserver? = nil,
                     level: MetricsLevel = .detailed, expiry: Int? = 2,
                     limits: CardinalityLimits? = CardinalityLimits()) -> MetricsManager {
    MetricsManager(level: level, sink: memory, uploadInterval: .seconds(60),
                   configuration: .init(summaryDimensions: ["stream"], observer: observer, clock: clock,
                                        wallClock: clock.wallClock, seriesExpiry: expiry, cardinalityLimits: limits))
}

@Suite("Idle-series expiry", .timeLimit(.minutes(3)))
struct ExpiryTests {
    @Test("a series idle for N windows (flush() counts) is removed and no longer exported; a held handle revives it")
    func expiryWithHeldHandle() async throws {
        let clock = ManualClock()
        let memory = InMemorySink()
        let observer = RecordingObserver()
        let manager = manager(memory, clock: clock, observer: observer)
        try await manager.start()
        let held = manager.counter("Requests", dimensions: [("stream", "s1")])
        held.increment()
        try await manager.flush()                      // observed
        #expect(manager.stats().seriesCount == 1)
        try await manager.flush()                      // idle 1
        #expect(manager.stats().seriesCount == 1)
        try await manager.flush()                      // idle 2: removed
        #expect(manager.stats().seriesCount == 0)
        #expect(manager.stats().expiredSeries == 1)
        #expect(observer.all.contains { if case .seriesExpired(1) = $0 { true } else { false } })

        held.increment(by: 4)                          // through the held handle: back at the next cut
        try await manager.flush()
        #expect(manager.stats().seriesCount == 1)
        #expect(manager.counter("Requests", dimensions: [("stream", "s1")]) === held)
        try await manager.shutdown()
        #expect(memory.snapshots(named: "Requests").map(\.sum) == [1, 4])
    }

    @Test("a handle recording after its identity was created again: both series are exported, nothing lost")
    func reviveBesideNewSeries() async throws {
        let clock = ManualClock()
        let memory = InMemorySink()
        let manager = manager(memory, clock: clock, expiry: 1)
        try await manager.start()
        let old = manager.counter("Requests")
        old.increment()
        try await manager.flush()
        try await manager.flush()                      // idle 1: removed
        let new = manager.counter("Requests")          // a new series of the same identity
        #expect(new !== old)
        new.increment(by: 2)
        old.increment(by: 3)
        try await manager.flush()
        #expect(manager.stats().seriesCount == 2)
        try await manager.shutdown()
        #expect(memory.snapshots(named: "Requests").map(\.sum).reduce(0, +) == 6)
    }

    @Test("observations racing the cuts are never lost: a thread increments in bursts while windows are cut with expiry 1")
    func raceWithCuts() async throws {
        let clock = ManualClock()
        let memory = InMemorySink()
        let manager = manager(memory, clock: clock, expiry: 1)
        try await manager.start()
        let counter = manager.counter("Raced")
        let stop = Locked(false)
        let recorded = Locked<Int?>(nil)
        let cuts = Locked(0)
        // A thread of its own: bursts of 100, each followed by a pause of 0,
        // 1 or 2 cuts, counted rather than timed (under ThreadSanitizer on a
        // busy machine a cut can outlast any fixed pause). A burst with no
        // pause races the cut; a pause of two cuts leaves a window empty, so
        // the series is retired and the next burst lands on a retired series.
        // It runs until the series was retired 20 times (or 30 s passed).
        let recorder = Thread {
            var count = 0
            while !stop.withLock({ $0 }) {
                counter.increment()
                count += 1
                if count % 100 == 0 {
                    let until = cuts.withLock { $0 } + count / 100 % 3
                    while cuts.withLock({ $0 }) < until, !stop.withLock({ $0 }) { usleep(100) }
                }
            }
            recorded.withLock { $0 = count }
        }
        recorder.start()
        let deadline = ContinuousClock.now + .seconds(30)
        while manager.stats().expiredSeries < 20, ContinuousClock.now < deadline {
            try await manager.flush()
            cuts.withLock { $0 += 1 }
        }
        stop.withLock { $0 = true }
        while recorded.withLock({ $0 }) == nil { try await manager.flush() }
        try await manager.shutdown()
        #expect(manager.stats().expiredSeries >= 20, "the series must be retired many times for the test to mean anything")
        #expect(memory.snapshots(named: "Raced").reduce(0) { $0 + $1.count } == recorded.withLock { $0 ?? -1 })
    }

    @Test("1M distinct short-lived series, 1k live at a time: the registry holds the live ones and frees the rest")
    func churn() async throws {
        let clock = ManualClock()
        let manager = MetricsManager(level: .detailed, sink: NullSink(), uploadInterval: .seconds(60),
                                     configuration: .init(clock: clock, wallClock: clock.wallClock, seriesExpiry: 1))
        try await manager.start()
        var watched: [WeakCounter] = []
        var peak = 0
        for window in 0..<1_000 {
            // The synchronous part off the cooperative pool (see onOwnThread):
            // other suites' deadlines run there.
            let first = try await onOwnThread { () -> WeakCounter in
                var first: WeakCounter?
                for index in 0..<1_000 {
                    let counter = manager.counter("Churn", dimensions: [("user", "u\(window * 1_000 + index)")])
                    counter.increment()
                    if index == 0 { first = WeakCounter(counter) }
                }
                return first!
            }
            watched.append(first)
            peak = max(peak, manager.stats().seriesCount)
            try await manager.flush(awaitingDelivery: false)   // a window: the previous one's series are now idle
        }
        #expect(peak <= 2_000)
        #expect(manager.stats().seriesCount <= 1_000)
        #expect(manager.stats().expiredSeries >= 999_000)
        // Expired series are freed: only the last window's may still be alive.
        #expect(watched.filter { $0.counter != nil }.count <= 1)
        try await manager.shutdown()
    }
}

private final class WeakCounter: @unchecked Sendable {
    weak var counter: Counter?
    init(_ counter: Counter) { self.counter = counter }
}

@Suite("Cardinality guard", .timeLimit(.minutes(3)))
struct CardinalityGuardTests {
    @Test("past the per-metric limit new series fold into the overflow series: totals kept, folds reported once per window")
    func perMetricLimit() async throws {
        let clock = ManualClock()
        let memory = InMemorySink()
        let observer = RecordingObserver()
        let manager = manager(memory, clock: clock, observer: observer, expiry: nil,
                              limits: CardinalityLimits(perMetric: 3, total: 100))
        try await manager.start()
        for user in 0..<10 {
            manager.counter("Logins", dimensions: [("user", "u\(user)"), ("region", "eu")]).increment(by: user + 1)
        }
        manager.put("Put", 1, stream: "s1")
        manager.put("Put", 1, stream: "s2")
        manager.put("Put", 1, stream: "s3")
        manager.put("Put", 1, stream: "s4")        // folded
        manager.put("Put", 1, stream: "s5")        // folded
        try await manager.flush()
        let logins = memory.snapshots(named: "Logins")
        #expect(logins.count == 4)
        #expect(logins.map(\.sum).reduce(0, +) == 55)          // 1 + 2 + ... + 10: nothing lost
        let overflow = try #require(logins.first { $0.dimensions.first?.1 == "Other" })
        #expect(overflow.dimensions.map(\.0) == ["user", "region"])
        #expect(overflow.dimensions.map(\.1) == ["Other", "Other"])
        #expect(overflow.sum == 4 + 5 + 6 + 7 + 8 + 9 + 10)
        #expect(memory.snapshots(named: "Put").map(\.count).reduce(0, +) == 5)
        #expect(manager.stats().foldedSeries == 9)
        let folds = observer.all.compactMap { event -> String? in
            if case .seriesFolded(let metric, let count) = event { return "\(metric):\(count)" }
            return nil
        }
        #expect(folds == ["Logins:7", "Put:2"])
        try await manager.flush()                             // no new folds: no event
        #expect(observer.all.filter { if case .seriesFolded = $0 { true } else { false } }.count == 2)
        try await manager.shutdown()
    }

    @Test("the total limit counts distinct names: past it a new name, with dimensions or without, folds into the catch-all series; a metric with series into its own overflow; existing series untouched")
    func totalLimit() async throws {
        let clock = ManualClock()
        let memory = InMemorySink()
        let manager = manager(memory, clock: clock, expiry: nil, limits: CardinalityLimits(perMetric: 100, total: 2))
        try await manager.start()
        let first = manager.counter("A", dimensions: [("k", "1")])
        manager.counter("B", dimensions: [("k", "1")]).increment()
        manager.counter("B", dimensions: [("k", "2")]).increment()          // folded: B{k=Other}
        manager.counter("C", dimensions: [("k", "1")]).increment()          // a new name: OtherMetrics
        for user in 0..<1_000 { manager.counter("user-\(user)").increment() }  // names from input: OtherMetrics
        first.increment()
        #expect(manager.stats().seriesCount == 4, "A, B, B{Other}, OtherMetrics")
        try await manager.flush()
        try await manager.shutdown()
        #expect(memory.snapshots(named: "B").map { $0.dimensions.map(\.1) }.sorted { $0[0] < $1[0] } == [["1"], ["Other"]])
        #expect(memory.snapshots(named: "C").isEmpty && memory.snapshots(named: "user-0").isEmpty)
        #expect(memory.snapshots(named: "OtherMetrics").map(\.sum) == [1_001])
        #expect(memory.snapshots(named: "OtherMetrics").first?.dimensions.isEmpty == true)
        #expect(memory.snapshots(named: "A").map(\.sum) == [1])
        #expect(manager.stats().foldedSeries == 1_002)
    }

    @Test("at level summary the limit applies to the series left after dimensions are dropped")
    func summaryLevel() async throws {
        let clock = ManualClock()
        let memory = InMemorySink()
        let manager = manager(memory, clock: clock, level: .summary, expiry: nil,
                              limits: CardinalityLimits(perMetric: 2, total: 100))
        try await manager.start()
        for user in 0..<50 {
            manager.counter("Hits", dimensions: [("stream", "s\(user % 2)"), ("user", "u\(user)")]).increment()
        }
        try await manager.flush()
        try await manager.shutdown()
        // Only `stream` is kept at summary: two series, under the limit, nothing folded.
        #expect(memory.snapshots(named: "Hits").map(\.sum).sorted() == [25, 25])
        #expect(manager.stats().foldedSeries == 0)
    }
}

@Suite("Cost estimate", .timeLimit(.minutes(3)))
struct CostEstimateTests {
    @Test("tiered metric prices, requests and ingestion, by hand")
    func arithmetic() {
        let prices = CloudWatchPrices.usEast1
        #expect(prices.metricsPerMonth(12_345) == 10_000 * 0.30 + 2_345 * 0.10)
        #expect(abs(prices.metricsPerMonth(1_200_000) - (3_000 + 24_000 + 37_500 + 200_000 * 0.02)) < 1e-6)
        let estimate = CostEstimate(series: 12_345, uploadInterval: .seconds(60), billing: [.putMetricData(datumsPerRequest: 1000)])
        #expect(estimate.datumsPerMinute == 12_345)
        #expect(estimate.requestsPerMinute == 13)
        #expect(abs(estimate.requestsPerMonth - 13 * 43_800 / 1000 * 0.01) < 1e-9)    // $5.694
        #expect(abs(estimate.totalPerMonth - (3_234.5 + 5.694)) < 1e-9)
        // Docs/cardinality.md shows this very line.
        #expect("\(estimate)" == "12345 series, 12345 datums and 13 PutMetricData requests a minute: "
                + "about $3240.19 a month (metrics $3234.50, requests $5.69, ingestion $0.00)")
        let fast = CostEstimate(series: 10, uploadInterval: .seconds(10), billing: [.putMetricData(datumsPerRequest: 1000)])
        #expect(fast.windowsPerMinute == 6 && fast.requestsPerMinute == 6)
        let emf = CostEstimate(series: 100, uploadInterval: .seconds(60), billing: [.logIngestion(measure: { _ in 1_073_741 })],
                               sample: [])
        #expect(emf.emfBytesPerMinute == 1_073_741)
        #expect(abs(emf.ingestionPerMonth - 1_073_741 * 43_800 / 1_073_741_824 * 0.5) < 1e-9)   // ~$21.90
        #expect(emf.requestsPerMonth == 0 && emf.metricsPerMonth == 30)
        #expect(CostEstimate(series: 500, uploadInterval: .seconds(60), billing: [.none]).totalPerMonth == 0)
    }

    @Test("through a manager: its live series and its sinks' billing")
    func throughManager() async throws {
        let clock = ManualClock()
        let measured = Locked(0)
        let emf = BilledSink(name: "emf", billing: .logIngestion(measure: { snapshots in
            measured.withLock { $0 = snapshots.count }
            return snapshots.count * 100
        }))
        let put = BilledSink(name: "put", billing: .putMetricData(datumsPerRequest: 1000))
        let manager = MetricsManager(level: .detailed, sinks: [put, emf], uploadInterval: .seconds(30),
                                     configuration: .init(clock: clock, wallClock: clock.wallClock))
        try await manager.start()
        for index in 0..<1_500 { manager.counter("Requests", dimensions: [("k", "\(index)")]).increment() }
        let estimate = manager.costEstimate()
        #expect(estimate.series == 1_500)
        #expect(estimate.windowsPerMinute == 2)
        #expect(estimate.datumsPerMinute == 3_000)
        #expect(estimate.requestsPerMinute == 4)
        #expect(estimate.emfBytesPerMinute == 300_000)
        #expect(measured.withLock { $0 } == 1_500)
        #expect("\(estimate)".hasPrefix("1500 series, 3000 datums and 4 PutMetricData requests a minute, 300000 EMF bytes a minute: about $"))
        try await manager.shutdown()
    }
}
