import Synchronization

/// What a sink can tell the export worker while it exports: that it found
/// a snapshot invalid for its backend and skipped it, or that its backend
/// refused part of the batch for good; and what the sink can learn: which
/// attempt this is.
///
/// The worker binds a context around every `export` call; a sink reaches it
/// through ``current``. Skipped snapshots are reported to the manager's
/// observer (`SinkEvent.datumRejected`), counted as dropped with reason
/// `.invalidDatum`, and not counted as exported.
///
/// ```swift
/// func export(_ snapshots: [MetricSnapshot]) async throws {
///     for snapshot in snapshots where snapshot.sum.isNaN {
///         ExportContext.current?.reject(snapshot, error: MyError.notANumber)
///     }
///     ...
/// }
/// ```
public final class ExportContext: Sendable {
    /// The context of the export in progress, or `nil` outside an export worker.
    @TaskLocal public static var current: ExportContext?

    private let rejected = Atomic<Int>(0)
    private let failed = Atomic<Int>(0)
    private let onEvent: @Sendable (SinkEvent) -> Void
    /// The attempt this export is: 1 for the first, 2 for the first retry...
    public let attempt: Int
    /// Why the previous attempt failed (`nil` on the first attempt).
    public let previousError: (any Error)?

    /// A context that passes each rejection to `onEvent` (tests bind their
    /// own with `ExportContext.$current.withValue(...)`).
    public init(attempt: Int = 1, previousError: (any Error)? = nil,
                onEvent: @escaping @Sendable (SinkEvent) -> Void = { _ in }) {
        self.attempt = attempt
        self.previousError = previousError
        self.onEvent = onEvent
    }

    /// Reports that `snapshot` was skipped because of `error`.
    public func reject(_ snapshot: MetricSnapshot, error: any Error) {
        rejected.wrappingAdd(1, ordering: .relaxed)
        onEvent(.datumRejected(metric: snapshot.name, error: error))
    }

    /// How many snapshots were rejected in this context so far.
    public var rejectedCount: Int { rejected.load(ordering: .relaxed) }

    /// Reports that the backend refused `count` snapshots of the batch with
    /// an error that retrying does not fix (one rejected request of
    /// several): they are dropped (`.nonRetryableError`) and reported with
    /// `error`, while the rest of the batch is still delivered.
    public func fail(_ count: Int, error: any Error) {
        guard count > 0 else { return }
        failed.wrappingAdd(count, ordering: .relaxed)
        onEvent(.exportFailed(error: error))
        onEvent(.batchDropped(count: count, reason: .nonRetryableError))
    }

    /// How many snapshots were dropped through ``fail(_:error:)`` so far.
    public var failedCount: Int { failed.load(ordering: .relaxed) }
}
