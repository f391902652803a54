import Synchronization

/// What a sink can tell the export worker while it exports: that it found
/// a snapshot invalid for its backend and skipped it.
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
    private let onEvent: @Sendable (SinkEvent) -> Void

    /// A context that passes each rejection to `onEvent` (tests bind their
    /// own with `ExportContext.$current.withValue(...)`).
    public init(onEvent: @escaping @Sendable (SinkEvent) -> Void = { _ in }) {
        self.onEvent = onEvent
    }

    /// Reports that `snapshot` was skipped because of `error`.
    public func reject(_ snapshot: MetricSnapshot, error: any Error) {
        rejected.wrappingAdd(1, ordering: .relaxed)
        onEvent(.datumRejected(metric: snapshot.name, error: error))
    }

    /// How many snapshots were rejected in this context so far.
    public var rejectedCount: Int { rejected.load(ordering: .relaxed) }
}
