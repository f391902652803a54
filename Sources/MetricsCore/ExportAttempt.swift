/// Which attempt at a batch an export is, handed to
/// ``Sink/export(_:attempt:)`` by the export worker.
public struct ExportAttempt: Sendable {
    /// 1 for the first attempt, 2 for the first retry, and so on.
    public let number: Int
    /// Why the previous attempt left snapshots undelivered (`nil` on the first).
    public let previousError: (any Error)?
    /// The exporting manager's upload interval: how often a window like
    /// this one comes, whatever this window's own length (a flush cuts one
    /// short). `nil` when the caller is not a manager. Rates (a cost a
    /// month, datums a minute) are made from it.
    public let uploadInterval: Duration?

    /// The first attempt at a batch.
    public static let first = ExportAttempt(number: 1, previousError: nil)

    /// Attempt `number` (1 for the first), after `previousError`, of a manager exporting every `uploadInterval`.
    public init(number: Int, previousError: (any Error)?, uploadInterval: Duration? = nil) {
        self.number = Swift.max(1, number)
        self.previousError = previousError
        self.uploadInterval = uploadInterval
    }

    /// The attempt after this one, which failed with `error`.
    func next(after error: any Error) -> ExportAttempt {
        ExportAttempt(number: number + 1, previousError: error, uploadInterval: uploadInterval)
    }
}
