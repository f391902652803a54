// Sinks: general-purpose sinks that depend on nothing but MetricsCore:
// NullSink (discard), InMemorySink (keep, for tests and embedding) and
// FanOutSink (one export to several sinks).
//
// Imports: MetricsCore, CWMLocking.

import MetricsCore

/// Discards every snapshot. Useful as a placeholder and in benchmarks.
///
/// ```swift
/// let manager = MetricsManager(level: .detailed, sink: NullSink())
/// ```
public struct NullSink: Sink {
    /// A sink that drops everything.
    public init() {}
    public var name: String { "null" }
    public func export(_ snapshots: [MetricSnapshot]) async throws {}
}
