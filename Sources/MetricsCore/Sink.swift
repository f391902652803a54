import Foundation

/// A destination for snapshots: CloudWatch, the console, memory, nowhere.
///
/// The manager calls `start()` once before the first export, `export(_:)`
/// from the sink's own export worker (never on the recording path, and
/// never concurrently with itself unless the sink allows it with
/// ``maxConcurrentExports``), and `shutdown()` once after the final drain.
/// `start()` and `shutdown()` default to doing nothing.
///
/// ```swift
/// struct PrintSink: Sink {
///     func export(_ snapshots: [MetricSnapshot]) async throws {
///         for snapshot in snapshots { print(snapshot) }
///     }
/// }
/// ```
///
/// An `export` that throws is retried per ``retryPolicy``; when a sink has
/// delivered part of a batch before failing it throws ``PartialExportError``
/// so that only the rest is retried and nothing is delivered twice.
///
/// A sink that has more to say (snapshots it skipped as invalid, requests
/// its backend refused for good while others went out, which attempt this
/// is) implements ``export(_:attempt:)`` instead and answers with an
/// ``ExportResult``. A sink implements one of the two: each defaults to the
/// other (a sink that implements neither has every batch dropped as
/// refused, with ``SinkExportMissingError``).
public protocol Sink: Sendable {
    /// A short name for events, stats and logs. Defaults to the type's name.
    var name: String { get }
    /// How the export worker retries a failed `export`. Defaults to
    /// ``ExponentialBackoffRetryPolicy`` (3 attempts); AWS sinks supply the
    /// AWS SDK standard retry mode.
    var retryPolicy: any ExportRetryPolicy { get }
    /// How many batches the export worker may hand to `export` at once,
    /// each with its own retries. Defaults to 1: one batch at a time, in
    /// order. A sink that returns more must be safe to call concurrently;
    /// batches then finish in any order (each snapshot is still accounted
    /// once). `CloudWatchSink` sends its requests this way, so that a large
    /// window is encoded and signed on every core and its round trips overlap.
    var maxConcurrentExports: Int { get }
    /// Prepares the sink (opens files, resolves clients). Default: nothing.
    func start() async throws
    /// Delivers one batch of snapshots. Default: ``export(_:attempt:)``,
    /// throwing what its result leaves undelivered
    /// (``ExportResult/throwIfIncomplete()``).
    func export(_ snapshots: [MetricSnapshot]) async throws
    /// Delivers one batch and says what became of every snapshot. The export
    /// worker calls this one. Default: ``export(_:)``, read through
    /// ``ExportResult/of(_:_:)``.
    func export(_ snapshots: [MetricSnapshot], attempt: ExportAttempt) async -> ExportResult
    /// Releases the sink's resources after the last export. Default: nothing.
    func shutdown() async throws
}

extension Sink {
    public var name: String { String(describing: type(of: self)) }
    public var retryPolicy: any ExportRetryPolicy { ExponentialBackoffRetryPolicy() }
    public var maxConcurrentExports: Int { 1 }
    public func start() async throws {}
    public func shutdown() async throws {}
    public func export(_ snapshots: [MetricSnapshot], attempt: ExportAttempt) async -> ExportResult {
        let kind = ObjectIdentifier(Self.self)
        // Called from the other default: the sink implements neither form.
        if SinkForwarding.fromThrowingForm.contains(kind) {
            return ExportResult(count: snapshots.count,
                                refused: [.init(count: snapshots.count, error: SinkExportMissingError(sink: name))])
        }
        let result = await SinkForwarding.$fromResultForm.withValue(SinkForwarding.fromResultForm.union([kind])) {
            await ExportResult.of(snapshots) { try await export(snapshots) }
        }
        if let missing = result.error as? SinkExportMissingError {
            return ExportResult(count: snapshots.count, refused: [.init(count: snapshots.count, error: missing)])
        }
        return result
    }

    public func export(_ snapshots: [MetricSnapshot]) async throws {
        let kind = ObjectIdentifier(Self.self)
        if SinkForwarding.fromResultForm.contains(kind) { throw SinkExportMissingError(sink: name) }
        try await SinkForwarding.$fromThrowingForm.withValue(SinkForwarding.fromThrowingForm.union([kind])) {
            try await export(snapshots, attempt: .first).throwIfIncomplete()
        }
    }
}

/// The sink types whose default `export` is forwarding to the other form
/// in this task: a default that finds its own type here was called by the
/// other default, so the sink implements neither. Keyed by type, so that a
/// sink that exports into another sink is not mistaken for one.
private enum SinkForwarding {
    @TaskLocal static var fromResultForm: Set<ObjectIdentifier> = []
    @TaskLocal static var fromThrowingForm: Set<ObjectIdentifier> = []
}

/// A ``Sink`` that implements neither `export(_:)` nor
/// `export(_:attempt:)`: its batches are refused (dropped, counted), not
/// retried.
public struct SinkExportMissingError: Error, CustomStringConvertible {
    /// The sink's name.
    public let sink: String

    public var description: String {
        "sink \(sink) implements neither export(_:) nor export(_:attempt:): implement one of them"
    }
}

/// A sink that also wants every observation as it happens, as the Python
/// original's `EventfulMetricsSink` did.
///
/// `record(_:)` is called synchronously on the recording thread, so it must
/// be cheap and must not block: append to a lock-free buffer or a counter,
/// never do I/O.
public protocol EventfulSink: Sink {
    /// Receives one observation, on the thread that recorded it.
    func record(_ event: MetricEvent)
}

/// One observation, as handed to an ``EventfulSink``.
public struct MetricEvent: Sendable, CustomStringConvertible {
    /// The metric name.
    public let name: String
    /// The observed value (for a counter, the increment).
    public let value: Double
    /// Wall-clock time of the observation.
    public let timestamp: Date
    /// The series' dimensions after level filtering.
    public let dimensions: [(String, String)]

    /// An event of `name` with `value`, observed at `timestamp`, with `dimensions` in order.
    public init(name: String, value: Double, timestamp: Date, dimensions: [(String, String)] = []) {
        self.name = name
        self.value = value
        self.timestamp = timestamp
        self.dimensions = dimensions
    }

    public var description: String { "\(name)=\(value) \(dimensions)" }
}
