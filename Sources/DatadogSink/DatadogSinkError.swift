import AWSCore

/// What can go wrong sending to Datadog, beyond the transport's own errors
/// (`HTTPTransportError`). No case ever carries the API or application key.
public enum DatadogSinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No API key: none was passed and `DD_API_KEY` is not set.
    case missingAPIKey
    /// Datadog answered with an error status. 408, 429 and 5xx are retried
    /// (after `retryAfter` when it said); 400, 403 and 413 are not.
    case httpStatus(code: Int, message: String, retryAfter: Duration?)
    /// One series alone is larger than a request may be.
    case seriesTooLarge(metric: String, bytes: Int, limit: Int)
    /// The site or endpoint does not make an http(s) URL with a host.
    case invalidEndpoint(String)

    public var description: String {
        switch self {
        case .missingAPIKey:
            return "no Datadog API key: pass apiKey: or set DD_API_KEY"
        case .httpStatus(let code, let message, let retryAfter):
            var text = "Datadog answered HTTP \(code)"
            if !message.isEmpty { text += ": \(message)" }
            if let retryAfter { text += " (retry after \(retryAfter))" }
            return text
        case .seriesTooLarge(let metric, let bytes, let limit):
            return "the series of \(metric) encodes to \(bytes) bytes, over the request limit of \(limit)"
        case .invalidEndpoint(let url):
            return "invalid Datadog endpoint '\(url)': expected http(s)://host[:port]"
        }
    }
}

extension DatadogSinkError: HTTPStatusFailure {
    package var statusCode: Int {
        if case .httpStatus(let code, _, _) = self { return code }
        return 0
    }

    package var retryAfter: Duration? {
        if case .httpStatus(_, _, let retryAfter) = self { return retryAfter }
        return nil
    }

    package var isThrottling: Bool { statusCode == 429 }
    package var isTransient: Bool { statusCode == 408 || (500..<600).contains(statusCode) }
}
