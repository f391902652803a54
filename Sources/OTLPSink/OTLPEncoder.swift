import CWMHTTP
import Foundation
import MetricsCore

/// Turns snapshots into OTLP `ExportMetricsServiceRequest` bodies, in the
/// protobuf binary encoding or OTLP/JSON, split to fit a request's limits.
///
/// Snapshots of one name, instrument and unit share one `Metric`, one data
/// point each; every point is a delta over the snapshot's window
/// (`startTimeUnixNano` its start, `timeUnixNano` its end); dimensions are
/// string attributes in their given order.
package struct OTLPEncoder: Sendable {
    package enum Encoding: Sendable { case protobuf, json }

    package let encoding: Encoding
    let resource: [(key: String, value: String)]
    let scopeName: String
    let scopeVersion: String
    let prefix: String
    let lowercaseNames: Bool
    let maxHistogramBuckets: Int
    let kinesisProducerTypes: Bool

    package init(encoding: Encoding, resource: [(key: String, value: String)], scopeName: String,
                 scopeVersion: String, prefix: String, lowercaseNames: Bool, maxHistogramBuckets: Int,
                 kinesisProducerTypes: Bool = false) {
        self.encoding = encoding
        self.resource = resource
        self.scopeName = scopeName
        self.scopeVersion = scopeVersion
        self.prefix = prefix
        self.lowercaseNames = lowercaseNames
        self.maxHistogramBuckets = maxHistogramBuckets
        self.kinesisProducerTypes = kinesisProducerTypes
    }

    /// One request body, and the snapshots (indices into the batch) it carries.
    package struct Request {
        package var body: [UInt8]
        package var snapshots: [Int]
    }

    /// Encodes `snapshots` into requests of at most `maxPoints` data points
    /// and `maxBytes` bytes (before compression). A snapshot that cannot be
    /// sent at all (a non-finite value, no observations, a single point over
    /// `maxBytes`) is returned with its error instead.
    package func requests(_ snapshots: [MetricSnapshot], maxPoints: Int,
                          maxBytes: Int) -> (requests: [Request], rejected: [(Int, any Error)]) {
        // Through the array's buffer: the snapshots are read in place, never
        // copied (a copy retains and releases every string and array in it).
        snapshots.withUnsafeBufferPointer { requests($0, maxPoints: maxPoints, maxBytes: maxBytes) }
    }

    private func requests(_ snapshots: UnsafeBufferPointer<MetricSnapshot>, maxPoints: Int,
                          maxBytes: Int) -> (requests: [Request], rejected: [(Int, any Error)]) {
        var rejected: [(Int, any Error)] = []
        var valid: [Int] = []
        valid.reserveCapacity(snapshots.count)
        for index in snapshots.indices {
            if let error = (snapshots.baseAddress! + index).pointee.dataPointProblem {
                rejected.append((index, error))
            } else {
                valid.append(index)
            }
        }
        var requests: [Request] = []
        var pending = stride(from: 0, to: valid.count, by: max(1, maxPoints)).map {
            Array(valid[$0..<min($0 + max(1, maxPoints), valid.count)])
        }
        pending.reverse()
        // Halve a request that encodes larger than the limit until it fits.
        while let chunk = pending.popLast() {
            let body = encode(chunk.map { snapshots.baseAddress! + $0 })
            if body.count <= maxBytes {
                requests.append(Request(body: body, snapshots: chunk))
            } else if chunk.count == 1 {
                rejected.append((chunk[0], OTLPSinkError.dataPointTooLarge(metric: snapshots[chunk[0]].name,
                                                                           bytes: body.count, limit: maxBytes)))
            } else {
                let middle = chunk.count / 2
                pending.append(Array(chunk[middle...]))
                pending.append(Array(chunk[..<middle]))
            }
        }
        return (requests, rejected.sorted { $0.0 < $1.0 })
    }

    /// One request body for `snapshots` (all valid).
    package func encode(_ snapshots: [MetricSnapshot]) -> [UInt8] {
        snapshots.withUnsafeBufferPointer { buffer in encode(buffer.indices.map { buffer.baseAddress! + $0 }) }
    }

    /// One request body for the snapshots `points` address (all valid, and
    /// alive for the call).
    func encode(_ points: [UnsafePointer<MetricSnapshot>]) -> [UInt8] {
        let metrics = group(points)
        switch encoding {
        case .protobuf: return protobuf(metrics)
        case .json: return json(metrics)
        }
    }

    // MARK: Grouping

    /// A metric and its points, which address snapshots the caller keeps
    /// alive while the metric is used.
    struct Metric {
        let name: String
        let unit: String
        let instrument: OTLPMapping.Instrument
        var points: [UnsafePointer<MetricSnapshot>]
    }

    private struct MetricKey: Hashable {
        let name: String
        let unit: String
        let instrument: OTLPMapping.Instrument
    }

    /// A snapshot's own name, unit and instrument: the key it is grouped by
    /// first, so that a name is prefixed, lowercased and its unit mapped
    /// once per request, not once per snapshot.
    private struct SnapshotKey: Hashable {
        let name: String
        let unit: MetricUnit
        let instrument: OTLPMapping.Instrument
    }

    func group(_ points: [UnsafePointer<MetricSnapshot>]) -> [Metric] {
        var metrics: [Metric] = []
        var positions: [MetricKey: Int] = [:]
        var bySnapshotKey: [SnapshotKey: Int] = [:]
        for point in points {
            let instrument = OTLPMapping.instrument(for: point.pointee, kinesisProducerTypes: kinesisProducerTypes)
            let snapshotKey = SnapshotKey(name: point.pointee.name, unit: point.pointee.unit, instrument: instrument)
            if let position = bySnapshotKey[snapshotKey] {
                metrics[position].points.append(point)
                continue
            }
            // Two names can become one once prefixed and lowercased: they share a Metric.
            let name = prefix + point.pointee.name
            let key = MetricKey(name: lowercaseNames ? name.lowercased() : name,
                                unit: OTLPMapping.ucum(point.pointee.unit), instrument: instrument)
            if let position = positions[key] {
                metrics[position].points.append(point)
                bySnapshotKey[snapshotKey] = position
            } else {
                positions[key] = metrics.count
                bySnapshotKey[snapshotKey] = metrics.count
                metrics.append(Metric(name: key.name, unit: key.unit, instrument: key.instrument, points: [point]))
            }
        }
        return metrics
    }

    func buckets(_ snapshot: UnsafePointer<MetricSnapshot>) -> ExponentialBuckets {
        ExponentialBuckets(snapshot.pointee.distribution, count: snapshot.pointee.count, mean: snapshot.pointee.average,
                           maxBuckets: maxHistogramBuckets)
    }

    // MARK: Protobuf

    private func protobuf(_ metrics: [Metric]) -> [UInt8] {
        var writer = ProtobufWriter(capacity: 256 + metrics.reduce(0) { $0 + 64 + $1.points.count * 96 })
        writer.message(1) { resourceMetrics in                       // ExportMetricsServiceRequest.resource_metrics
            resourceMetrics.message(1) { resource in                 // ResourceMetrics.resource
                for (key, value) in self.resource { resource.message(1) { Self.keyValue(&$0, key, value) } }
            }
            resourceMetrics.message(2) { scopeMetrics in             // ResourceMetrics.scope_metrics
                scopeMetrics.message(1) { scope in                   // ScopeMetrics.scope
                    scope.string(1, scopeName)
                    if !scopeVersion.isEmpty { scope.string(2, scopeVersion) }
                }
                for metric in metrics {
                    scopeMetrics.message(2) { self.protobuf(metric, into: &$0) }   // ScopeMetrics.metrics
                }
            }
        }
        return writer.bytes
    }

    private func protobuf(_ metric: Metric, into writer: inout ProtobufWriter) {
        writer.string(1, metric.name)
        if !metric.unit.isEmpty { writer.string(3, metric.unit) }
        switch metric.instrument {
        case .sum:
            writer.message(7) { sum in
                for point in metric.points { sum.message(1) { self.numberPoint(point, .sum, &$0) } }
                sum.uint(2, 1)          // AGGREGATION_TEMPORALITY_DELTA
                sum.bool(3, true)       // is_monotonic
            }
        case .gauge:
            writer.message(5) { gauge in
                for point in metric.points { gauge.message(1) { self.numberPoint(point, .gauge, &$0) } }
            }
        case .histogram:
            writer.message(9) { histogram in
                for point in metric.points {
                    histogram.message(1) { data in
                        for (key, value) in point.pointee.dimensions { data.message(9) { Self.keyValue(&$0, key, value) } }
                        Self.times(point, &data)
                        data.fixed64(4, UInt64(point.pointee.count))
                        data.double(5, point.pointee.sum)
                        data.packedFixed64(6, [UInt64(point.pointee.count)])   // one bucket: (-inf, +inf)
                        data.double(11, point.pointee.min)
                        data.double(12, point.pointee.max)
                    }
                }
                histogram.uint(2, 1)
            }
        case .exponentialHistogram:
            writer.message(10) { histogram in
                for point in metric.points {
                    histogram.message(1) { data in
                        let buckets = self.buckets(point)
                        for (key, value) in point.pointee.dimensions { data.message(1) { Self.keyValue(&$0, key, value) } }
                        Self.times(point, &data)
                        data.fixed64(4, UInt64(point.pointee.count))
                        data.double(5, point.pointee.sum)
                        data.sint(6, Int64(buckets.scale))
                        if buckets.zeroCount > 0 { data.fixed64(7, buckets.zeroCount) }
                        if !buckets.positive.isEmpty {
                            data.message(8) {
                                $0.sint(1, Int64(buckets.positiveOffset))
                                $0.packedVarints(2, buckets.positive)
                            }
                        }
                        if !buckets.negative.isEmpty {
                            data.message(9) {
                                $0.sint(1, Int64(buckets.negativeOffset))
                                $0.packedVarints(2, buckets.negative)
                            }
                        }
                        data.double(12, point.pointee.min)
                        data.double(13, point.pointee.max)
                    }
                }
                histogram.uint(2, 1)
            }
        }
    }

    private func numberPoint(_ point: UnsafePointer<MetricSnapshot>, _ instrument: OTLPMapping.Instrument,
                             _ data: inout ProtobufWriter) {
        for (key, value) in point.pointee.dimensions { data.message(7) { Self.keyValue(&$0, key, value) } }
        Self.times(point, &data)
        data.double(4, OTLPMapping.value(of: point.pointee, as: instrument))
    }

    private static func times(_ point: UnsafePointer<MetricSnapshot>, _ data: inout ProtobufWriter) {
        data.fixed64(2, OTLPMapping.nanoseconds(point.pointee.windowStart))
        data.fixed64(3, OTLPMapping.nanoseconds(point.pointee.windowEnd))
    }

    private static func keyValue(_ writer: inout ProtobufWriter, _ key: String, _ value: String) {
        writer.string(1, key)
        writer.message(2) { $0.string(1, value) }    // AnyValue.string_value
    }
}
