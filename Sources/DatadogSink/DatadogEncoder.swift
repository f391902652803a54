import CWMHTTP
import Foundation
import MetricsCore

/// Turns snapshots into Datadog v1 API bodies: `POST /api/v1/series` for
/// counts and gauges, `POST /api/v1/distribution_points` for distributions,
/// packed into requests of at most `maxBytes`.
package struct DatadogEncoder: Sendable {
    /// What a snapshot is sent as.
    enum Kind: Equatable {
        /// `type: count`, the window's sum, with the window as `interval`.
        case count
        /// `type: gauge`.
        case gauge
        /// A distribution point: the observations' values.
        case distribution
    }

    /// The two endpoints.
    package enum API: String, Sendable {
        case series = "/api/v1/series"
        case distributionPoints = "/api/v1/distribution_points"
    }

    /// One request body, the endpoint it goes to, and the snapshots (indices
    /// into the batch) it carries.
    package struct Request {
        package var api: API
        package var body: [UInt8]
        package var snapshots: [Int]
    }

    let prefix: String
    let host: String?
    let tags: [String]
    let maxValuesPerDistribution: Int
    let kinesisProducerTypes: Bool

    package init(prefix: String, host: String?, tags: [String], maxValuesPerDistribution: Int,
                 kinesisProducerTypes: Bool = false) {
        self.prefix = prefix
        self.host = host
        self.tags = tags
        self.maxValuesPerDistribution = max(1, maxValuesPerDistribution)
        self.kinesisProducerTypes = kinesisProducerTypes
    }

    /// The instrument that recorded the snapshot decides; with
    /// `kinesisProducerTypes`, the original's twelve names first keep the
    /// type its DatadogSink gave them.
    func kind(of snapshot: MetricSnapshot) -> Kind {
        if kinesisProducerTypes {
            switch KPLMetricName.measure(of: snapshot.name) {
            case .count: return .count
            case .distribution: return .distribution
            case .gauge: return .gauge
            case nil: break
            }
        }
        switch snapshot.kind {
        case .counter: return .count
        case .gauge: return .gauge
        case .histogram: return .distribution
        }
    }

    /// The values a distribution point carries: each bucket's representative
    /// repeated by its count, so Datadog's percentiles and count are the
    /// histogram's. Over `maxValuesPerDistribution` observations, the
    /// repetitions are scaled down in proportion (each bucket keeps at least
    /// one): percentiles stay right, the count is capped. A histogram created
    /// without a distribution sends its mean, `count` times (capped alike).
    func values(of snapshot: MetricSnapshot) -> [(value: Double, repeats: Int)] {
        var values: [(value: Double, repeats: Int)] = []
        forEachValue(of: snapshot) { values.append(($0, $1)) }
        return values
    }

    /// ``values(of:)`` one at a time, with no array built.
    func forEachValue(of snapshot: MetricSnapshot, _ body: (_ value: Double, _ repeats: Int) -> Void) {
        guard !snapshot.distribution.isEmpty else {
            return body(snapshot.average, min(snapshot.count, maxValuesPerDistribution))
        }
        let total = snapshot.distribution.reduce(0) { $0 + $1.count }
        let scale = total > maxValuesPerDistribution ? Double(maxValuesPerDistribution) / Double(total) : 1
        for bucket in snapshot.distribution where bucket.count > 0 {
            body(bucket.value, scale == 1 ? bucket.count : max(1, Int((Double(bucket.count) * scale).rounded())))
        }
    }

    /// The requests for `snapshots`, and the snapshots that cannot be sent.
    package func requests(_ snapshots: [MetricSnapshot],
                          maxBytes: Int) -> (requests: [Request], rejected: [(Int, any Error)]) {
        var rejected: [(Int, any Error)] = []
        var series: [(entry: [UInt8], index: Int)] = []
        var distributions: [(entry: [UInt8], index: Int)] = []
        var numbers = FormattedNumbers()
        for (index, snapshot) in snapshots.enumerated() {
            if let problem = snapshot.dataPointProblem {
                rejected.append((index, problem))
                continue
            }
            let kind = kind(of: snapshot)
            let entry = self.entry(snapshot, kind, numbers: &numbers)
            // The wrapper `{"series":[` + `]}` costs 13 bytes.
            if entry.count + 13 > maxBytes {
                rejected.append((index, DatadogSinkError.seriesTooLarge(metric: snapshot.name, bytes: entry.count,
                                                                        limit: maxBytes)))
            } else if kind == .distribution {
                distributions.append((entry, index))
            } else {
                series.append((entry, index))
            }
        }
        return (Self.pack(series, .series, maxBytes) + Self.pack(distributions, .distributionPoints, maxBytes),
                rejected)
    }

    private static func pack(_ entries: [(entry: [UInt8], index: Int)], _ api: API, _ maxBytes: Int) -> [Request] {
        var requests: [Request] = []
        var body: [UInt8] = []
        var indices: [Int] = []
        // What the entries not yet packed take, separators and wrapper
        // included: a body gets its whole room at once (up to the limit).
        var remaining = entries.reduce(13) { $0 + $1.entry.count + 1 }
        func close() {
            guard !indices.isEmpty else { return }
            body.append(contentsOf: Array("]}".utf8))
            requests.append(Request(api: api, body: body, snapshots: indices))
            body = []
            indices = []
        }
        for (entry, index) in entries {
            if !indices.isEmpty, body.count + 1 + entry.count + 2 > maxBytes { close() }
            if indices.isEmpty {
                body.reserveCapacity(min(maxBytes, remaining))
                body.append(contentsOf: Array("{\"series\":[".utf8))
            } else {
                body.append(0x2C)
            }
            body.append(contentsOf: entry)
            remaining -= entry.count + 1
            indices.append(index)
        }
        close()
        return requests
    }

    /// One series object.
    /// `numbers`: the values formatted so far in this pass, to copy.
    func entry(_ snapshot: MetricSnapshot, _ kind: Kind, numbers: inout FormattedNumbers) -> [UInt8] {
        // Room for the usual entry at once: the fixed parts, the name, and
        // for a distribution some 8 bytes a value.
        let values = kind == .distribution ? min(snapshot.count, maxValuesPerDistribution) : 0
        var json = JSONBytes(capacity: 160 + snapshot.name.utf8.count + 8 * values)
        let timestamp = Int64(snapshot.windowEnd.timeIntervalSince1970.rounded(.down))
        json.raw("{\"metric\":")
        json.string(prefix, "", snapshot.name)
        switch kind {
        case .count, .gauge:
            json.raw(kind == .count ? ",\"type\":\"count\"" : ",\"type\":\"gauge\"")
            if kind == .count {
                json.raw(",\"interval\":")
                json.integer(max(1, Int64(snapshot.windowEnd.timeIntervalSince(snapshot.windowStart).rounded())))
            }
            json.raw(",\"points\":[[")
            json.integer(timestamp)
            json.raw(0x2C)
            json.number(kind == .count ? snapshot.sum : (snapshot.last ?? snapshot.max))
            json.raw("]]")
        case .distribution:
            json.raw(",\"type\":\"distribution\",\"points\":[[")
            json.integer(timestamp)
            json.raw(",[")
            var first = true
            forEachValue(of: snapshot) { value, repeats in
                guard repeats > 0 else { return }
                if !first { json.raw(0x2C) }
                first = false
                // Formatted once per pass, then copied: formatting is most of the cost.
                let start = json.count
                numbers.append(value, to: &json)
                json.repeatLast(json.count - start, times: repeats - 1, separator: 0x2C)
            }
            json.raw("]]]")
        }
        json.raw(",\"tags\":[")
        var first = true
        for (key, value) in snapshot.dimensions {
            if !first { json.raw(0x2C) }
            json.string(key, ":", value)
            first = false
        }
        for tag in tags {
            if !first { json.raw(0x2C) }
            json.string(tag)
            first = false
        }
        json.raw(0x5D)
        if let host {
            json.raw(",\"host\":")
            json.string(host)
        }
        json.raw(0x7D)
        return json.bytes
    }
}
