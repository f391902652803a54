// CWMUTCTime: UTC calendar arithmetic, ISO-8601 text and HTTP dates, computed
// from the epoch. Foundation's date formatters load ICU and time-zone data (about
// 8 MB of resident memory in a small process, measured); this does not.
//
// Imports: nothing of this package.

import Foundation

/// UTC dates as text, without a formatter, a locale or a time zone database.
package enum UTCTime {
    /// A UTC calendar date and time of day.
    package struct Components: Equatable, Sendable {
        package let year, month, day, hour, minute, second: Int
        /// Nanoseconds within the second.
        package let nanosecond: Int
    }

    /// The UTC components of `date` (days from the epoch to a civil date:
    /// Howard Hinnant's algorithm).
    package static func components(_ date: Date) -> Components {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        let seconds = Int(whole)
        let nanosecond = min(999_999_999, Int(((interval - whole) * 1e9).rounded()))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return Components(year: year, month: month, day: day, hour: secondOfDay / 3600,
                          minute: secondOfDay % 3600 / 60, second: secondOfDay % 60, nanosecond: nanosecond)
    }

    /// `2015-08-30T12:36:00Z`, or with `fractionalDigits` (1...9) after the seconds.
    package static func iso8601(_ date: Date, fractionalDigits: Int = 0) -> String {
        let c = components(date)
        var text = pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2) + "T"
            + pad(c.hour, 2) + ":" + pad(c.minute, 2) + ":" + pad(c.second, 2)
        if fractionalDigits > 0 {
            let digits = min(fractionalDigits, 9)
            var divisor = 1
            for _ in 0..<(9 - digits) { divisor *= 10 }
            text += "." + pad(c.nanosecond / divisor, digits)
        }
        return text + "Z"
    }

    /// `value` in decimal, zero-padded to `width` digits.
    package static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Parses an HTTP `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`, the
    /// IMF-fixdate of RFC 9110), or `nil` for anything else.
    package static func parseHTTPDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]),
              let month = monthNames.firstIndex(of: String(parts[2])).map({ $0 + 1 }) else { return nil }
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

    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
