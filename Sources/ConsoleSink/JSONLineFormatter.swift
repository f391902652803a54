import Foundation
import MetricsCore
import CWMUTCTime

/// Renders one snapshot as one line of JSON:
///
///     {"name":"RequestTime","kind":"histogram","unit":"Milliseconds",
///      "dimensions":{"stream":"s1"},"windowStart":"...","windowEnd":"...",
///      "count":2,"sum":25,"min":12.5,"max":12.5,"p50":12.5,"p90":12.5,"p99":12.5}
///
/// Keys come in a fixed order; dimensions keep theirs. Numbers are the
/// shortest text that reads back as the same Double.
enum JSONLineFormatter {
    static func render(_ snapshot: MetricSnapshot) -> String {
        var out = "{\"name\":"
        appendString(snapshot.name, to: &out)
        out += ",\"kind\":\"\(snapshot.kind.rawValue)\",\"unit\":"
        appendString(snapshot.unit.rawValue, to: &out)
        out += ",\"dimensions\":{"
        for (index, (key, value)) in snapshot.dimensions.enumerated() {
            if index > 0 { out += "," }
            appendString(key, to: &out)
            out += ":"
            appendString(value, to: &out)
        }
        out += "},\"windowStart\":\"\(timestamp(snapshot.windowStart))\""
        out += ",\"windowEnd\":\"\(timestamp(snapshot.windowEnd))\""
        out += ",\"count\":\(snapshot.count)"
        out += ",\"sum\":\(number(snapshot.sum)),\"min\":\(number(snapshot.min)),\"max\":\(number(snapshot.max))"
        if let last = snapshot.last { out += ",\"last\":\(number(last))" }
        for (key, quantile) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)] {
            if let value = snapshot.percentile(quantile) { out += ",\"\(key)\":\(number(value))" }
        }
        out += "}\n"
        return out
    }

    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func timestamp(_ date: Date) -> String {
        UTCTime.iso8601(date, fractionalDigits: 3)
    }

    static func appendString(_ string: String, to out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
