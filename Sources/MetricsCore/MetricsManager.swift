import Foundation
import CWMLocking

/// Owns a program's series, cuts them into delta windows every
/// `uploadInterval`, and exports each window to its sinks.
///
/// ```swift
/// let memory = InMemorySink()
/// let manager = MetricsManager(level: .detailed, sinks: [memory, ConsoleSink()],
///                              uploadInterval: .seconds(60))
/// try await manager.start()
/// manager.put("UserRecordsPut", 1, stream: "s1", shardId: "shardId-000000000001")
/// let requests = manager.counter("Requests", dimensions: [("stream", "s1")])
/// requests.increment()
/// try await manager.shutdown()     // final window, drain, stop the sinks
/// ```
///
/// Recording never waits on a sink: each sink has its own export worker
/// with a bounded queue (see ``BatchingConfig``), so a slow or failing sink
/// costs only its own queue, and what it drops is counted and reported
/// through the observer, ``events(bufferSize:)`` and ``stats()``.
///
/// Rejected input (NaN, ±infinity, an empty name, a negative counter
/// increment, anything after shutdown) never crashes and is never recorded:
/// it is counted by reason in ``stats()`` (`rejected`) and reported once per
/// window as ``MetricsEvent/observationsRejected(count:reason:)``.
public final class MetricsManager: Sendable {
    /// How much is recorded.
    package let level: MetricsLevel
    /// The length of each export window.
    package let uploadInterval: Duration
    /// The bounds on live series (``Configuration/cardinalityLimits``);
    /// `nil` for none.
    package let cardinalityLimits: CardinalityLimits?
    /// The dimension keys kept at level `.summary`.
    package let summaryDimensions: Set<String>
    /// How long `shutdown()` may take, final export and drain included.
    package let shutdownTimeout: Duration
    /// How each sink's export worker batches and bounds its queue.
    package let batching: BatchingConfig

    let registry: SeriesRegistry
    /// Windows without an observation before a series is removed (`nil`: never).
    let seriesExpiry: Int?
    let control: RecordingControl
    let workers: [ExportWorker]
    let time: TimeSource
    let wallClock: any WallClock
    let hub: EventHub
    let selfMetrics: SelfMetrics?
    let lifecycle = Locked(Lifecycle())
    /// Held from a window's cut until its chunks are in every worker's
    /// queue, by `tick()` and by shutdown's final cut and close: a cut
    /// racing shutdown is queued before the workers close (and so drained),
    /// never after, where it would be lost uncounted. Shutdown thereby waits
    /// for a tick in flight. The value counts the cuts (a lock over an empty
    /// value draws a false report from ThreadSanitizer).
    let cutAndEnqueue = Locked(0)
    let window: Locked<WindowState>

    /// Which of `put`'s dimensions the level keeps: all of them at
    /// `.detailed`, the summary dimensions at `.summary`.
    let keepsStream: Bool
    let keepsShard: Bool
    let keepsErrorCode: Bool

    struct WindowState {
        var start: Date
        var reportedRejections: [RejectionReason: Int] = [:]
    }

