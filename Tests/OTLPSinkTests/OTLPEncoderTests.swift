import AWSCore
import Foundation
import MetricsCore
import Testing
@testable import OTLPSink

@Suite("OTLP mapping and encoding", .timeLimit(.minutes(3)))
struct OTLPEncoderTests {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)
    static let end = Date(timeIntervalSince1970: 1_700_000_060.25)

    static func snapshot(_ name: String, _ kind: MetricSnapshot.Kind = .histogram, count: Int = 1, sum: Double = 1,
                         min: Double = 1, max: Double = 1, last: Double? = nil,
                         distribution: [MetricSnapshot.Bucket] = [], unit: MetricUnit = .none) -> MetricSnapshot {
        MetricSnapshot(name: name, kind: kind, unit: unit, dimensions: [("stream", "orders")], windowStart: start,
                       windowEnd: end, count: count, sum: sum, min: min, max: max, last: last, distribution: distribution)
    }

    static func encoder(_ encoding: OTLPEncoder.Encoding = .protobuf, lowercase: Bool = true,
                        buckets: Int = 160) -> OTLPEncoder {
        OTLPEncoder(encoding: encoding, resource: [(key: "service.name", value: "test")], scopeName: "aiokpl",
                    scopeVersion: "", prefix: "aiokpl.", lowercaseNames: lowercase, maxHistogramBuckets: buckets)
    }

    @Test("instruments: every metric goes by the instrument that recorded it; asked, the original's names keep its choice")
    func instruments() {
        func instrument(_ snapshot: MetricSnapshot, original: Bool = false) -> OTLPMapping.Instrument {
            OTLPMapping.instrument(for: snapshot, kinesisProducerTypes: original)
        }
        #expect(instrument(Self.snapshot("UserRecordsPut")) == .histogram, "put records a histogram")
        #expect(instrument(Self.snapshot("UserRecordsPending")) == .histogram)
        #expect(instrument(Self.snapshot("UserRecordsPut", .counter)) == .sum)
        #expect(instrument(Self.snapshot("UserRecordsPut"), original: true) == .sum)
        #expect(instrument(Self.snapshot("UserRecordsPending"), original: true) == .gauge)
        for original in [false, true] {
            #expect(instrument(Self.snapshot("BufferedTime"), original: original) == .histogram)
            #expect(instrument(Self.snapshot("BufferedTime", distribution: [.init(value: 1, count: 1)]),
                               original: original) == .exponentialHistogram)
            #expect(instrument(Self.snapshot("Requests", .counter), original: original) == .sum)
            #expect(instrument(Self.snapshot("Depth", .gauge, last: 3), original: original) == .gauge)
        }
        #expect(OTLPMapping.value(of: Self.snapshot("Depth", .gauge, max: 9, last: 3), as: .gauge) == 3)
        #expect(OTLPMapping.value(of: Self.snapshot("UserRecordsPending", max: 9), as: .gauge) == 9)
    }

    @Test("units in UCUM")
    func units() {
        let expected: [(MetricUnit, String)] = [
            (.milliseconds, "ms"), (.seconds, "s"), (.microseconds, "us"), (.bytes, "By"), (.kilobytes, "kBy"),
            (.count, "1"), (.percent, "%"), (.none, ""), (.bytesPerSecond, "By/s"), (.countPerSecond, "1/s"),
            (.megabits, "Mbit"),
        ]
        for (unit, ucum) in expected { #expect(OTLPMapping.ucum(unit) == ucum, "\(unit)") }
    }

    @Test("timestamps in nanoseconds keep sub-second precision")
    func nanoseconds() {
        #expect(OTLPMapping.nanoseconds(Self.end) == 1_700_000_060_250_000_000)
        #expect(OTLPMapping.nanoseconds(Date(timeIntervalSince1970: -5)) == 0)
    }

    @Test("exponential buckets: scale 6, the index of a power of two, zero and negatives")
    func exponentialBuckets() {
        #expect(ExponentialBuckets.index(of: 1) == -1)
        #expect(ExponentialBuckets.index(of: 2) == 63)
        #expect(ExponentialBuckets.index(of: 2.0001) == 64)
        let buckets = ExponentialBuckets([.init(value: -3, count: 2), .init(value: 0, count: 1), .init(value: 1, count: 4),
                                          .init(value: 2, count: 5)], count: 12, mean: 0.5, maxBuckets: 160)
        #expect(buckets.scale == 6 && buckets.zeroCount == 1)
        #expect(buckets.positiveOffset == -1 && buckets.positive.count == 65)
        #expect(buckets.positive.first == 4 && buckets.positive.last == 5)
        #expect(buckets.negative == [2] && buckets.negativeOffset == ExponentialBuckets.index(of: 3))
    }

    @Test("the bucket index without a logarithm: each bound is in its own bucket, every value agrees with log2 away from one")
    func indexWithoutLogarithm() {
        // Each bound 2^(k/64), over octaves from the least normal to huge: on it, the lower bucket;
        // one step above it, the next.
        for exponent in [-1022, -20, -1, 0, 1, 7, 40, 1000] {
            for k in 0..<64 {
                let bound = ExponentialBuckets.indexTables.octaveBounds[k] * exp2(Double(exponent))
                guard bound.isNormal else { continue }
                let expected = exponent * 64 + k
                #expect(ExponentialBuckets.index(of: bound) == expected - 1, "2^(\(exponent) + \(k)/64)")
                #expect(ExponentialBuckets.index(of: bound.nextUp) == expected, "above 2^(\(exponent) + \(k)/64)")
            }
        }
        #expect(ExponentialBuckets.index(of: .leastNonzeroMagnitude) == -1074 * 64 - 1)
        #expect(ExponentialBuckets.index(of: .greatestFiniteMagnitude) == 1024 * 64 - 1)
        // Everywhere else, the logarithm's answer (a fixed sequence of values, no seed).
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var compared = 0
        for _ in 0..<4_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let value = Double(state >> 11) / Double(1 << 53) * exp2(Double(Int(state & 0x3F) - 32))
            guard value > 0 else { continue }
            let scaled = log2(value) * 64
            guard abs(scaled - scaled.rounded()) > 1e-9 else { continue }
            #expect(ExponentialBuckets.index(of: value) == Int(scaled.rounded(.up)) - 1, "\(value)")
            compared += 1
        }
        #expect(compared > 3_800)
    }

    @Test("a distribution wider than the bucket limit drops scale until it fits, counts kept")
    func downscale() {
        let distribution = [MetricSnapshot.Bucket(value: 0.001, count: 3), .init(value: 1_000_000, count: 7)]
        let buckets = ExponentialBuckets(distribution, count: 10, mean: 1, maxBuckets: 20)
        #expect(buckets.scale < 6)
        #expect(buckets.positive.count <= 20)
        #expect(buckets.positive.reduce(0, +) == 10)
        #expect(buckets.positive.first == 3 && buckets.positive.last == 7)
    }

    @Test("buckets always add up to the count: a shortfall goes to the mean's bucket")
    func shortfall() {
        let buckets = ExponentialBuckets([.init(value: 4, count: 2)], count: 5, mean: 4, maxBuckets: 160)
        #expect(buckets.positive == [5])
    }

    @Test("requests split at the point limit, then by size; a point too large alone is rejected with a typed error")
    func splitting() throws {
        let snapshots = (0..<2500).map { Self.snapshot("M\($0)", .counter) }
        let (byPoints, none) = Self.encoder().requests(snapshots, maxPoints: 1000, maxBytes: 4_000_000)
        #expect(none.isEmpty)
        #expect(byPoints.map(\.snapshots.count) == [1000, 1000, 500])
        #expect(byPoints.flatMap(\.snapshots) == Array(0..<2500))

        let (bySize, _) = Self.encoder().requests(Array(snapshots.prefix(100)), maxPoints: 1000, maxBytes: 2048)
        #expect(bySize.count > 1 && bySize.allSatisfy { $0.body.count <= 2048 })
        #expect(bySize.flatMap(\.snapshots) == Array(0..<100))

        let huge = Self.snapshot("Huge", dimensions: 40)
        let (requests, rejected) = Self.encoder().requests([Self.snapshot("Small", .counter), huge], maxPoints: 1000,
                                                           maxBytes: 1024)
        #expect(requests.map(\.snapshots) == [[0]])
        let error = try #require(rejected.first?.1 as? OTLPSinkError)
        guard case .dataPointTooLarge(let metric, _, 1024) = error else { Issue.record("\(error)"); return }
        #expect(metric == "Huge" && rejected.first?.0 == 1)
    }

    @Test("a snapshot without observations or with a non-finite value is rejected, the rest sent")
    func invalid() {
        let snapshots = [Self.snapshot("Empty", count: 0), Self.snapshot("Bad", sum: .nan), Self.snapshot("Good")]
        let (requests, rejected) = Self.encoder().requests(snapshots, maxPoints: 1000, maxBytes: 1_000_000)
        #expect(requests.flatMap(\.snapshots) == [2])
        #expect(rejected.map(\.0) == [0, 1])
        #expect(rejected.first?.1 as? DataPointError == .noObservations)
    }

    @Test("names are prefixed and lowercased as the original's SDK did, or kept when asked")
    func names() {
        let snapshots = [Self.snapshot("UserRecordsPut", .counter)]
        #expect(Self.group(Self.encoder(), snapshots).map(\.name) == ["aiokpl.userrecordsput"])
        #expect(Self.group(Self.encoder(lowercase: false), snapshots).map(\.name) == ["aiokpl.UserRecordsPut"])
    }

    @Test("points of one name, instrument and unit share one metric")
    func grouping() {
        let a = Self.snapshot("Requests", .counter)
        let b = MetricSnapshot(name: "Requests", kind: .counter, dimensions: [("stream", "other")], windowStart: Self.start,
                               windowEnd: Self.end, count: 2, sum: 2, min: 1, max: 1)
        let c = Self.snapshot("Requests", .gauge, last: 1)
        let metrics = Self.group(Self.encoder(), [a, c, b])
        #expect(metrics.map(\.points.count) == [2, 1])
        #expect(metrics.map(\.instrument) == [.sum, .gauge])
    }

    /// `encoder`'s metrics for `snapshots` (their points are not used: they
    /// address the array only inside).
    static func group(_ encoder: OTLPEncoder, _ snapshots: [MetricSnapshot]) -> [OTLPEncoder.Metric] {
        snapshots.withUnsafeBufferPointer { buffer in encoder.group(buffer.indices.map { buffer.baseAddress! + $0 }) }
    }

    @Test("OTLP/JSON writes 64-bit integers as strings and temporality as a number")
    func json() throws {
        let body = Self.encoder(.json).encode([Self.snapshot("Requests", .counter, count: 3, sum: 3),
                                               Self.snapshot("Latency", count: 2, sum: 30, min: 10, max: 20,
                                                             distribution: [.init(value: 10, count: 1), .init(value: 20, count: 1)],
                                                             unit: .milliseconds)])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let scope = try #require(((object["resourceMetrics"] as? [[String: Any]])?.first?["scopeMetrics"] as? [[String: Any]])?.first)
        let metrics = try #require(scope["metrics"] as? [[String: Any]])
        let sum = try #require(metrics[0]["sum"] as? [String: Any])
        #expect(sum["aggregationTemporality"] as? Int == 1 && sum["isMonotonic"] as? Bool == true)
        let point = try #require((sum["dataPoints"] as? [[String: Any]])?.first)
        #expect(point["startTimeUnixNano"] as? String == "1700000000000000000")
        #expect(point["asDouble"] as? Double == 3)
        #expect(metrics[1]["unit"] as? String == "ms")
        let histogram = try #require(((metrics[1]["exponentialHistogram"] as? [String: Any])?["dataPoints"] as? [[String: Any]])?.first)
        #expect(histogram["count"] as? String == "2" && histogram["min"] as? Double == 10 && histogram["max"] as? Double == 20)
        #expect(histogram["scale"] as? Int == 6)
    }
}

extension OTLPEncoderTests {
    static func snapshot(_ name: String, dimensions: Int) -> MetricSnapshot {
        MetricSnapshot(name: name, kind: .counter,
                       dimensions: (0..<dimensions).map { ("key\($0)", String(repeating: "v", count: 40)) },
                       windowStart: start, windowEnd: end, count: 1, sum: 1, min: 1, max: 1)
    }
}
