import CWMHTTP
import Foundation

/// An error response from an AWS API (or a compatible server), parsed from
/// any of the shapes they use:
///
/// - AWS Query XML: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`
///   (moto's auth errors nest it as `<ErrorResponse><Errors><Error>…`);
/// - AWS JSON: `{"__type": "namespace#Code", "message": "…"}`, where the
///   `x-amzn-query-error: Code;Sender` header of query-compatible services
///   (CloudWatch) carries the Query code and wins.
///
/// ```swift
/// catch let error as AWSError where error.code == "InvalidParameterValue" { ... }
/// ```
///
/// Its text never contains the credentials it was made with: the client
/// removes the secret and session token from messages that echo a request.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error code, for example `Throttling` or `InvalidParameterValue`.
    public let code: String
    /// The service's message.
    public let message: String
    /// The HTTP status.
    public let statusCode: Int
    /// The request id, when the service sent one.
    public let requestId: String?
    /// `Sender` or `Receiver` when the service said.
    public let faultType: String?
    /// The server's `x-amz-retry-after` hint.
    public let retryAfter: Duration?

    /// An error as a service returned it: its code, message and HTTP status, the request id, the fault type (`Sender` or `Receiver`) and any `Retry-After`.
    public init(code: String, message: String, statusCode: Int, requestId: String? = nil,
                faultType: String? = nil, retryAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.statusCode = statusCode
        self.requestId = requestId
        self.faultType = faultType
        self.retryAfter = retryAfter
    }

    public var description: String {
        var text = "\(code) (HTTP \(statusCode)): \(message)"
        if let requestId { text += " [request id \(requestId)]" }
        return text
    }

    /// Codes AWS SDKs treat as throttling (standard retry mode). Not
    /// `LimitExceededException`: for CloudWatch Logs it means a quota is
    /// full, which retrying does not fix.
    package static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "RequestThrottled", "SlowDown",
        "PriorRequestNotComplete", "EC2ThrottledException",
    ]

    /// Codes of transient failures.
    package static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "InternalFailure",
        "InternalServiceError", "InternalError", "ServiceUnavailable", "ServiceUnavailableException",
    ]

    /// Throttled: back off and retry.
    package var isThrottling: Bool { Self.throttlingCodes.contains(code) || statusCode == 429 }

    /// A server-side failure worth retrying.
    package var isTransient: Bool { [500, 502, 503, 504].contains(statusCode) || Self.transientCodes.contains(code) }

    /// Retrying may succeed (throttling or transient); validation and
    /// authentication errors are not retryable.
    public var isRetryable: Bool { isThrottling || isTransient }

    /// Parses a non-2xx response, removing `redacting` (secrets) from the text.
    package static func parse(_ response: HTTPResponse, redacting secrets: [String] = []) -> AWSError {
        let body = String(decoding: response.body, as: UTF8.self)
        var code: String?
        var message: String?
        var requestId = response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id")
        var faultType: String?

        if let queryError = response.header("x-amzn-query-error") {
            let parts = queryError.split(separator: ";", maxSplits: 1)
            if let first = parts.first, !first.isEmpty { code = String(first) }
            if parts.count > 1 { faultType = String(parts[1]) }
        }
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{"), let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] {
            if code == nil, let type = (object["__type"] ?? object["code"] ?? object["Code"]) as? String {
                code = type.split(separator: "#").last.map(String.init) ?? type
            }
            message = (object["message"] ?? object["Message"]) as? String
        } else if trimmed.hasPrefix("<") {
            code = code ?? XMLText.first("Code", in: trimmed)
            message = XMLText.first("Message", in: trimmed)
            requestId = requestId ?? XMLText.first("RequestId", in: trimmed) ?? XMLText.first("RequestID", in: trimmed)
            faultType = faultType ?? XMLText.first("Type", in: trimmed)
        }
        let retryAfter = response.header("x-amz-retry-after").flatMap(Int.init).map { Duration.milliseconds($0) }
        // Redacted before it is cut short: a secret cut in two would no longer match.
        let fallbackMessage = trimmed.isEmpty ? "no error details in the response"
            : String(trimmed.redacting(secrets).prefix(300))
        return AWSError(
            code: (code ?? "HTTP\(response.status)").redacting(secrets),
            message: message?.redacting(secrets) ?? fallbackMessage,
            statusCode: response.status, requestId: requestId, faultType: faultType, retryAfter: retryAfter)
    }
}

/// Just enough XML reading for error responses and a few result documents:
/// the text of the first element with a given name, entities decoded.
enum XMLText {
    static func first(_ element: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(element)>"),
              let close = xml.range(of: "</\(element)>", range: open.upperBound..<xml.endIndex) else { return nil }
        return decodeEntities(String(xml[open.upperBound..<close.lowerBound]))
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&#xA;", with: "\n").replacingOccurrences(of: "&amp;", with: "&")
    }
}

extension AWSError: RetryClassifiedError {
    package var retryKind: RetryPolicy.Kind? {
        isThrottling ? .throttling : isTransient ? .transient : nil
    }

    package var refusalStatus: Int? { statusCode }

    /// Never sooner than `x-amz-retry-after`, and never more than 5 s later
    /// than the computed delay on its account.
    package func retryDelay(jittered: Duration, maxDelay: Duration) -> Duration {
        guard let retryAfter else { return jittered }
        return min(max(jittered, retryAfter), jittered + .seconds(5))
    }
}
