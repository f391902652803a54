/// What a ``MetricsManager/flush(awaitingDelivery:)``,
/// ``MetricsManager/flush(within:)`` or ``MetricsManager/shutdown()`` call
/// saw happen, sink by sink: delivered, dropped (and why), of unknown
/// outcome, or still pending when it returned.
///
/// ```swift
/// let report = try await manager.shutdown()
/// if !report.isDelivered { logger.error("metrics not delivered: \(report)") }
/// ```
///
/// The counts are those of the sinks' ``SinkStats`` between the call and its
/// return, so they include what the periodic export settled meanwhile.
public struct FlushReport: Sendable, Equatable, CustomStringConvertible {
    /// One sink's part of a report.
    public struct SinkOutcome: Sendable, Equatable {
        /// The sink's name, as in ``SinkStats/name``.
        public let name: String
        /// Snapshots the sink delivered during the call.
        public let delivered: Int
        /// Snapshots dropped during the call, by reason.
        public let dropped: [DropReason: Int]
        /// Snapshots in flight when shutdown's deadline passed: the backend
        /// may have them, or not.
        public let unknownOutcome: Int
        /// Snapshots still queued or in flight when the call returned.
        public let pending: Int
        /// The last export failure during the call (what the observer saw
        /// as ``SinkEvent/exportFailed(error:)``), credentials redacted.
        public let lastError: String?

        /// One sink's outcome; each parameter is the property of the same name.
        package init(name: String, delivered: Int = 0, dropped: [DropReason: Int] = [:], unknownOutcome: Int = 0,
                    pending: Int = 0, lastError: String? = nil) {
            self.name = name
            self.delivered = delivered
            self.dropped = dropped
            self.unknownOutcome = unknownOutcome
            self.pending = pending
            self.lastError = lastError
        }

        /// All drops, whatever the reason.
        public var totalDropped: Int { dropped.values.reduce(0, +) }
    }

    /// Per sink name, the snapshots still queued or in flight when the call
    /// returned (sinks with none are left out).
    public let pending: [String: Int]
    /// One entry per sink, in the order the sinks were given.
    public let sinks: [SinkOutcome]

    /// A report of `sinks`; ``pending`` is made from theirs.
    package init(sinks: [SinkOutcome]) {
        self.sinks = sinks
        var pending: [String: Int] = [:]
        for sink in sinks where sink.pending > 0 { pending[sink.name] = sink.pending }
        self.pending = pending
    }

    /// Whether every sink settled everything in time: delivered, or dropped
    /// and counted. Nothing is still queued or in flight.
    public var isComplete: Bool { pending.isEmpty }

    /// Whether everything was delivered: nothing pending, dropped or of
    /// unknown outcome. The check a short-lived program makes before it
    /// exits with status 0.
    public var isDelivered: Bool {
        isComplete && sinks.allSatisfy { $0.totalDropped == 0 && $0.unknownOutcome == 0 }
    }

    /// Snapshots delivered during the call, all sinks together.
    public var delivered: Int { sinks.reduce(0) { $0 + $1.delivered } }

    /// Snapshots dropped during the call, all sinks together.
    public var dropped: Int { sinks.reduce(0) { $0 + $1.totalDropped } }

    public var description: String {
        if sinks.isEmpty {
            return isComplete ? "flushed in time"
                : "not delivered in time: " + pending.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                    .joined(separator: ", ")
        }
        return sinks.map { sink in
            var parts = ["\(sink.delivered) delivered"]
            for (reason, count) in sink.dropped.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                parts.append("\(count) dropped (\(reason))")
            }
            if sink.unknownOutcome > 0 { parts.append("\(sink.unknownOutcome) of unknown outcome") }
            if sink.pending > 0 { parts.append("\(sink.pending) pending") }
            var line = "\(sink.name): " + parts.joined(separator: ", ")
            if let error = sink.lastError { line += "; last error: \(error)" }
            return line
        }.joined(separator: "; ")
    }
}

extension FlushReport {
    /// The report of what each sink settled between `before` and `after`
    /// (two ``SinkStats`` readings of the same sinks, in the same order).
    /// `countsPending: false` reports nothing pending (a drain that
    /// finished in time: what a periodic export queued meanwhile is not
    /// this call's).
    init(before: [SinkStats], after: [SinkStats], countsPending: Bool) {
        self.init(sinks: zip(before, after).map { before, after in
            var dropped: [DropReason: Int] = [:]
            for (reason, count) in after.dropped {
                let added = count - (before.dropped[reason] ?? 0)
                if added > 0 { dropped[reason] = added }
            }
            return SinkOutcome(
                name: after.name, delivered: after.exported - before.exported, dropped: dropped,
                unknownOutcome: after.unknownOutcome - before.unknownOutcome,
                pending: countsPending ? after.queued + after.inFlight : 0,
                lastError: after.failures > before.failures ? after.lastError : nil)
        })
    }
}