    /// Creates a manager. Nothing runs until ``start()``.
    ///
    /// - parameters:
    ///   - level: `.detailed` (default: every dimension kept), `.summary`,
    ///     or `.none` (records nothing, starts nothing: the Python
    ///     original's default, which this port does not keep).
    ///   - sinks: where snapshots go; each gets its own export worker.
    ///   - uploadInterval: window length (default 60 s, as the original).
    ///   - shutdownTimeout: deadline of ``shutdown()`` (default 30 s).
    ///   - configuration: everything else (``Configuration``): summary
    ///     dimensions, batching, observer, self-metrics, clocks.
    public init(
        level: MetricsLevel = .detailed,
        sinks: [any Sink] = [],
        uploadInterval: Duration = .seconds(60),
        shutdownTimeout: Duration = .seconds(30),
        configuration: Configuration = Configuration()
    ) {
        self.level = level
        self.registry = SeriesRegistry(limits: configuration.cardinalityLimits)
        self.cardinalityLimits = configuration.cardinalityLimits
        self.seriesExpiry = configuration.seriesExpiry
        self.uploadInterval = uploadInterval > .zero ? uploadInterval : .seconds(60)
        let summaryDimensions = configuration.summaryDimensions
        let batching = configuration.batching
        let wallClock = configuration.wallClock
        self.summaryDimensions = summaryDimensions
        self.shutdownTimeout = shutdownTimeout
        self.batching = batching
        self.wallClock = wallClock
        self.time = TimeSource(any: configuration.clock)
        self.window = Locked(WindowState(start: wallClock.now()))
        self.keepsStream = level == .detailed || summaryDimensions.contains(KPLDimension.stream)
        self.keepsShard = level == .detailed || summaryDimensions.contains(KPLDimension.shard)
        self.keepsErrorCode = level == .detailed || summaryDimensions.contains(KPLDimension.errorCode)

        let hub = EventHub(observer: configuration.observer, wallClock: wallClock)
        self.hub = hub
        if level == .none {
            control = .inert
            workers = []
            self.selfMetrics = nil
            return
        }
        let control = RecordingControl(
            disabled: false, eventSinks: sinks.compactMap { $0 as? any EventfulSink }, wallClock: wallClock,
            registry: registry)
        self.control = control
        let registry = self.registry
        let selfMetrics = configuration.selfMetrics.map { SelfMetrics(config: $0, registry: registry, control: control) }
        self.selfMetrics = selfMetrics

        var seen: [String: Int] = [:]
        var workers: [ExportWorker] = []
        for sink in sinks {
            let base = sink.name
            seen[base, default: 0] += 1
            let name = seen[base]! > 1 ? "\(base)#\(seen[base]!)" : base
            workers.append(ExportWorker(
                sink: sink, name: name, config: batching, time: time, wallClock: wallClock,
                uploadInterval: self.uploadInterval,
                report: { event in
                    selfMetrics?.record(event, sink: name)
                    hub.emit(.sink(name, event))
                }))
        }
        self.workers = workers
    }

    /// Creates a manager with a single sink; see ``init(level:sinks:uploadInterval:shutdownTimeout:configuration:)``.
    public convenience init(
        level: MetricsLevel = .detailed,
        sink: any Sink,
        uploadInterval: Duration = .seconds(60),
        shutdownTimeout: Duration = .seconds(30),
        configuration: Configuration = Configuration()
    ) {
        self.init(level: level, sinks: [sink], uploadInterval: uploadInterval, shutdownTimeout: shutdownTimeout,
                  configuration: configuration)
    }

    // MARK: Recording

    /// The counter for `name` and `dimensions`, created on first use.
    /// Asking again returns the same series. Keep it: incrementing it is far
    /// cheaper than looking it up.
    ///
    /// ```swift
    /// let requests = manager.counter("Requests", dimensions: [("stream", "s1")])
    /// ```
    public func counter(_ name: String, dimensions: [(String, String)] = [], unit: MetricUnit = .count) -> Counter {
        instrument(name, .counter, dimensions, unit, as: Counter.self) {
            Counter(descriptor: $0, control: $1)
        }
    }

    /// The gauge for `name` and `dimensions`, created on first use.
    ///
    /// - parameters:
    ///   - name: the metric's name.
    ///   - dimensions: the series' dimensions, in order.
    ///   - unit: the unit of its values (default none).
    ///   - statistics: keep count, sum, min and max of the values set in
    ///     each window besides the last (default), or only the last value,
    ///     for the cheapest `set` (one plain store).
    ///
    /// ```swift
    /// manager.gauge("UserRecordsPending").set(42)
    /// ```
    public func gauge(_ name: String, dimensions: [(String, String)] = [], unit: MetricUnit = .none,
                      statistics: Bool = true) -> Gauge {
        instrument(name, .gauge, dimensions, unit, as: Gauge.self) {
            Gauge(descriptor: $0, control: $1, statistics: statistics)
        }
    }

