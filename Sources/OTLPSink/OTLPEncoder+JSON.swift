import CWMHTTP
import MetricsCore

/// OTLP/JSON, as the OTLP specification defines it over the protobuf
/// schema: lowerCamelCase field names, enums as integers, 64-bit integers as
/// decimal strings, doubles as JSON numbers.
extension OTLPEncoder {
    func json(_ metrics: [Metric]) -> [UInt8] {
        var json = JSONBytes(capacity: 256 + metrics.reduce(0) { $0 + 96 + $1.points.count * 192 })
        json.raw("{\"resourceMetrics\":[{\"resource\":{\"attributes\":")
        Self.attributes(resource.map { ($0.key, $0.value) }, &json)
        json.raw("},\"scopeMetrics\":[{\"scope\":{\"name\":")
        json.string(scopeName)
        if !scopeVersion.isEmpty {
            json.raw(",\"version\":")
            json.string(scopeVersion)
        }
        json.raw("},\"metrics\":[")
        for (position, metric) in metrics.enumerated() {
            if position > 0 { json.raw(0x2C) }
            self.json(metric, &json)
        }
        json.raw("]}]}]}")
        return json.bytes
    }

    private func json(_ metric: Metric, _ json: inout JSONBytes) {
        json.raw("{\"name\":")
        json.string(metric.name)
        if !metric.unit.isEmpty {
            json.raw(",\"unit\":")
            json.string(metric.unit)
        }
        switch metric.instrument {
        case .sum: json.raw(",\"sum\":{\"dataPoints\":[")
        case .gauge: json.raw(",\"gauge\":{\"dataPoints\":[")
        case .histogram: json.raw(",\"histogram\":{\"dataPoints\":[")
        case .exponentialHistogram: json.raw(",\"exponentialHistogram\":{\"dataPoints\":[")
        }
        for (position, point) in metric.points.enumerated() {
            if position > 0 { json.raw(0x2C) }
            json.raw("{\"attributes\":")
            Self.attributes(point.pointee.dimensions, &json)
            json.raw(",\"startTimeUnixNano\":")
            Self.uint64(OTLPMapping.nanoseconds(point.pointee.windowStart), &json)
            json.raw(",\"timeUnixNano\":")
            Self.uint64(OTLPMapping.nanoseconds(point.pointee.windowEnd), &json)
            switch metric.instrument {
            case .sum, .gauge:
                json.raw(",\"asDouble\":")
                json.number(OTLPMapping.value(of: point.pointee, as: metric.instrument))
            case .histogram:
                histogramFields(point, &json)
                json.raw(",\"bucketCounts\":[")
                Self.uint64(UInt64(point.pointee.count), &json)
                json.raw("]")
            case .exponentialHistogram:
                let buckets = self.buckets(point)
                histogramFields(point, &json)
                json.raw(",\"scale\":")
                json.integer(buckets.scale)
                json.raw(",\"zeroCount\":")
                Self.uint64(buckets.zeroCount, &json)
                if !buckets.positive.isEmpty {
                    json.raw(",\"positive\":")
                    Self.buckets(buckets.positiveOffset, buckets.positive, &json)
                }
                if !buckets.negative.isEmpty {
                    json.raw(",\"negative\":")
                    Self.buckets(buckets.negativeOffset, buckets.negative, &json)
                }
            }
            json.raw(0x7D)
        }
        json.raw("]")
        switch metric.instrument {
        case .sum: json.raw(",\"aggregationTemporality\":1,\"isMonotonic\":true}}")
        case .gauge: json.raw("}}")
        case .histogram, .exponentialHistogram: json.raw(",\"aggregationTemporality\":1}}")
        }
    }

    private func histogramFields(_ point: UnsafePointer<MetricSnapshot>, _ json: inout JSONBytes) {
        json.raw(",\"count\":")
        Self.uint64(UInt64(point.pointee.count), &json)
        json.raw(",\"sum\":")
        json.number(point.pointee.sum)
        json.raw(",\"min\":")
        json.number(point.pointee.min)
        json.raw(",\"max\":")
        json.number(point.pointee.max)
    }

    private static func buckets(_ offset: Int, _ counts: [UInt64], _ json: inout JSONBytes) {
        json.raw("{\"offset\":")
        json.integer(offset)
        json.raw(",\"bucketCounts\":[")
        for (position, count) in counts.enumerated() {
            if position > 0 { json.raw(0x2C) }
            uint64(count, &json)
        }
        json.raw("]}")
    }

    private static func attributes(_ pairs: [(String, String)], _ json: inout JSONBytes) {
        json.raw(0x5B)
        for (position, (key, value)) in pairs.enumerated() {
            if position > 0 { json.raw(0x2C) }
            json.raw("{\"key\":")
            json.string(key)
            json.raw(",\"value\":{\"stringValue\":")
            json.string(value)
            json.raw("}}")
        }
        json.raw(0x5D)
    }

    /// A 64-bit integer as OTLP/JSON writes it: a decimal string.
    private static func uint64(_ value: UInt64, _ json: inout JSONBytes) {
        json.raw(0x22)
        if value <= UInt64(Int64.max) {
            json.integer(Int64(value))
        } else {
            json.raw(Array(String(value).utf8))
        }
        json.raw(0x22)
    }
}
