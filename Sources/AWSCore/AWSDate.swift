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

    /// Parses an HTTP `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`, the
    /// IMF-fixdate of RFC 9110), or `nil` for anything else.
    package static func parseHTTPDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]),
              let month = months.firstIndex(of: String(parts[2])).map({ $0 + 1 }) else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
              (1...31).contains(day), (1970...9999).contains(year), (0...23).contains(hour), (0...59).contains(minute),
              (0...60).contains(second) else { return nil }
        // Days from the civil date (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func pad(_ value: Int, _ width: Int) -> String { UTCTime.pad(value, width) }
}
