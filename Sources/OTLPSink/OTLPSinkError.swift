import AWSCore

/// What can go wrong sending OTLP, beyond the transport's and AWS's own
/// errors (`HTTPTransportError`, `AWSError` for the CloudWatch endpoint).
public enum OTLPSinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The collector answered with an error status. 429, 502, 503 and 504
    /// are retried (after `retryAfter` when the server said), as the OTLP
    /// specification asks; other statuses are not.
    case httpStatus(code: Int, message: String, retryAfter: Duration?)
    /// The collector accepted the request but rejected some of its points
    /// (OTLP partial success); they are dropped, not retried.
    case partialSuccess(rejectedDataPoints: Int, message: String)
    /// One data point alone encodes larger than a request may be.
    case dataPointTooLarge(metric: String, bytes: Int, limit: Int)
    /// The CloudWatch endpoint needs a region and none was given or found.
    case missingRegion
    /// Only one of an access key id and a secret access key was given.
    case incompleteCredentials
    /// The endpoint is not an http(s) URL with a host.
    case invalidEndpoint(String)

    public var description: String {
        switch self {
        case .httpStatus(let code, let message, let retryAfter):
            var text = "the collector answered HTTP \(code)"
            if !message.isEmpty { text += ": \(message)" }
            if let retryAfter { text += " (retry after \(retryAfter))" }
            return text
        case .partialSuccess(let rejected, let message):
            return "the collector rejected \(rejected) data point(s)" + (message.isEmpty ? "" : ": \(message)")
        case .dataPointTooLarge(let metric, let bytes, let limit):
            return "a data point of \(metric) encodes to \(bytes) bytes, over the request limit of \(limit)"
        case .missingRegion:
            return "no AWS region: pass region: or set AWS_REGION"
        case .incompleteCredentials:
            return "only one of accessKeyId and secretAccessKey was given: pass both, or neither for the default chain"
        case .invalidEndpoint(let url):
            return "invalid OTLP endpoint '\(url)': expected http(s)://host[:port]/path"
        }
    }
}

extension OTLPSinkError: HTTPStatusFailure {
    package var statusCode: Int {
        if case .httpStatus(let code, _, _) = self { return code }
        return 0
    }

    package var retryAfter: Duration? {
        if case .httpStatus(_, _, let retryAfter) = self { return retryAfter }
        return nil
    }

    package var isThrottling: Bool { statusCode == 429 }
    package var isTransient: Bool { [502, 503, 504].contains(statusCode) }
}
