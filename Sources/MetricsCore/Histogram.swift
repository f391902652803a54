/// A distribution of observations: latencies, sizes, retries per record.
///
/// ```swift
/// let latency = manager.histogram("RequestTime", unit: .milliseconds)
/// latency.record(12.5)
/// latency.record(.milliseconds(12))   // converted to the histogram's unit
/// ```
///
/// Each window's snapshot has the exact `count`, `sum`, `min` and `max`,
/// and a `distribution` of buckets whose values are within
/// ``relativeError`` (1/128, about 0.78 %) of every observation they stand
/// for, for magnitudes between about 5.4e-20 and 1.8e19. Percentiles read
/// from it (``MetricSnapshot/percentile(_:)``) have the same bound.
///
/// Recording costs one atomic exchange: a per-series spin lock, held for a
/// few dozen instructions. The first observation in a new power-of-two
/// range allocates that range's 512 bytes of counters once; after that,
/// recording never allocates.
public final class Histogram: InstrumentSeries {
    /// The relative-error bound of the distribution's bucket values.
    public static let relativeError: Double = BucketStore.relativeError

    let descriptor: SeriesDescriptor
    @usableFromInline let control: RecordingControl
    private let life = SeriesLife()
    @usableFromInline let stats: WindowedStats

    init(descriptor: SeriesDescriptor, control: RecordingControl, distribution: Bool) {
        self.descriptor = descriptor
        self.control = control
        self.stats = WindowedStats(distribution: distribution)
    }

    /// The metric name.
    public var name: String { descriptor.name }
    /// The series' dimensions, after level filtering.
    public var dimensions: [(String, String)] { descriptor.dimensions }
    /// The unit observations are recorded in.
    public var unit: MetricUnit { descriptor.unit }
    /// Whether the histogram keeps a distribution (histograms that `put`
    /// creates keep only count, sum, min and max, as the original did).
    package var hasDistribution: Bool { stats.buckets != nil }

    /// Records one observation. NaN and ±infinity are rejected and counted
    /// as ``RejectionReason/nonFiniteValue``.
    /// Inlined into the caller: one atomic exchange and a few stores.
    @inlinable
    public func record(_ value: Double) {
        guard control.isPlainRecording, value.isFinite else { return recordUncommonly(value) }
        stats.record(value)
    }

    /// The rest of a record when recording is off, the value is not finite
    /// or eventful sinks take each observation: out of line.
    @usableFromInline @inline(never)
    func recordUncommonly(_ value: Double) {
        guard control.isRecording, value.isFinite else {
            return control.reject(control.isRecording ? .nonFiniteValue : .afterShutdown, metric: descriptor.name)
        }
        stats.record(value)
        control.dispatch(descriptor, value: value)
    }

    /// Records an integer observation.
    public func record(_ value: Int) { record(Double(value)) }

    /// Records a duration, converted to the histogram's unit when that is
    /// seconds, milliseconds or microseconds, and to seconds otherwise.
    public func record(_ duration: Duration) {
        let seconds = duration.timeInterval
        switch descriptor.unit {
        case .milliseconds: record(seconds * 1e3)
        case .microseconds: record(seconds * 1e6)
        default: record(seconds)
        }
    }

    /// A retired series let go with observations in it (see SeriesLife):
    /// they go out with the next window.
    deinit { salvagePendingObservations() }

    func hasPendingObservations() -> Bool { stats.hasPendingObservations }
    func windowEnded(observed: Bool) -> Int { life.windowEnded(observed: observed) }
    func retire() { life.retire() }

    /// Whether the manager retired this series for idleness (see
    /// ``MetricsManager/Configuration/seriesExpiry``) and it has not been
    /// recorded into since: a cache of handles (a swift-metrics backend)
    /// can let go of it. Recording into it still works, and brings it back.
    public var isExpired: Bool { life.isRetired }

    func takeObservations() -> WindowedStats.Window? { stats.collect() }

    func peekObservations() -> WindowedStats.Window? { stats.peek() }

    static func snapshot(_ descriptor: SeriesDescriptor, _ stats: WindowedStats.Window,
                         _ window: CollectionWindow) -> MetricSnapshot? {
        MetricSnapshot(
            name: descriptor.name, kind: .histogram, unit: descriptor.unit,
            dimensions: descriptor.dimensions, windowStart: window.start, windowEnd: window.end,
            count: stats.count, sum: stats.sum, min: stats.min, max: stats.max,
            distribution: stats.distribution)
    }
}
