import CWMHTTP

/// What can go wrong sending to Datadog, beyond what every HTTP sink meets
/// (`HTTPStatusError` for an error status, `HTTPTransportError` when no
/// answer came). No error ever carries the API or application key.
public enum DatadogSinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No API key: none was passed and `DD_API_KEY` is not set.
    case missingAPIKey
    /// One series alone is larger than a request may be.
    case seriesTooLarge(metric: String, bytes: Int, limit: Int)
    /// The site or endpoint does not make an http(s) URL with a host.
    case invalidEndpoint(String)

    public var description: String {
        switch self {
        case .missingAPIKey:
            return "no Datadog API key: pass apiKey: or set DD_API_KEY"
        case .seriesTooLarge(let metric, let bytes, let limit):
            return "the series of \(metric) encodes to \(bytes) bytes, over the request limit of \(limit)"
        case .invalidEndpoint(let url):
            return "invalid Datadog endpoint '\(url)': expected http(s)://host[:port]"
        }
    }
}
