extension MetricsManager {
    /// Every setting of a ``MetricsManager`` beyond its level, sinks,
    /// upload interval and shutdown timeout, with the defaults most
    /// programs keep.
    ///
    /// ```swift
    /// var configuration = MetricsManager.Configuration()
    /// configuration.batching = BatchingConfig(maxMemoryBytes: 8 << 20)
    /// configuration.observer = myObserver
    /// let manager = MetricsManager(level: .detailed, sinks: [sink], configuration: configuration)
    /// ```
    public struct Configuration: Sendable {
        /// The dimension keys kept at level `.summary` (default `["stream"]`).
        public var summaryDimensions: Set<String>
        /// Queue bound, batch sizes and drop policy of each sink's export worker.
        public var batching: BatchingConfig
        /// Receives every ``MetricsEvent``; when `nil`, drops, failures and
        /// rejections are written to standard error, rate-limited.
        public var observer: (any MetricsObserver)?
        /// Export the manager's own health as ordinary metrics (default: off).
        public var selfMetrics: SelfMetricsConfig?
        /// Schedules ticks, flush intervals, retries and the shutdown deadline.
        public var clock: any Clock<Duration>
        /// Timestamps windows.
        public var wallClock: any WallClock
        /// A series with no observation for this many windows in a row (every
        /// window counts, one cut by `flush()` too) is removed from the
        /// registry and no longer exported; a handle still held keeps
        /// working. Default 5; `nil` keeps every series for ever.
        public var seriesExpiry: Int?
        /// Bounds on live series (default ``CardinalityLimits/init(perMetric:total:overflowValue:overflowMetricName:)``:
        /// 10,000 per metric name, 100,000 in all); `nil` for none.
        public var cardinalityLimits: CardinalityLimits?

        /// A configuration with every setting at its default unless given (each property says its default).
        public init(
            summaryDimensions: Set<String> = [KPLDimension.stream],
            batching: BatchingConfig = BatchingConfig(),
            observer: (any MetricsObserver)? = nil,
            selfMetrics: SelfMetricsConfig? = nil,
            clock: any Clock<Duration> = ContinuousClock(),
            wallClock: any WallClock = SystemWallClock(),
            seriesExpiry: Int? = 5,
            cardinalityLimits: CardinalityLimits? = CardinalityLimits()
        ) {
            self.summaryDimensions = summaryDimensions
            self.batching = batching
            self.observer = observer
            self.selfMetrics = selfMetrics
            self.clock = clock
            self.wallClock = wallClock
            self.seriesExpiry = seriesExpiry.map { Swift.max(1, $0) }
            self.cardinalityLimits = cardinalityLimits
        }
    }
}
