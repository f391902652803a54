import AWSCore
import Foundation

/// The Query protocol's body, as `urlencode` writes botocore's parameters.
extension PutMetricDataBody {
    mutating func writeQuery(_ datum: some DatumFields, index: Int, to out: inout ByteCursor) {
        let prefix = QueryPrefix(index: index)
        out.writeField(prefix, "MetricName")
        out.writeFormEncoded(datum.metricName)
        if datum.dimensionCount == 0 {
            out.writeField(prefix, "Dimensions")
        }
        for dimensionIndex in 0..<datum.dimensionCount {
            let dimension = datum.dimension(at: dimensionIndex)
            out.writeField(prefix, "Dimensions.member.", dimensionIndex + 1, ".Name")
            out.writeFormEncoded(dimension.name)
            out.writeField(prefix, "Dimensions.member.", dimensionIndex + 1, ".Value")
            out.writeFormEncoded(dimension.value)
        }
        if let value = datum.singleValue {
            out.writeField(prefix, "Value")
            out.writeFormNumber(value)
        }
        if let statistics = datum.statistics {
            out.writeField(prefix, "StatisticValues.SampleCount")
            out.writeFormNumber(statistics.sampleCount)
            out.writeField(prefix, "StatisticValues.Sum")
            out.writeFormNumber(statistics.sum)
            out.writeField(prefix, "StatisticValues.Minimum")
            out.writeFormNumber(statistics.minimum)
            out.writeField(prefix, "StatisticValues.Maximum")
            out.writeFormNumber(statistics.maximum)
        }
        for valueIndex in 0..<datum.valueCount {
            out.writeField(prefix, "Values.member.", valueIndex + 1, "")
            out.writeFormNumber(datum.value(at: valueIndex))
        }
        for countIndex in 0..<datum.countCount {
            out.writeField(prefix, "Counts.member.", countIndex + 1, "")
            out.writeFormNumber(datum.count(at: countIndex))
        }
        if let timestamp = datum.time {
            out.writeField(prefix, "Timestamp")
            lastTimestamp.write(timestamp, to: &out) { $0.writeFormEncoded(AWSDate.iso8601(timestamp)) }
        }
        if let unit = datum.unitName {
            out.writeField(prefix, "Unit")
            out.writeFormEncoded(unit)
        }
        if let resolution = datum.resolution {
            out.writeField(prefix, "StorageResolution")
            out.writeInteger(resolution)
        }
    }
}

/// `&MetricData.member.N.` of one datum.
struct QueryPrefix {
    let index: Int
}

extension ByteCursor {
    private mutating func writePrefix(_ prefix: QueryPrefix) {
        write("&MetricData.member.")
        writeInteger(prefix.index)
        write(0x2E)  // .
    }

    fileprivate mutating func writeField(_ prefix: QueryPrefix, _ name: StaticString) {
        writePrefix(prefix)
        write(name)
        write(0x3D)  // =
    }

    fileprivate mutating func writeField(_ prefix: QueryPrefix, _ head: StaticString, _ index: Int, _ tail: StaticString) {
        writePrefix(prefix)
        write(head)
        writeInteger(index)
        write(tail)
        write(0x3D)  // =
    }

    fileprivate mutating func writeFormNumber(_ value: Double) {
        if Self.integralBelow1e16(value) != nil {
            writeNumber(value)
            return
        }
        // An exponent's '+' would decode as a space: encode it as urlencode does.
        for byte in value.description.utf8 {
            if byte == 0x2B { write("%2B") } else { write(byte) }
        }
    }

    /// Form encoding (`URIEncoding.appendFormEncoded`'s rules), written
    /// straight into the buffer: one pass over the UTF-8, a plain run copied
    /// at once.
    mutating func writeFormEncoded(_ text: String) {
        var text = text  // withUTF8 may make a copy contiguous; small strings too
        text.withUTF8 { utf8 in
            var plainStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                if URIEncoding.isUnreserved(byte) { continue }
                if index > plainStart { write(UnsafeBufferPointer(rebasing: utf8[plainStart..<index])) }
                plainStart = index + 1
                if byte == 0x20 {
                    write(0x2B)  // +
                } else {
                    write(0x25)  // %
                    write(Self.upperHex[Int(byte >> 4)])
                    write(Self.upperHex[Int(byte & 0x0F)])
                }
            }
            if utf8.count > plainStart { write(UnsafeBufferPointer(rebasing: utf8[plainStart...])) }
        }
    }

    private static let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)
}
