// MetricsLogging: the SDK's events through a swift-log Logger (trait
// `Logging`).
//
// Imports: MetricsCore, Logging.

// Built only with this package's `Logging` trait, which brings its
// dependency; without it this module is empty and the package resolves
// no dependency for it.
#if Logging
import Logging
import MetricsCore

/// Reports the SDK's events through a swift-log `Logger`, instead of
/// standard error: drops as errors, failed exports and rejected data as
/// warnings, retries as notices, routine events (exports, expiry) at debug.
///
/// ```swift
/// let observer = LoggingObserver(logger: Logger(label: "metrics"))
/// let manager = MetricsManager(level: .detailed, sinks: [ConsoleSink()],
///                              configuration: .init(observer: observer))
/// ```
///
/// Each message carries metadata (`metrics.sink`, `metrics.count`,
/// `metrics.reason`, `metrics.error`, `metrics.metric`). Errors are logged
/// by their `description`, which for every error of the SDK leaves out
/// credentials and keys.
public struct LoggingObserver: MetricsObserver {
    /// The logger every event goes to.
    public let logger: Logger
    /// The level of routine events: a batch exported, series expired (default `.debug`).
    public let routineLevel: Logger.Level

    /// An observer logging to `logger`, routine events at `routineLevel`.
    public init(logger: Logger, routineLevel: Logger.Level = .debug) {
        self.logger = logger
        self.routineLevel = routineLevel
    }

    public func observe(_ event: MetricsEvent) {
        let (level, message, metadata) = Self.entry(for: event, routineLevel: routineLevel)
        logger.log(level: level, message, metadata: metadata)
    }

    /// What is logged for `event`: level, message and metadata.
    static func entry(for event: MetricsEvent,
                      routineLevel: Logger.Level) -> (Logger.Level, Logger.Message, Logger.Metadata) {
        switch event {
        case .sink(let sink, let sinkEvent):
            var metadata: Logger.Metadata = ["metrics.sink": "\(sink)"]
            switch sinkEvent {
            case .exported(let count, let duration):
                metadata["metrics.count"] = "\(count)"
                metadata["metrics.duration"] = "\(duration)"
                return (routineLevel, "metrics exported", metadata)
            case .retried(let attempt, let error):
                metadata["metrics.attempt"] = "\(attempt)"
                metadata["metrics.error"] = "\(error)"
                return (.notice, "metrics export retried", metadata)
            case .batchDropped(let count, let reason):
                metadata["metrics.count"] = "\(count)"
                metadata["metrics.reason"] = "\(reason)"
                return (.error, "metrics dropped", metadata)
            case .outcomeUnknown(let count):
                metadata["metrics.count"] = "\(count)"
                return (.warning, "metrics in flight at the shutdown deadline: the backend may have them", metadata)
            case .exportFailed(let error):
                metadata["metrics.error"] = "\(error)"
                return (.warning, "metrics export failed", metadata)
            case .datumRejected(let metric, let error):
                metadata["metrics.metric"] = "\(metric)"
                metadata["metrics.error"] = "\(error)"
                return (.warning, "metric rejected by the sink", metadata)
            }
        case .observationsRejected(let count, let reason):
            return (.warning, "observations rejected", ["metrics.count": "\(count)", "metrics.reason": "\(reason)"])
        case .observationsRejectedFor(let metric, let reason):
            return (.warning, "observations of a metric rejected", ["metrics.metric": "\(metric)", "metrics.reason": "\(reason)"])
        case .seriesFolded(let metric, let count):
            return (.warning, "new series folded into the overflow series (cardinality limit)",
                    ["metrics.metric": "\(metric)", "metrics.count": "\(count)"])
        case .seriesExpired(let count):
            return (routineLevel, "idle series expired", ["metrics.count": "\(count)"])
        }
    }
}
#endif  // Logging
