/// Why a snapshot cannot be sent as a data point by a sink that applies no
/// backend's own rules (OTLP, Datadog): it is skipped and reported
/// (`SinkEvent.datumRejected` with this error, counted as dropped with
/// reason `.invalidDatum`); the rest of its batch is sent. The CloudWatch
/// sinks check CloudWatch's stricter rules instead (`MetricDatumValidationError`).
public enum DataPointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The metric's name is empty.
    case emptyMetricName
    /// The snapshot holds no observation to send.
    case noObservations
    /// NaN or ±infinity in `field` (`sum`, `min`, `max`, `last`).
    case nonFiniteValue(field: String)

    /// What is wrong, naming the field, never a dimension's value.
    public var description: String {
        switch self {
        case .emptyMetricName: return "the metric name is empty"
        case .noObservations: return "the snapshot has no observations"
        case .nonFiniteValue(let field): return "\(field) is NaN or infinite"
        }
    }
}
