import Foundation

/// A destination for snapshots: CloudWatch, the console, memory, nowhere.
///
/// The manager calls `start()` once before the first export, `export(_:)`
/// from the sink's own export worker (never concurrently with itself, never
/// on the recording path), and `shutdown()` once after the final drain.
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
/// is) implements ``export(_:attempt:)`` and answers with an
/// ``ExportResult``; its `export(_:)` then usually forwards to it.
public protocol Sink: Sendable {
    /// A short name for events, stats and logs. Defaults to the type's name.
    var name: String { get }
    /// How the export worker retries a failed `export`. Defaults to
    /// ``ExponentialBackoffRetryPolicy`` (3 attempts); AWS sinks supply the
    /// AWS SDK standard retry mode.
    var retryPolicy: any ExportRetryPolicy { get }
    /// Prepares the sink (opens files, resolves clients). Default: nothing.
    func start() async throws
    /// Delivers one batch of snapshots.
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
    public func start() async throws {}
    public func shutdown() async throws {}
    public func export(_ snapshots: [MetricSnapshot], attempt: ExportAttempt) async -> ExportResult {
        await ExportResult.of(snapshots) { try await export(snapshots) }
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
