import Foundation
import MetricsCore
import CWMUTCTime

/// Renders a batch of snapshots as an aligned, human-readable table.
enum TableFormatter {
    static let columns = ["metric", "dimensions", "kind", "count", "sum", "min", "max", "avg", "p50", "p99", "unit"]
    /// Columns right-aligned because they hold numbers.
    private static let numeric: Set<Int> = [3, 4, 5, 6, 7, 8, 9]

    static func render(_ snapshots: [MetricSnapshot]) -> String {
        let sorted = snapshots.sorted { lhs, rhs in
            if lhs.name != rhs.name { return lhs.name < rhs.name }
            return dimensionText(lhs) < dimensionText(rhs)
        }
        var rows = [columns]
        for snapshot in sorted {
            rows.append([
                printable(snapshot.name),
                dimensionText(snapshot),
                snapshot.kind.rawValue,
                String(snapshot.count),
                format(snapshot.sum),
                format(snapshot.min),
                format(snapshot.max),
                format(snapshot.average),
                snapshot.percentile(0.5).map(format) ?? "-",
                snapshot.percentile(0.99).map(format) ?? "-",
                snapshot.unit.rawValue,
            ])
        }
        var widths = [Int](repeating: 0, count: columns.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        var text = header(for: snapshots)
        for row in rows {
            var line = ""
            for (index, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                if index > 0 { line += "  " }
                line += numeric.contains(index) ? padding + cell : cell + padding
            }
            while line.hasSuffix(" ") { line.removeLast() }
            text += line + "\n"
        }
        return text
    }

    private static func header(for snapshots: [MetricSnapshot]) -> String {
        let start = snapshots.map(\.windowStart).min() ?? Date()
        let end = snapshots.map(\.windowEnd).max() ?? Date()
        return "-- window \(UTCTime.iso8601(start)) .. \(UTCTime.iso8601(end)): \(snapshots.count) series --\n"
    }

    static func dimensionText(_ snapshot: MetricSnapshot) -> String {
        snapshot.dimensions.isEmpty
            ? "-" : snapshot.dimensions.map { "\(printable($0.0))=\(printable($0.1))" }.joined(separator: " ")
    }

    /// One table cell per value: control characters are shown escaped so a
    /// hostile or careless value cannot break the table into extra lines.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.properties.generalCategory == .control:
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Integers without a fraction, everything else rounded to six
    /// significant digits (computed, not through a locale-aware formatter).
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = abs(value)
        guard magnitude >= 1e-4, magnitude < 1e15 else { return "\(value)" }
        let decimals = max(0, 6 - (Int(log10(magnitude).rounded(.down)) + 1))
        let scale = pow(10, Double(decimals))
        let rounded = (value * scale).rounded() / scale
        return rounded == rounded.rounded() ? String(Int64(rounded)) : "\(rounded)"
    }
}
