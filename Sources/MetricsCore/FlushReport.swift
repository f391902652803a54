/// What a deadline flush (``MetricsManager/flush(within:)``) left
/// undelivered: still queued or in flight, not dropped.
public struct FlushReport: Sendable, Equatable, CustomStringConvertible {
    /// Per sink name, the snapshots still queued or in flight at the deadline.
    public let pending: [String: Int]

    public init(pending: [String: Int]) {
        self.pending = pending
    }

    /// Whether every sink delivered (or dropped and reported) everything in time.
    public var isComplete: Bool { pending.isEmpty }

    public var description: String {
        isComplete ? "flushed in time"
            : "not delivered in time: " + pending.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
