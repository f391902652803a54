import AWSCore
import Foundation

/// The Query protocol's body, as `urlencode` writes botocore's parameters.
extension PutMetricDataBody {
    mutating func appendQuery(_ datum: some DatumFields, index: Int) {
        let prefix = QueryPrefix(index: index)
        appendField(prefix, "MetricName")
        appendFormEncoded(datum.metricName)
        if datum.dimensionCount == 0 {
            appendField(prefix, "Dimensions")
        }
        for dimensionIndex in 0..<datum.dimensionCount {
            let dimension = datum.dimension(at: dimensionIndex)
            appendField(prefix, "Dimensions.member.", dimensionIndex + 1, ".Name")
            appendFormEncoded(dimension.name)
            appendField(prefix, "Dimensions.member.", dimensionIndex + 1, ".Value")
            appendFormEncoded(dimension.value)
        }
        if let value = datum.singleValue {
            appendField(prefix, "Value")
            appendFormNumber(value)
        }
        if let statistics = datum.statistics {
            appendField(prefix, "StatisticValues.SampleCount")
            appendFormNumber(statistics.sampleCount)
            appendField(prefix, "StatisticValues.Sum")
            appendFormNumber(statistics.sum)
            appendField(prefix, "StatisticValues.Minimum")
            appendFormNumber(statistics.minimum)
            appendField(prefix, "StatisticValues.Maximum")
            appendFormNumber(statistics.maximum)
        }
        for valueIndex in 0..<datum.valueCount {
            appendField(prefix, "Values.member.", valueIndex + 1, "")
            appendFormNumber(datum.value(at: valueIndex))
        }
        for countIndex in 0..<datum.countCount {
            appendField(prefix, "Counts.member.", countIndex + 1, "")
            appendFormNumber(datum.count(at: countIndex))
        }
        if let timestamp = datum.time {
            appendField(prefix, "Timestamp")
            appendFormTimestamp(timestamp)
        }
        if let unit = datum.unitName {
            appendField(prefix, "Unit")
            appendFormEncoded(unit)
        }
        if let resolution = datum.resolution {
            appendField(prefix, "StorageResolution")
            appendInteger(resolution)
        }
    }

    /// `&MetricData.member.N.` of one datum.
    private struct QueryPrefix {
        let index: Int
    }

    private mutating func appendPrefix(_ prefix: QueryPrefix) {
        append("&MetricData.member.")
        appendInteger(prefix.index)
        storage.append(0x2E)  // .
    }

    private mutating func appendField(_ prefix: QueryPrefix, _ name: StaticString) {
        appendPrefix(prefix)
        append(name)
        storage.append(0x3D)  // =
    }

    private mutating func appendField(_ prefix: QueryPrefix, _ head: StaticString, _ index: Int, _ tail: StaticString) {
        appendPrefix(prefix)
        append(head)
        appendInteger(index)
        append(tail)
        storage.append(0x3D)  // =
    }

    private mutating func appendFormNumber(_ value: Double) {
        if value == value.rounded(.towardZero), abs(value) < 1e16 {
            appendNumber(value)
            return
        }
        // An exponent's '+' would decode as a space: encode it as urlencode does.
        for byte in value.description.utf8 {
            if byte == 0x2B { append("%2B") } else { storage.append(byte) }
        }
    }

    /// Form encoding (`URIEncoding.appendFormEncoded`'s rules), written
    /// straight into the buffer: one pass over the UTF-8, a plain run copied
    /// at once.
    mutating func appendFormEncoded(_ text: String) {
        var text = text  // withUTF8 may make a copy contiguous; small strings too
        text.withUTF8 { utf8 in
            var plainStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                if URIEncoding.isUnreserved(byte) { continue }
                if index > plainStart { storage.append(UnsafeBufferPointer(rebasing: utf8[plainStart..<index])) }
                plainStart = index + 1
                if byte == 0x20 {
                    storage.append(0x2B)  // +
                } else {
                    storage.append(0x25)  // %
                    storage.append(Self.upperHex[Int(byte >> 4)])
                    storage.append(Self.upperHex[Int(byte & 0x0F)])
                }
            }
            if utf8.count > plainStart { storage.append(UnsafeBufferPointer(rebasing: utf8[plainStart...])) }
        }
    }

    private static let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// The form-encoded timestamp of a datum.
    private mutating func appendFormTimestamp(_ time: Date) {
        appendTimestamp(time) { $0.appendFormEncoded(AWSDate.iso8601(time)) }
    }
}
