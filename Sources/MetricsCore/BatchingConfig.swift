/// How each sink's export worker batches, bounds and drops.
///
/// ```swift
/// let manager = MetricsManager(
///     level: .detailed, sinks: [sink],
///     configuration: .init(batching: BatchingConfig(maxMemoryBytes: 8 << 20, dropOnOverflow: .oldest)))
/// ```
public struct BatchingConfig: Sendable, Equatable {
    /// Which snapshots go when a queue is over its memory bound.
    public enum OverflowDrop: String, Sendable, Equatable {
        /// Drop the oldest queued snapshots to make room (the default).
        ///
        /// While a backend is down, the newest windows are the ones that
        /// matter: they feed current dashboards and alarms, and old ones age
        /// toward CloudWatch's two-week acceptance limit anyway. Dropping the
        /// oldest keeps memory bounded and what survives useful.
        case oldest
        /// Refuse the incoming snapshots and keep what is queued, for sinks
        /// where a contiguous history from the start of an outage matters more.
        case newest
    }

    /// Most snapshots handed to one `Sink.export` call.
    public var maxBatchSize: Int
    /// Longest a queued snapshot waits for `minBatchSize` companions before
    /// it is exported anyway.
    public var flushInterval: Duration
    /// Bound on the estimated encoded size (``MetricSnapshot/estimatedSize``)
    /// of the snapshots queued for one sink. Size it to hold at least one
    /// window: about 250 bytes per series with a couple of dimensions.
    public var maxMemoryBytes: Int
    /// What is dropped when `maxMemoryBytes` would be exceeded.
    public var dropOnOverflow: OverflowDrop
    /// Export as soon as this many snapshots are queued. With the default
    /// of 1 every tick's snapshots go out at once.
    public var minBatchSize: Int

    /// - parameters:
    ///   - maxBatchSize: snapshots per `export` call (default 1000, one
    ///     CloudWatch request's worth of plain datums).
    ///   - flushInterval: longest wait for `minBatchSize` (default 5 s).
    ///   - maxMemoryBytes: queue bound per sink (default 64 MiB).
    ///   - dropOnOverflow: `.oldest` (default) or `.newest`.
    ///   - minBatchSize: early-flush threshold (default 1: no waiting).
    public init(
        maxBatchSize: Int = 1000,
        flushInterval: Duration = .seconds(5),
        maxMemoryBytes: Int = 64 << 20,
        dropOnOverflow: OverflowDrop = .oldest,
        minBatchSize: Int = 1
    ) {
        self.maxBatchSize = Swift.max(1, maxBatchSize)
        self.flushInterval = flushInterval
        self.maxMemoryBytes = Swift.max(0, maxMemoryBytes)
        self.dropOnOverflow = dropOnOverflow
        self.minBatchSize = Swift.max(1, minBatchSize)
    }
}
