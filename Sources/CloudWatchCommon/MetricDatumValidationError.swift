import MetricsCore

/// Why a snapshot cannot become a valid CloudWatch datum (through
/// PutMetricData or EMF: both sinks check the same rules). The snapshot is
/// skipped and reported (`SinkEvent.datumRejected` with this error, counted
/// as dropped with reason `.invalidDatum`); the rest of its batch is sent.
///
/// Texts name metrics and dimension keys, never dimension values, which
/// may carry user data.
public enum MetricDatumValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The metric's name is empty.
    case emptyMetricName
    /// The metric's name is longer than 255 characters.
    case metricNameTooLong(length: Int)
    /// NaN or ±infinity in `field` (`Sum`, `Minimum`, `Maximum`, `Values`).
    case nonFiniteValue(field: String)
    /// Magnitude beyond CloudWatch's range (about 1.17e108).
    case valueOutOfRange(field: String, value: Double)
    /// The snapshot holds no observation to send.
    case noObservations
    /// More than 30 dimensions.
    case tooManyDimensions(count: Int)
    /// A dimension's name is empty.
    case emptyDimensionName
    /// The value of `dimension` is empty.
    case emptyDimensionValue(dimension: String)
    /// A dimension's name is longer than 255 characters.
    case dimensionNameTooLong(dimension: String, length: Int)
    /// The value of `dimension` is longer than 1,024 characters.
    case dimensionValueTooLong(dimension: String, length: Int)
    /// CloudWatch accepts only ASCII in dimension names and values.
    case nonASCIIDimension(dimension: String)
    /// A control character in the name or value of `dimension`.
    case controlCharacterInDimension(dimension: String)
    /// A name or value made of whitespace only.
    case blankDimension(dimension: String)
    /// A dimension's name starts with a colon, which CloudWatch reserves.
    case dimensionNameStartsWithColon(dimension: String)
    /// Two dimensions share the name `dimension`.
    case duplicateDimension(dimension: String)
    /// A unit that is not one of CloudWatch's (`MetricUnit.standardUnits`).
    case unsupportedUnit(String)
    /// EMF only: the metric's name is also the name of one of its
    /// dimensions, of a property, or `_aws`: one JSON member cannot be both.
    case metricNameClash(name: String)

    public var description: String {
        switch self {
        case .emptyMetricName: return "the metric name is empty"
        case .metricNameTooLong(let length): return "the metric name has \(length) characters (at most 255)"
        case .nonFiniteValue(let field): return "\(field) is NaN or infinite"
        case .valueOutOfRange(let field, let value): return "\(field) = \(value) is beyond CloudWatch's range (±1.174271e108)"
        case .noObservations: return "the snapshot has no observations"
        case .tooManyDimensions(let count): return "\(count) dimensions (at most 30)"
        case .emptyDimensionName: return "a dimension name is empty"
        case .emptyDimensionValue(let name): return "dimension \(name) has an empty value"
        case .dimensionNameTooLong(let name, let length): return "dimension name \(name.prefix(40))... has \(length) characters (at most 255)"
        case .dimensionValueTooLong(let name, let length): return "the value of dimension \(name) has \(length) characters (at most 1024)"
        case .nonASCIIDimension(let name): return "dimension \(name) has non-ASCII characters in its name or value"
        case .controlCharacterInDimension(let name): return "dimension \(name) has control characters in its name or value"
        case .blankDimension(let name): return "dimension \(name) has a name or value of whitespace only"
        case .dimensionNameStartsWithColon(let name): return "dimension name \(name) starts with ':'"
        case .duplicateDimension(let name): return "dimension \(name) appears twice"
        case .unsupportedUnit(let unit): return "unit \(unit) is not a CloudWatch StandardUnit"
        case .metricNameClash(let name): return "metric name \(name) is also a dimension or property name (or _aws) in its EMF document"
        }
    }
}
