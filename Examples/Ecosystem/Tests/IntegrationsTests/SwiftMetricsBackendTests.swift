import CoreMetrics
import MetricsCore
import CloudWatchMetricsTestKit
import Sinks
import SwiftMetricsBackend
import Testing

/// swift-metrics' types with an explicit factory (no global bootstrap), into
/// a manager read directly.
@Suite("swift-metrics backend")
struct SwiftMetricsBackendTests {
    let manager = MetricsManager(level: .detailed, sink: InMemorySink())
    var factory: MetricsManagerFactory { MetricsManagerFactory(manager: manager) }

    func snapshot(_ name: String, _ dimensions: [(String, String)] = []) -> MetricSnapshot? {
        manager.snapshots().first { snapshot in
            snapshot.name == name && snapshot.dimensions.count == dimensions.count
                && zip(snapshot.dimensions, dimensions).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        }
    }

    @Test("Counter, Timer, Recorder and Gauge arrive with their dimensions and the right kinds")
    func kinds() throws {
        let dimensions = [("route", "/orders"), ("method", "POST")]
        CoreMetrics.Counter(label: "requests", dimensions: dimensions, factory: factory).increment(by: 3)
        CoreMetrics.Timer(label: "latency", dimensions: dimensions, factory: factory).recordMilliseconds(250)
        let sizes = Recorder(label: "sizes", dimensions: dimensions, factory: factory)
        sizes.record(10)
        sizes.record(30)
        let depth = CoreMetrics.Gauge(label: "depth", factory: factory)
        depth.record(5)
        depth.record(7)

        let requests = try #require(snapshot("requests", dimensions))
        #expect(requests.kind == .counter && requests.sum == 3)
        let latency = try #require(snapshot("latency", dimensions))
        #expect(latency.kind == .histogram && latency.unit == .milliseconds && latency.max == 250)
        let recorded = try #require(snapshot("sizes", dimensions))
        #expect(recorded.kind == .histogram && recorded.count == 2 && recorded.sum == 40 && !recorded.distribution.isEmpty)
        let gauge = try #require(snapshot("depth"))
        #expect(gauge.kind == .gauge && gauge.last == 7 && gauge.count == 1)   // the last value, as Prometheus keeps
    }

    @Test("a timer's preferred display unit, said before the first value, is its unit")
    func timerUnit() throws {
        CoreMetrics.Timer(label: "seconds", preferredDisplayUnit: .seconds, factory: factory).recordNanoseconds(1_500_000_000)
        CoreMetrics.Timer(label: "micros", preferredDisplayUnit: .microseconds, factory: factory).recordNanoseconds(2_000)
        #expect(snapshot("seconds")?.unit == .seconds && snapshot("seconds")?.max == 1.5)
        #expect(snapshot("micros")?.unit == .microseconds && snapshot("micros")?.max == 2)
    }

    @Test("floating-point counters add up whole units; meters move by increment and decrement")
    func floatingPointAndMeter() throws {
        let counter = FloatingPointCounter(label: "bytes", factory: factory)
        for _ in 0..<10 { counter.increment(by: 0.25) }
        #expect(snapshot("bytes")?.sum == 2)
        let meter = Meter(label: "active", factory: factory)
        meter.set(10)
        meter.increment(by: 3)
        meter.decrement(by: 5)
        #expect(snapshot("active")?.kind == .gauge && snapshot("active")?.last == 8)
    }

    @Test("equal label and dimensions share one handler and one series; destroy releases the handler")
    func handlesShared() {
        let factory = self.factory
        let first = factory.makeCounter(label: "shared", dimensions: [("a", "1")])
        let second = factory.makeCounter(label: "shared", dimensions: [("a", "1")])
        let other = factory.makeCounter(label: "shared", dimensions: [("a", "2")])
        #expect(first === second && first !== other)
        first.increment(by: 1)
        second.increment(by: 2)
        #expect(snapshot("shared", [("a", "1")])?.sum == 3)
        factory.destroyCounter(first)
        let third = factory.makeCounter(label: "shared", dimensions: [("a", "1")])
        #expect(third !== first)
        third.increment(by: 1)
        #expect(snapshot("shared", [("a", "1")])?.sum == 4)   // the same series: nothing recorded is lost
    }

    @Test("a non-aggregating Recorder is a gauge of the last value: no distribution")
    func nonAggregatingRecorder() {
        let recorder = Recorder(label: "queue.depth", dimensions: [("queue", "orders")], aggregate: false, factory: factory)
        recorder.record(3)
        recorder.record(7)
        let depth = snapshot("queue.depth", [("queue", "orders")])
        #expect(depth?.kind == .gauge)
        #expect(depth?.last == 7)
        #expect(depth?.distribution.isEmpty == true)
        let aggregating = Recorder(label: "sizes", factory: factory)
        aggregating.record(3)
        #expect(snapshot("sizes")?.kind == .histogram)
    }

    @Test("destroy lets the series go: it expires once idle, after its last value was exported")
    func destroyThenExpiry() async throws {
        let clock = ManualClock()
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory, uploadInterval: .seconds(60),
                                     configuration: .init(observer: RecordingObserver(), clock: clock, wallClock: clock.wallClock,
                                                          seriesExpiry: 1))
        try await manager.start()
        let factory = MetricsManagerFactory(manager: manager)
        let counter = CoreMetrics.Counter(label: "jobs", dimensions: [("queue", "a")], factory: factory)
        counter.increment(by: 2)
        counter.destroy()
        try await manager.flush()                       // the last value, exported
        #expect(manager.stats().seriesCount == 1)
        try await manager.flush()                       // idle for one window: expired
        #expect(manager.stats().seriesCount == 0)
        #expect(manager.stats().expiredSeries == 1)
        try await manager.shutdown()
        #expect(memory.snapshots(named: "jobs").map(\.sum) == [2])
    }

    @Test("a negative floating-point increment is rejected and counted, not lost silently")
    func negative() {
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: InMemorySink(), configuration: .init(observer: observer))
        FloatingPointCounter(label: "bad", factory: MetricsManagerFactory(manager: manager)).increment(by: -1.5)
        #expect(manager.stats().rejected[.negativeIncrement] == 1)
    }
}
