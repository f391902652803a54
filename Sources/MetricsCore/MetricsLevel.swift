/// How much a ``MetricsManager`` records.
///
/// The levels are those of the Python original (`aiokpl.metrics.MetricsLevel`):
///
/// ```swift
/// let quiet = MetricsManager(level: .none, sinks: [])        // free: nothing recorded
/// let coarse = MetricsManager(level: .summary, sinks: [sink]) // only `stream` kept
/// ```
public enum MetricsLevel: String, Sendable, CaseIterable, Hashable {
    /// Nothing is recorded: `put` returns at once, instruments are inert,
    /// no task is started and sinks are never started. The Python
    /// original's default; here it must be asked for.
    case none
    /// Only the summary dimensions (by default `stream`) are kept; every other
    /// dimension is dropped before the series is looked up, so series that
    /// differ only in dropped dimensions are merged.
    case summary
    /// Every dimension is kept. The default.
    case detailed
}
