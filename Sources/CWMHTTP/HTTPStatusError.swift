import CWMUTCTime
import Foundation

/// An error status from a backend that is not AWS (an OTLP collector,
/// Datadog; AWS's own answers are AWSCore's `AWSError`). ``RetryPolicy`` retries a
/// 429 and the statuses the backend's protocol calls transient, never sooner
/// than `retryAfter`.
public struct HTTPStatusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Who answered, as the message names it: `the collector`, `Datadog`.
    public let server: String
    /// The HTTP status.
    public let statusCode: Int
    /// The start of the response body (at most 256 characters, control
    /// characters replaced), or empty.
    public let message: String
    /// The server's `Retry-After` (or Datadog's `X-RateLimit-Reset`), if it sent one.
    public let retryAfter: Duration?
    /// A server-side failure the backend's protocol says to retry (OTLP:
    /// 502, 503, 504; Datadog: 408 and 5xx).
    package let isTransient: Bool

    package init(server: String, statusCode: Int, message: String, retryAfter: Duration?, isTransient: Bool) {
        self.server = server
        self.statusCode = statusCode
        self.message = message
        self.retryAfter = retryAfter
        self.isTransient = isTransient
    }

    /// 429: back off.
    package var isThrottling: Bool { statusCode == 429 }

    public var description: String {
        var text = "\(server) answered HTTP \(statusCode)"
        if !message.isEmpty { text += ": \(message)" }
        if let retryAfter { text += " (retry after \(retryAfter))" }
        return text
    }
}

extension HTTPStatusError: RetryClassifiedError {
    package var retryKind: RetryPolicy.Kind? {
        isThrottling ? .throttling : isTransient ? .transient : nil
    }

    /// A 408 from a collector or Datadog is the server's timeout, not the request's fault.
    package var refusalStatus: Int? { statusCode == 408 ? nil : statusCode }

    /// Never sooner than the server's `Retry-After`, up to the policy's cap.
    package func retryDelay(jittered: Duration, maxDelay: Duration) -> Duration {
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, maxDelay))
    }
}

extension HTTPResponse {
    /// `Retry-After` as a delay: whole seconds, or an HTTP date (from `now`).
    package func retryAfter(now: Date = Date()) -> Duration? {
        guard let text = header("Retry-After")?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Int(text) { return seconds >= 0 ? .seconds(seconds) : nil }
        guard let date = UTCTime.parseHTTPDate(text) else { return nil }
        return .milliseconds(max(0, Int(date.timeIntervalSince(now) * 1000)))
    }

    /// The start of the body as text, for an error message: at most
    /// `limit` characters, control characters replaced.
    package func bodyExcerpt(limit: Int = 256) -> String {
        let text = String(decoding: body.prefix(limit * 4), as: UTF8.self)
        let cleaned = String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
        return String(cleaned.prefix(limit)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
