import Synchronization

/// A value that is set rather than accumulated: queue depth, records pending.
///
/// ```swift
/// manager.gauge("UserRecordsPending").set(42)
/// ```
///
/// Each window's snapshot describes the values set during the window
/// (`count`, `sum`, `min`, `max`) and the last one (`last`). A window in
/// which nothing was set produces no snapshot: every value is exported once.
///
/// A gauge made with `statistics: false` keeps only the last value set in
/// each window (its snapshot has a count of 1 and that value as sum, min,
/// max and last), and `set` is then one plain store: what swift-metrics'
/// `Gauge` and Prometheus keep.
public final class Gauge: InstrumentSeries {
    let descriptor: SeriesDescriptor
    @usableFromInline let control: RecordingControl
    private let life = SeriesLife()
    private let stats = WindowedStats(distribution: false)
    @usableFromInline let lastOnly: Bool
    /// Without statistics: the bits of the last value set since the last
    /// cut, or ``unset`` (a NaN, which `set` never stores): one store per `set`.
    @usableFromInline let lastBits = Atomic<UInt64>(Gauge.unset)
    @usableFromInline static let unset: UInt64 = 0x7FF8_DEAD_BEEF_0001
    /// The control's `hasEventSinks`, kept here: one pointer chase less per `set`.
    @usableFromInline let dispatchesEvents: Bool

    init(descriptor: SeriesDescriptor, control: RecordingControl, statistics: Bool = true) {
        self.descriptor = descriptor
        self.control = control
        lastOnly = !statistics
        dispatchesEvents = control.hasEventSinks
    }

    /// The metric name.
    public var name: String { descriptor.name }
    /// The series' dimensions, after level filtering.
    public var dimensions: [(String, String)] { descriptor.dimensions }

    /// Sets the gauge. NaN and ±infinity are rejected and counted as
    /// ``RejectionReason/nonFiniteValue``.
    ///
    /// Inlinable, so that a gauge without statistics costs its caller one
    /// plain store and a load (swift-metrics' `Gauge` through the backend).
    @inlinable
    public func set(_ value: Double) {
        guard value.isFinite, control.isRecording else { return refuse(value) }
        if lastOnly {
            lastBits.store(value.bitPattern, ordering: .releasing)
        } else {
            recordStatistics(value)
        }
        if dispatchesEvents { dispatch(value) }
    }

    @usableFromInline
    func recordStatistics(_ value: Double) { stats.record(value) }

    @usableFromInline
    func dispatch(_ value: Double) { control.dispatch(descriptor, value: value) }

    /// Why `value` is not recorded, counted (kept off the fast path).
    @usableFromInline @inline(never)
    func refuse(_ value: Double) {
        control.reject(control.isRecording ? .nonFiniteValue : .afterShutdown, metric: descriptor.name)
    }

    /// Without statistics: the last value, if one was set since the last
    /// take, which it clears. A value set meanwhile is taken now or left for
    /// the next window, never lost.
    private func takeLast() -> Double? {
        let bits = lastBits.exchange(Self.unset, ordering: .acquiringAndReleasing)
        return bits == Self.unset ? nil : Double(bitPattern: bits)
    }

    private func peekLast() -> Double? {
        let bits = lastBits.load(ordering: .acquiring)
        return bits == Self.unset ? nil : Double(bitPattern: bits)
    }

    /// Sets the gauge to an integer value.
    public func set(_ value: Int) { set(Double(value)) }

    /// A retired series let go with observations in it (see SeriesLife):
    /// they go out with the next window.
    deinit { salvagePendingObservations() }

    func hasPendingObservations() -> Bool {
        lastOnly ? lastBits.load(ordering: .acquiring) != Self.unset : stats.hasPendingObservations
    }
    func windowEnded(observed: Bool) -> Int { life.windowEnded(observed: observed) }
    func retire() { life.retire() }

    /// Whether the manager retired this series for idleness (see
    /// ``MetricsManager/Configuration/seriesExpiry``) and it has not been
    /// recorded into since: a cache of handles (a swift-metrics backend)
    /// can let go of it. Recording into it still works, and brings it back.
    public var isExpired: Bool { life.isRetired }

    func takeObservations() -> WindowedStats.Window? {
        lastOnly ? takeLast().map(WindowedStats.Window.single) : stats.collect()
    }

    func peekObservations() -> WindowedStats.Window? {
        lastOnly ? peekLast().map(WindowedStats.Window.single) : stats.peek()
    }

    static func snapshot(_ descriptor: SeriesDescriptor, _ stats: WindowedStats.Window,
                         _ window: CollectionWindow) -> MetricSnapshot? {
        MetricSnapshot(
            name: descriptor.name, kind: .gauge, unit: descriptor.unit,
            dimensions: descriptor.dimensions, windowStart: window.start, windowEnd: window.end,
            count: stats.count, sum: stats.sum, min: stats.min, max: stats.max, last: stats.last)
    }
}

extension WindowedStats.Window {
    /// A window of one observation.
    static func single(_ value: Double) -> WindowedStats.Window {
        WindowedStats.Window(count: 1, sum: value, min: value, max: value, last: value, distribution: [])
    }
}
