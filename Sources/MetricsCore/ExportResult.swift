/// What became of one batch handed to a sink: the sink's answer to
/// ``Sink/export(_:attempt:)``.
///
/// Every snapshot of the batch ends up in exactly one place: rejected
/// (invalid for the backend, never retried), refused (the backend said no
/// for good, never retried), `unsent` (not delivered for a reason a retry
/// may fix), or else delivered. A sink records only what went wrong; what
/// it does not record was delivered (``delivered`` is computed). The export
/// worker counts each accordingly and retries only `unsent`, per the
/// sink's ``Sink/retryPolicy``.
///
/// ```swift
/// func export(_ snapshots: [MetricSnapshot], attempt: ExportAttempt) async -> ExportResult {
///     var result = ExportResult(for: snapshots)
///     var valid: [MetricSnapshot] = []
///     for snapshot in snapshots {
///         if snapshot.sum.isFinite { valid.append(snapshot) } else { result.reject(snapshot, error: MyError.notFinite) }
///     }
///     do {
///         try await backend.send(valid)
///     } catch {
///         result.retry(valid, because: error)
///     }
///     return result
/// }
/// ```
public struct ExportResult: Sendable {
    /// A snapshot the sink found invalid for its backend and skipped.
    public struct Rejection: Sendable {
        /// The snapshot's metric name.
        public let metric: String
        /// Why it is invalid.
        public let error: any Error

        /// The snapshot of `metric`, rejected for `error`.
        public init(metric: String, error: any Error) {
            self.metric = metric
            self.error = error
        }
    }

    /// Snapshots the backend refused with an error that retrying does not
    /// fix (one request of several rejected), while the rest went out.
    public struct Refusal: Sendable {
        /// How many snapshots the refusal covers.
        public let count: Int
        /// The backend's answer.
        public let error: any Error

        /// `count` snapshots the backend refused with `error`.
        public init(count: Int, error: any Error) {
            self.count = count
            self.error = error
        }
    }

    /// How many snapshots the sink was handed.
    public let count: Int
    /// Snapshots skipped as invalid; dropped with reason `.invalidDatum`.
    public var rejected: [Rejection]
    /// Snapshots refused for good; dropped with reason `.nonRetryableError`.
    public var refused: [Refusal]
    /// Snapshots not delivered that a retry may deliver.
    public var unsent: [MetricSnapshot]
    /// Why `unsent` were not delivered (`nil` when nothing is unsent).
    public var error: (any Error)?

    /// The outcome of exporting `snapshots`: all delivered, until the sink
    /// records what was rejected, refused or left unsent.
    public init(for snapshots: [MetricSnapshot]) {
        self.init(count: snapshots.count)
    }

    /// The outcome of exporting `count` snapshots: those rejected one by
    /// one, refused by the backend, and left unsent with the `error` that
    /// stopped them; the rest were delivered.
    public init(count: Int, rejected: [Rejection] = [], refused: [Refusal] = [],
                unsent: [MetricSnapshot] = [], error: (any Error)? = nil) {
        self.count = count
        self.rejected = rejected
        self.refused = refused
        self.unsent = unsent
        self.error = error
    }

    /// The whole batch of `count` snapshots was delivered.
    public static func delivered(_ count: Int) -> ExportResult { ExportResult(count: count) }

    /// Nothing was delivered; all of `snapshots` may be retried.
    public static func failed(_ snapshots: [MetricSnapshot], error: any Error) -> ExportResult {
        ExportResult(count: snapshots.count, unsent: snapshots, error: error)
    }

    /// How many snapshots were delivered: the batch less everything
    /// rejected, refused or unsent.
    public var delivered: Int { delivered(outOf: count) }

    /// What this result accounts for as delivered out of `handed` snapshots,
    /// never negative, and with no more unsent than were handed over
    /// (whatever a sink claims): the export loop's count.
    package func delivered(outOf handed: Int) -> Int {
        Swift.max(0, handed - rejected.count - refusedCount - Swift.min(unsent.count, handed))
    }

    /// Records that `snapshot` was skipped as invalid.
    public mutating func reject(_ snapshot: MetricSnapshot, error: any Error) {
        rejected.append(Rejection(metric: snapshot.name, error: error))
    }

    /// Records that the backend refused `count` snapshots for good.
    public mutating func refuse(_ count: Int, error: any Error) {
        guard count > 0 else { return }
        refused.append(Refusal(count: count, error: error))
    }

    /// Records snapshots left undelivered for a reason a retry may fix.
    public mutating func retry(_ snapshots: [MetricSnapshot], because error: any Error) {
        guard !snapshots.isEmpty else { return }
        unsent.append(contentsOf: snapshots)
        self.error = self.error ?? error
    }

    /// How many snapshots were refused for good.
    public var refusedCount: Int { refused.reduce(0) { $0 + $1.count } }

    /// Whether every snapshot was delivered.
    public var isComplete: Bool { rejected.isEmpty && refused.isEmpty && unsent.isEmpty }

    /// The result of a sink's throwing ``Sink/export(_:)``: success delivers
    /// the batch, ``PartialExportError`` leaves its `remaining` unsent, and
    /// any other error leaves the whole batch unsent.
    public static func of(_ snapshots: [MetricSnapshot], _ export: () async throws -> Void) async -> ExportResult {
        do {
            try await export()
            return .delivered(snapshots.count)
        } catch let partial as PartialExportError {
            return ExportResult(count: snapshots.count, unsent: partial.remaining, error: partial.underlying)
        } catch {
            return .failed(snapshots, error: error)
        }
    }

    /// Throws what a caller of the throwing ``Sink/export(_:)`` must hear:
    /// when snapshots are unsent, the error itself if nothing went out, else
    /// ``PartialExportError``; otherwise the first refusal's error.
    /// Rejections are not errors: they were skipped.
    public func throwIfIncomplete() throws {
        if !unsent.isEmpty, delivered == 0, refused.isEmpty, let error { throw error }
        if !unsent.isEmpty {
            throw PartialExportError(remaining: unsent, underlying: error ?? ExportIncompleteError())
        }
        if let refusal = refused.first { throw refusal.error }
    }
}
