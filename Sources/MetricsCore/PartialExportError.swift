/// Thrown by a sink that delivered part of a batch: the export worker
/// retries only `remaining`, so the delivered part is never sent twice.
/// (The throwing form of an ``ExportResult`` with `unsent` snapshots.)
public struct PartialExportError: Error, CustomStringConvertible {
    /// The snapshots that were not delivered.
    public let remaining: [MetricSnapshot]
    /// Why delivery stopped.
    public let underlying: any Error

    /// An export that sent part of its batch: `remaining` were not sent, because of `underlying`.
    public init(remaining: [MetricSnapshot], underlying: any Error) {
        self.remaining = remaining
        self.underlying = underlying
    }

    public var description: String {
        "\(remaining.count) snapshot(s) not delivered: \(underlying)"
    }
}

/// Stands in when a sink left snapshots unsent without saying why.
public struct ExportIncompleteError: Error, CustomStringConvertible {
    /// The error, for a sink that reports snapshots unsent without an error of its own.
    package init() {}
    public var description: String { "the sink left snapshots undelivered without an error" }
}
