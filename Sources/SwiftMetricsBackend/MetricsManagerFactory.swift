// SwiftMetricsBackend: a swift-metrics backend recording into a
// MetricsManager. Built only with this package's `SwiftMetrics` trait, which brings its
// dependency; without it this module is empty and the package resolves
// no dependency for it.
//
// Imports: MetricsCore, CoreMetrics.
#if SwiftMetrics
import CoreMetrics
import MetricsCore
import Synchronization

/// A swift-metrics backend that records into a `MetricsManager`, so that
/// everything emitting through swift-metrics (Hummingbird, Vapor,
/// AsyncHTTPClient, gRPC, your own `Counter(label:)`s) reaches the SDK's
/// sinks: CloudWatch, EMF, OTLP, Datadog, the console.
///
/// ```swift
/// let manager = MetricsManager(level: .detailed, sinks: [CloudWatchSink(region: "us-east-1", namespace: "MyService")])
/// MetricsSystem.bootstrap(MetricsManagerFactory(manager: manager))
/// ```
///
/// | swift-metrics | MetricsManager |
/// |---|---|
/// | `Counter` | a counter |
/// | `FloatingPointCounter` | a counter; fractions accumulate until they make a whole unit |
/// | `Meter` | a gauge of the last value (increment and decrement move it) |
/// | `Recorder` (aggregating) | a histogram with a distribution |
/// | `Recorder(aggregate: false)`, `Gauge` | a gauge of the last value, as Prometheus keeps (`statistics: false`) |
/// | `Timer` | a histogram in milliseconds (the `timerUnit` given at creation), or in the preferred display unit when one is set before the first value |
///
/// Series are named exactly by the label, with the dimensions as given.
/// Handles are shared: equal (label, dimensions) give the same handler.
/// The factory's cache of handlers is bounded like the manager's series:
/// it keeps at most the manager's `CardinalityLimits.total` handlers
/// (past it, a handler is made for each call and not kept: the manager
/// folds such series anyway), and lets go of the handlers of series the
/// manager expired (`MetricsManager.Configuration.seriesExpiry`), at a
/// sweep that runs after as many new handlers as it holds. `destroy…`
/// releases the factory's reference at once: the series expires once
/// idle, after exporting everything recorded into it. `reset()` does
/// nothing: every window is already a delta.
public struct MetricsManagerFactory: MetricsFactory {
    /// The manager the metrics are recorded into.
    public let manager: MetricsManager
    /// The unit of timers without a preferred display unit (default milliseconds).
    package let timerUnit: MetricUnit
    let handlers: HandlerCache

    /// A factory recording into `manager`; timers without a preferred display unit record in `timerUnit`.
    public init(manager: MetricsManager, timerUnit: MetricUnit = .milliseconds) {
        self.init(manager: manager, timerUnit: timerUnit, sweepInterval: 1024)
    }

    /// `sweepInterval`: the fewest new handlers between two sweeps of the
    /// cache for expired series (tests sweep at every one).
    init(manager: MetricsManager, timerUnit: MetricUnit, sweepInterval: Int) {
        self.manager = manager
        self.timerUnit = timerUnit
        handlers = HandlerCache(limit: manager.cardinalityLimits?.total ?? Int.max, sweepInterval: sweepInterval)
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        handlers.handler(.counter, label, dimensions) { CounterBox(manager.counter(label, dimensions: dimensions)) }
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        handlers.handler(.floatingPointCounter, label, dimensions) {
            FloatingPointCounterBox(manager.counter(label, dimensions: dimensions))
        }
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        handlers.handler(.meter, label, dimensions) {
            MeterBox(manager.gauge(label, dimensions: dimensions, statistics: false))
        }
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        if aggregate {
            return handlers.handler(.recorder, label, dimensions) {
                HistogramBox(manager.histogram(label, dimensions: dimensions))
            }
        }
        return handlers.handler(.gauge, label, dimensions) {
            GaugeBox(manager.gauge(label, dimensions: dimensions, statistics: false))
        }
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        handlers.handler(.timer, label, dimensions) {
            TimerBox(manager: manager, label: label, dimensions: dimensions, unit: timerUnit)
        }
    }

