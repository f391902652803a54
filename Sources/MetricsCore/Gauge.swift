/// A value that is set rather than accumulated: queue depth, records pending.
///
/// ```swift
/// manager.gauge("UserRecordsPending").set(42)
/// ```
///
/// Each window's snapshot describes the values set during the window
/// (`count`, `sum`, `min`, `max`) and the last one (`last`). A window in
/// which nothing was set produces no snapshot: every value is exported once.
public final class Gauge: RegisteredSeries {
    let descriptor: SeriesDescriptor
    private let control: RecordingControl
    private let life = SeriesLife()
    private let stats = WindowedStats(distribution: false)

    init(descriptor: SeriesDescriptor, control: RecordingControl) {
        self.descriptor = descriptor
        self.control = control
    }

    func matches(name: String, kind: MetricSnapshot.Kind, dimensions: ProbeDimensions) -> Bool {
        descriptor.matches(name: name, kind: kind, dimensions: dimensions)
    }

    /// The metric name.
    public var name: String { descriptor.name }
    /// The series' dimensions, after level filtering.
    public var dimensions: [(String, String)] { descriptor.dimensions }

    /// Sets the gauge. NaN and ±infinity are rejected and counted as
    /// ``RejectionReason/nonFiniteValue``.
    public func set(_ value: Double) {
        guard control.isRecording else { return control.reject(.afterShutdown) }
        guard value.isFinite else { return control.reject(.nonFiniteValue) }
        stats.record(value)
        if control.hasEventSinks { control.dispatch(descriptor, value: value) }
    }

    /// Sets the gauge to an integer value.
    public func set(_ value: Int) { set(Double(value)) }

    /// A retired series let go with observations in it (see SeriesLife):
    /// they go out with the next window.
    deinit {
        guard stats.hasPendingObservations, let registry = control.registry, let pending = stats.collect() else { return }
        let descriptor = self.descriptor
        registry.salvage { Self.snapshot(descriptor, pending, $0) }
    }

    func hasPendingObservations() -> Bool { stats.hasPendingObservations }
    func windowEnded(observed: Bool) -> Int { life.windowEnded(observed: observed) }

    func collect(_ window: CollectionWindow) -> MetricSnapshot? {
        stats.collect().map { snapshot($0, window) }
    }

    func peek(_ window: CollectionWindow) -> MetricSnapshot? {
        stats.peek().map { snapshot($0, window) }
    }

    private func snapshot(_ stats: WindowedStats.Window, _ window: CollectionWindow) -> MetricSnapshot {
        Self.snapshot(descriptor, stats, window)
    }

    private static func snapshot(_ descriptor: SeriesDescriptor, _ stats: WindowedStats.Window,
                                 _ window: CollectionWindow) -> MetricSnapshot {
        MetricSnapshot(
            name: descriptor.name, kind: .gauge, unit: descriptor.unit,
            dimensions: descriptor.dimensions, windowStart: window.start, windowEnd: window.end,
            count: stats.count, sum: stats.sum, min: stats.min, max: stats.max, last: stats.last)
    }
}
