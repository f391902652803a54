import CWMHTTP

/// What can go wrong sending OTLP, beyond what every HTTP sink meets
/// (`HTTPStatusError` for a collector's error status, `HTTPTransportError`
/// when no answer came; for the CloudWatch endpoint `AWSError`, and
/// `EndpointError` or `CredentialsError` for its configuration).
public enum OTLPSinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The collector accepted the request but rejected some of its points
    /// (OTLP partial success); they are dropped, not retried.
    case partialSuccess(rejectedDataPoints: Int, message: String)
    /// One data point alone encodes larger than a request may be.
    case dataPointTooLarge(metric: String, bytes: Int, limit: Int)
    /// The endpoint is not an http(s) URL with a host.
    case invalidEndpoint(String)

    public var description: String {
        switch self {
        case .partialSuccess(let rejected, let message):
            return "the collector rejected \(rejected) data point(s)" + (message.isEmpty ? "" : ": \(message)")
        case .dataPointTooLarge(let metric, let bytes, let limit):
            return "a data point of \(metric) encodes to \(bytes) bytes, over the request limit of \(limit)"
        case .invalidEndpoint(let url):
            return "invalid OTLP endpoint '\(url)': expected http(s)://host[:port]/path"
        }
    }
}
