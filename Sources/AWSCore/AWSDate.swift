import Foundation
import CWMUTCTime

/// The date formats AWS uses, computed directly from the epoch (no
/// DateFormatter, no locale, always UTC).
package enum AWSDate {
    /// `20150830T123600Z`, the SigV4 `X-Amz-Date` format.
    package static func amzDate(_ date: Date) -> String {
        let c = UTCTime.components(date)
        return pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2) + "T" + pad(c.hour, 2) + pad(c.minute, 2) + pad(c.second, 2) + "Z"
    }

    /// `20150830`, the date of a SigV4 credential scope.
    package static func scopeDate(_ date: Date) -> String {
        let c = UTCTime.components(date)
        return pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2)
    }

    /// `2015-08-30T12:36:00Z` (whole seconds), ISO 8601 as AWS Query APIs take it.
    package static func iso8601(_ date: Date) -> String {
        UTCTime.iso8601(date)
    }

    /// Parses ISO 8601 timestamps as AWS returns them (`2026-11-23T10:00:00Z`,
    /// with optional fractional seconds or a numeric offset).
    package static func parseISO8601(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    private static func pad(_ value: Int, _ width: Int) -> String { UTCTime.pad(value, width) }
}
