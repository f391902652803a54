import Foundation

/// Counters of one sink's export worker, as returned by ``MetricsManager/stats()``.
///
/// Every snapshot handed to a worker ends up in exactly one of `exported`,
/// `dropped` (by reason) or `unknownOutcome`, or is still `queued`/`inFlight`.
public struct SinkStats: Sendable, Equatable {
    /// The sink's name.
    public let name: String
    /// Snapshots waiting in the queue.
    public let queued: Int
    /// Snapshots handed to the sink and not yet settled.
    public let inFlight: Int
    /// Estimated bytes of queued and in-flight snapshots (bounded by
    /// ``BatchingConfig/maxMemoryBytes``).
    public let memoryBytes: Int
    /// Snapshots the sink delivered.
    public let exported: Int
    /// Snapshots dropped, by reason.
    public let dropped: [DropReason: Int]
    /// Snapshots in a request still in flight when shutdown's deadline
    /// passed: never sent again, and the backend may have them (or not).
    public let unknownOutcome: Int
    /// Retries performed.
    public let retries: Int
    /// When the sink last delivered something.
    public let lastExport: Date?
    /// The sink's last export failure (a refusal, or the error it gave up
    /// on), as text with credentials redacted; `nil` while none failed.
    public let lastError: String?
    /// Export failures so far: tells a report whether ``lastError`` is new.
    let failures: Int

    /// All drops, whatever the reason.
    public var totalDropped: Int { dropped.values.reduce(0, +) }
}

/// A manager's counters, from ``MetricsManager/stats()``.
public struct MetricsStats: Sendable, Equatable {
    /// One entry per sink, in the order the sinks were given.
    public let sinks: [SinkStats]
    /// Observations refused since the manager was created, by reason.
    public let rejected: [RejectionReason: Int]
    /// Live series in the registry.
    public let seriesCount: Int
    /// Lookups of new series folded into an overflow series since the
    /// manager was created (``CardinalityLimits``).
    public let foldedSeries: Int
    /// Series removed for idleness since the manager was created.
    public let expiredSeries: Int

    /// Statistics; each parameter is the property of the same name.
    package init(sinks: [SinkStats], rejected: [RejectionReason: Int], seriesCount: Int, foldedSeries: Int = 0,
                expiredSeries: Int = 0) {
        self.sinks = sinks
        self.rejected = rejected
        self.seriesCount = seriesCount
        self.foldedSeries = foldedSeries
        self.expiredSeries = expiredSeries
    }

    /// The stats of the sink named `name`.
    public subscript(sink name: String) -> SinkStats? {
        sinks.first { $0.name == name }
    }
}
