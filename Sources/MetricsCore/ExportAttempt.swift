/// Which attempt at a batch an export is, handed to
/// ``Sink/export(_:attempt:)`` by the export worker.
public struct ExportAttempt: Sendable {
    /// 1 for the first attempt, 2 for the first retry, and so on.
    public let number: Int
    /// Why the previous attempt left snapshots undelivered (`nil` on the first).
    public let previousError: (any Error)?

    /// The first attempt at a batch.
    public static let first = ExportAttempt(number: 1, previousError: nil)

    public init(number: Int, previousError: (any Error)?) {
        self.number = Swift.max(1, number)
        self.previousError = previousError
    }
}