    public func destroyCounter(_ handler: any CounterHandler) { handlers.remove(handler) }
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { handlers.remove(handler) }
    public func destroyMeter(_ handler: any MeterHandler) { handlers.remove(handler) }
    public func destroyRecorder(_ handler: any RecorderHandler) { handlers.remove(handler) }
    public func destroyTimer(_ handler: any TimerHandler) { handlers.remove(handler) }
}

/// A handler the cache can let go of once its series expired.
protocol CachedHandler: AnyObject, Sendable {
    /// Whether the manager retired the handler's series for idleness.
    var isExpired: Bool { get }
}

/// The handlers made so far, by kind, label and dimensions: at most `limit`
/// of them, and none whose series the manager expired for longer than the
/// next sweep.
final class HandlerCache: Sendable {
    enum Kind: Hashable, Sendable { case counter, floatingPointCounter, meter, recorder, gauge, timer }

    struct Key: Hashable, Sendable {
        let kind: Kind
        let label: String
        let dimensions: [String]

        init(_ kind: Kind, _ label: String, _ dimensions: [(String, String)]) {
            self.kind = kind
            self.label = label
            self.dimensions = dimensions.flatMap { [$0.0, $0.1] }
        }
    }

    private struct State {
        var handlers: [Key: any CachedHandler] = [:]
        /// Handlers made since the last sweep.
        var madeSinceSweep = 0
    }

    private let state = Mutex(State())
    let limit: Int
    private let sweepInterval: Int

    init(limit: Int, sweepInterval: Int) {
        self.limit = max(1, limit)
        self.sweepInterval = max(1, sweepInterval)
    }

    /// How many handlers are kept.
    var count: Int { state.withLock { $0.handlers.count } }

    func handler<Handler: CachedHandler>(_ kind: Kind, _ label: String, _ dimensions: [(String, String)],
                                         make: () -> Handler) -> Handler {
        let key = Key(kind, label, dimensions)
        return state.withLock { state in
            if let existing = state.handlers[key] as? Handler { return existing }
            // Sweeping costs one pass over the cache; after as many new
            // handlers as it holds, that is O(1) for each.
            state.madeSinceSweep += 1
            if state.madeSinceSweep >= max(sweepInterval, state.handlers.count) {
                state.madeSinceSweep = 0
                state.handlers = state.handlers.filter { !$0.value.isExpired }
            }
            let made = make()
            if state.handlers.count < limit { state.handlers[key] = made }
            return made
        }
    }

    func remove(_ handler: AnyObject) {
        state.withLock { state in
            if let key = state.handlers.first(where: { $0.value === handler })?.key { state.handlers[key] = nil }
        }
    }
}

final class CounterBox: CounterHandler, CachedHandler {
    let counter: MetricsCore.Counter
    init(_ counter: MetricsCore.Counter) { self.counter = counter }
    var isExpired: Bool { counter.isExpired }
    /// Inlined into the protocol witness, so the facade's call lands here directly.
    @inline(__always)
    func increment(by amount: Int64) { counter.increment(by: Int(truncatingIfNeeded: amount)) }
    func reset() {}
}

/// Whole units go to the counter at once; the fraction waits for more.
final class FloatingPointCounterBox: FloatingPointCounterHandler, CachedHandler {
    let counter: MetricsCore.Counter
    private let fraction = Mutex<Double>(0)
    init(_ counter: MetricsCore.Counter) { self.counter = counter }
    var isExpired: Bool { counter.isExpired }

    func increment(by amount: Double) {
        guard amount.isFinite, amount > 0 else {
            // Negative, NaN or infinite: handed on as a negative increment,
            // which the counter rejects and counts (never silently lost).
            if amount != 0 { counter.increment(by: -1) }
            return
        }
        let whole = fraction.withLock { fraction -> Double in
            fraction += amount
            let whole = fraction.rounded(.down)
            fraction -= whole
            return whole
        }
        if whole >= 1 { counter.increment(by: whole >= Double(Int.max) ? Int.max : Int(whole)) }
    }

    func reset() { fraction.withLock { $0 = 0 } }
}

