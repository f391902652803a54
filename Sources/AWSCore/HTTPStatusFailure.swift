import Foundation

/// An HTTP error answer from a backend that is not AWS (an OTLP collector,
/// Datadog). ``RetryPolicy`` retries it when it says it is throttling or
/// transient, and waits at least its `Retry-After`.
package protocol HTTPStatusFailure: Error {
    var statusCode: Int { get }
    /// The server's `Retry-After`, if it sent one.
    var retryAfter: Duration? { get }
    /// 429 and the like: back off.
    var isThrottling: Bool { get }
    /// A server-side failure worth retrying.
    var isTransient: Bool { get }
}

extension HTTPResponse {
    /// `Retry-After` as a delay: whole seconds, or an HTTP date (from `now`).
    package func retryAfter(now: Date = Date()) -> Duration? {
        guard let text = header("Retry-After")?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Int(text) { return seconds >= 0 ? .seconds(seconds) : nil }
        guard let date = AWSDate.parseHTTPDate(text) else { return nil }
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