    /// The histogram for `name` and `dimensions`, created on first use.
    ///
    /// - parameters:
    ///   - name: the metric's name.
    ///   - dimensions: the series' dimensions, in order.
    ///   - unit: the unit of its values (default none).
    ///   - distribution: keep a bucketed distribution (default) for
    ///     percentiles, or only count, sum, min and max.
    ///
    /// ```swift
    /// let latency = manager.histogram("RequestTime", unit: .milliseconds)
    /// latency.record(12.5)
    /// ```
    public func histogram(
        _ name: String,
        dimensions: [(String, String)] = [],
        unit: MetricUnit = .none,
        distribution: Bool = true
    ) -> Histogram {
        instrument(name, .histogram, dimensions, unit, as: Histogram.self) {
            Histogram(descriptor: $0, control: $1, distribution: distribution)
        }
    }

    private func instrument<S: RegisteredSeries>(
        _ name: String,
        _ kind: MetricSnapshot.Kind,
        _ dimensions: [(String, String)],
        _ unit: MetricUnit,
        as type: S.Type,
        make: (SeriesDescriptor, RecordingControl) -> S
    ) -> S {
        // Level `.none`, and a rejected name, get an inert instrument that
        // belongs to no registry: recording into it does nothing.
        func inert() -> S { make(SeriesDescriptor(name: name, kind: kind, unit: unit, dimensions: dimensions), .inert) }
        if level == .none { return inert() }
        guard !name.isEmpty else {
            control.reject(.emptyName)
            return inert()
        }
        let kept = level == .summary ? dimensions.filter { summaryDimensions.contains($0.0) } : dimensions
        let found = registry.series(name: name, kind: kind, dimensions: kept, as: type) {
            make(SeriesDescriptor(name: $0, kind: kind, unit: unit, dimensions: $1, hash: $2), control)
        }
        return found ?? inert()
    }

    // MARK: Reading

    /// The current window of every series with observations, in creation
    /// order, without ending the window: nothing is reset or exported.
    public func snapshots() -> [MetricSnapshot] {
        guard level != .none else { return [] }
        let start = window.withLock { $0.start }
        let bounds = CollectionWindow(start: start, end: wallClock.now())
        return registry.all().compactMap { $0.peek(bounds) }
    }

    /// The sinks this manager exports to, in order (for the cost estimate,
    /// which lives with CloudWatch's prices).
    package var exportSinks: [any Sink] { workers.map(\.sink) }

    /// The number of live series.
    package var liveSeriesCount: Int { registry.count }

    /// One snapshot per live series, of one observation of 1, over the last
    /// `uploadInterval`: the shape of a window, for an encoder to measure.
    package func liveSeriesSample() -> [MetricSnapshot] {
        let end = wallClock.now()
        let start = end.addingTimeInterval(-Double(uploadInterval.components.seconds))
        return registry.all().map { entry in
            let descriptor = entry.descriptor
            return MetricSnapshot(name: descriptor.name, kind: descriptor.kind, unit: descriptor.unit,
                                  dimensions: descriptor.dimensions, windowStart: start, windowEnd: end,
                                  count: 1, sum: 1, min: 1, max: 1)
        }
    }

    /// Counters of every export worker and of rejected observations.
    public func stats() -> MetricsStats {
        if lifecycle.withLock({ $0.phase == .stopped }) { countLateObservations() }
        let totals = registry.totals
        return MetricsStats(
            sinks: workers.map { $0.stats() },
            rejected: control.rejections(),
            seriesCount: registry.count,
            foldedSeries: totals.folded,
            expiredSeries: totals.expired)
    }

    /// A new stream of this manager's events. Each call returns an
    /// independent stream; it keeps the newest `bufferSize` events when its
    /// reader falls behind, and finishes when the manager shuts down.
    public func events(bufferSize: Int = 1024) -> AsyncStream<MetricsEvent> {
        hub.makeStream(bufferSize: bufferSize)
    }
}