/// A meter's value lives here, so that increment and decrement can move it.
final class MeterBox: MeterHandler, CachedHandler {
    let gauge: MetricsCore.Gauge
    private let value = Mutex<Double>(0)
    init(_ gauge: MetricsCore.Gauge) { self.gauge = gauge }
    var isExpired: Bool { gauge.isExpired }
    func set(_ value: Int64) { set(Double(value)) }

    func set(_ value: Double) {
        self.value.withLock { $0 = value }
        gauge.set(value)
    }

    func increment(by amount: Double) { gauge.set(value.withLock { $0 += amount; return $0 }) }
    func decrement(by amount: Double) { gauge.set(value.withLock { $0 -= amount; return $0 }) }
}

final class GaugeBox: RecorderHandler, CachedHandler {
    let gauge: MetricsCore.Gauge
    init(_ gauge: MetricsCore.Gauge) { self.gauge = gauge }
    var isExpired: Bool { gauge.isExpired }
    func record(_ value: Int64) { gauge.set(Double(value)) }
    func record(_ value: Double) { gauge.set(value) }
}

final class HistogramBox: RecorderHandler, CachedHandler {
    let histogram: MetricsCore.Histogram
    init(_ histogram: MetricsCore.Histogram) { self.histogram = histogram }
    var isExpired: Bool { histogram.isExpired }
    func record(_ value: Int64) { histogram.record(Double(value)) }
    func record(_ value: Double) { histogram.record(value) }
}

/// The histogram is made at the first value, in the unit preferred by then
/// (swift-metrics' `Timer(label:preferredDisplayUnit:)` says it right after
/// making the handler). After that, a value costs one atomic load and the
/// histogram's own record: the reference is read without retaining it (the
/// box keeps it alive), and the unit's scale is computed once.
final class TimerBox: TimerHandler, CachedHandler {
    /// The histogram and how many nanoseconds make one of its units.
    final class Timed: Sendable {
        let histogram: MetricsCore.Histogram
        let nanosecondsPerUnit: Double

        init(_ histogram: MetricsCore.Histogram) {
            self.histogram = histogram
            nanosecondsPerUnit = histogram.unit == .seconds ? 1e9 : histogram.unit == .microseconds ? 1e3 : 1e6
        }
    }

    private let manager: MetricsManager
    private let label: String
    private let dimensions: [(String, String)]
    private let unit: Mutex<MetricUnit>
    /// Owns the `Timed` once made; `published` holds its address for the hot path.
    private let owner = Mutex<Timed?>(nil)
    private let published = Atomic<UInt>(0)

    init(manager: MetricsManager, label: String, dimensions: [(String, String)], unit: MetricUnit) {
        self.manager = manager
        self.label = label
        self.dimensions = dimensions
        self.unit = Mutex(unit)
    }

    /// A timer that has not recorded yet has no series to expire.
    var isExpired: Bool { owner.withLock { $0?.histogram.isExpired ?? false } }

    func preferDisplayUnit(_ unit: TimeUnit) {
        let chosen: MetricUnit = unit == .nanoseconds || unit == .microseconds ? .microseconds
            : unit == .milliseconds ? .milliseconds : .seconds
        self.unit.withLock { $0 = chosen }
    }

    func recordNanoseconds(_ duration: Int64) {
        var address = published.load(ordering: .acquiring)
        if address == 0 { address = make() }
        Unmanaged<Timed>.fromOpaque(UnsafeRawPointer(bitPattern: address)!)._withUnsafeGuaranteedRef { timed in
            timed.histogram.record(Double(duration) / timed.nanosecondsPerUnit)
        }
    }

    /// Makes the histogram once (the first caller wins) and publishes it.
    private func make() -> UInt {
        owner.withLock { owner in
            if let made = owner { return UInt(bitPattern: Unmanaged.passUnretained(made).toOpaque()) }
            let made = Timed(manager.histogram(label, dimensions: dimensions, unit: unit.withLock { $0 }))
            owner = made
            let address = UInt(bitPattern: Unmanaged.passUnretained(made).toOpaque())
            published.store(address, ordering: .releasing)
            return address
        }
    }
}
#endif  // SwiftMetrics
