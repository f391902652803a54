import Foundation

/// Why snapshots were dropped on their way to a sink.
public enum DropReason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The sink's queue was over its memory bound (see ``BatchingConfig``).
    case queueFull
    /// Every attempt allowed by the retry policy failed.
    case retriesExhausted
    /// The sink failed with an error its retry policy does not retry
    /// (for example CloudWatch's `InvalidParameterValue`).
    case nonRetryableError
    /// Shutdown's deadline passed before the sink had taken them, or they
    /// reached the sink's queue after its final drain (observations that
    /// came in after the final cut). What was in flight at the deadline is
    /// not dropped but ``SinkEvent/outcomeUnknown(count:)``.
    case shutdownDeadline
    /// The sink found them invalid for its backend and skipped them
    /// (for example NaN, or more than 30 CloudWatch dimensions).
    case invalidDatum

    public var description: String { rawValue }
}

/// Why an observation was not recorded.
public enum RejectionReason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// NaN or ±infinity.
    case nonFiniteValue
    /// An empty metric name.
    case emptyName
    /// A negative increment of a counter (counters only go up).
    case negativeIncrement
    /// Recorded after the manager shut down.
    case afterShutdown

    public var description: String { rawValue }
}

/// What happened to one sink's exports.
public enum SinkEvent: Sendable {
    /// `count` snapshots were delivered by one `export` call taking `duration`.
    case exported(count: Int, duration: Duration)
    /// Attempt `attempt` failed with `error` and will be retried.
    case retried(attempt: Int, error: any Error)
    /// `count` snapshots were dropped for `reason`.
    case batchDropped(count: Int, reason: DropReason)
    /// `count` snapshots were in a request still in flight when shutdown's
    /// deadline passed: the call was abandoned, and the backend may have
    /// them or not (``SinkStats/unknownOutcome``).
    case outcomeUnknown(count: Int)
    /// An export failed for good; a `batchDropped` event with the count follows.
    case exportFailed(error: any Error)
    /// The sink rejected one snapshot of metric `metric` before sending it,
    /// with a typed error of the sink's own (``DataPointError`` for OTLP and
    /// Datadog, `MetricDatumValidationError` for CloudWatch); counted in
    /// `batchDropped(_, .invalidDatum)`.
    case datumRejected(metric: String, error: any Error)
}

/// Everything a ``MetricsManager`` reports about itself.
///
/// ```swift
/// for await event in manager.events() {
///     if case .sink(let name, .batchDropped(let count, let reason)) = event {
///         print("\(name) dropped \(count): \(reason)")
///     }
/// }
/// ```
public enum MetricsEvent: Sendable {
    /// An event of the sink named `sink`.
    case sink(String, SinkEvent)
    /// `count` observations were rejected for `reason` since the last report
    /// (reported once per window, not per observation).
    case observationsRejected(count: Int, reason: RejectionReason)
    /// Observations of `metric` were among those rejected for `reason`:
    /// follows ``observationsRejected(count:reason:)``, once per metric, for
    /// at most 10 metrics a reason and window (a value that is not finite,
    /// a negative increment; rejections after shutdown are not named).
    case observationsRejectedFor(metric: String, reason: RejectionReason)
    /// `count` lookups of new series of metric `metric` were folded into its
    /// overflow series since the last report, a cardinality limit being
    /// reached (reported once per window per metric; see ``CardinalityLimits``).
    case seriesFolded(metric: String, count: Int)
    /// `count` series idle for the configured number of windows were removed
    /// at this window's cut (see ``MetricsManager/Configuration/seriesExpiry``).
    case seriesExpired(count: Int)
}

/// Receives a manager's events as they happen. Called from the export
/// workers' tasks: return quickly.
///
/// ```swift
/// struct DropAlarm: MetricsObserver {
///     func observe(_ event: MetricsEvent) {
///         if case .sink(_, .batchDropped) = event { alarm.raise() }
///     }
/// }
/// ```
public protocol MetricsObserver: Sendable {
    /// Receives one event. Called on the task that caused it: return quickly, and never block.
    func observe(_ event: MetricsEvent)
}
