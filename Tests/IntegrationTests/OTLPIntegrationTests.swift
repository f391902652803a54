import CWMHTTPTestSupport
import AWSCore
import Foundation
import MetricsCore
import CloudWatchMetricsTestKit
import OTLPSink
import Testing

/// OTLPSink end to end: MetricsManager -> OTLPSink -> the loopback receiver,
/// which decodes every request with the official OpenTelemetry protobuf
/// definitions (scripts/telemetry_receiver.py); and the Python original's
/// OpenTelemetrySink, through the OpenTelemetry SDK's OTLP/HTTP exporter,
/// into the same receiver for comparison.
@Suite("OTLP into a real decoder", .enabled(if: TestEnvironment.runs(TelemetryReceiver.available), "needs the receiver: run scripts/test.sh"), .timeLimit(.minutes(3)))
struct OTLPIntegrationTests {
    static func options(_ encoding: OTLPSink.Encoding = .protobuf, kinesisProducerTypes: Bool = false) -> OTLPSink.Options {
        OTLPSink.Options(encoding: encoding, resourceAttributes: ["service.name": "integration"],
                         kinesisProducerTypes: kinesisProducerTypes,
                         retryPolicy: RetryPolicy(quota: nil, random: { 0 }), environment: [:])
    }

    @Test("counters, gauges, histograms and put() arrive with their names, kinds, delta windows, attributes and values",
          arguments: [OTLPSink.Encoding.protobuf, .json])
    func endToEnd(encoding: OTLPSink.Encoding) async throws {
        let receiver = try TelemetryReceiver.fresh()
        let observer = RecordingObserver()
        let sink = OTLPSink(endpoint: receiver.otlpURL, options: Self.options(encoding))
        let manager = MetricsManager(level: .detailed, sink: sink, configuration: .init(observer: observer))
        try await manager.start()
        manager.counter("Requests", dimensions: [("stream", "orders"), ("host", "web-1")]).increment(by: 7)
        let depth = manager.gauge("Depth", dimensions: [("host", "web-1")])
        depth.set(3)
        depth.set(4)
        let latency = manager.histogram("Latency", dimensions: [("host", "web-1")], unit: .milliseconds)
        for value in [10.0, 20.0, 30.0] { latency.record(value) }
        for _ in 0..<3 { manager.put(KPLMetricName.userRecordsPut, 1, stream: "orders") }
        try await manager.shutdown()
        #expect(observer.dropped.isEmpty, "\(observer.all)")

        let records = try await receiver.records()
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record["error"] == nil, "\(record["error"] ?? "")")
        #expect(record["encoding"] as? String == (encoding == .json ? "json" : "protobuf"))
        let metrics = OTLPRecord.metrics(record)
        #expect(Set(metrics.keys) == ["aiokpl.requests", "aiokpl.depth", "aiokpl.latency", "aiokpl.userrecordsput"])

        let requests = try #require(metrics["aiokpl.requests"].flatMap(OTLPRecord.points))
        #expect(requests.type == "sum" && requests.body["isMonotonic"] as? Bool == true)
        #expect(requests.body["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_DELTA")
        let point = try #require(requests.points.first)
        #expect(point["asDouble"] as? Double == 7)
        #expect(OTLPRecord.attributes(point) == [["stream", "orders"], ["host", "web-1"]])
        let start = try #require((point["startTimeUnixNano"] as? String).flatMap(UInt64.init))
        let end = try #require((point["timeUnixNano"] as? String).flatMap(UInt64.init))
        #expect(start > 1_600_000_000_000_000_000 && start < end)

        let gauge = try #require(metrics["aiokpl.depth"].flatMap(OTLPRecord.points))
        #expect(gauge.type == "gauge" && gauge.points.first?["asDouble"] as? Double == 4)

        let histogram = try #require(metrics["aiokpl.latency"].flatMap(OTLPRecord.points))
        #expect(metrics["aiokpl.latency"]?["unit"] as? String == "ms")
        #expect(histogram.type == "exponentialHistogram")
        #expect(histogram.body["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_DELTA")
        let distribution = try #require(histogram.points.first)
        #expect(distribution["count"] as? String == "3" && distribution["sum"] as? Double == 60)
        #expect(distribution["min"] as? Double == 10 && distribution["max"] as? Double == 30)
        let buckets = (distribution["positive"] as? [String: Any])?["bucketCounts"] as? [String] ?? []
        #expect(buckets.compactMap { Int($0) }.reduce(0, +) == 3)

        // `put` records a statistics-only histogram, and by default that is
        // what is sent (the original's types are opt-in: the parity test below).
        let put = try #require(metrics["aiokpl.userrecordsput"].flatMap(OTLPRecord.points))
        #expect(put.type == "histogram", "\(put.type)")
        #expect(put.points.first?["count"] as? String == "3" && put.points.first?["sum"] as? Double == 3)
        #expect(OTLPRecord.attributes(put.points[0]) == [["stream", "orders"]])
    }

    @Test("a 503 with Retry-After is retried by the export worker; the points arrive once, nothing dropped")
    func retriedThroughPipeline() async throws {
        let receiver = try TelemetryReceiver.fresh()
        try await receiver.respond([["status": 503, "retryAfter": "0"]])
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: OTLPSink(endpoint: receiver.otlpURL, options: Self.options()),
                                     configuration: .init(observer: observer))
        try await manager.start()
        manager.counter("Requests").increment(by: 2)
        try await manager.shutdown()
        #expect(observer.dropped.isEmpty && observer.retries == 1, "\(observer.all)")
        let records = try await receiver.records()
        #expect(records.count == 2)
        #expect((records.last?["answer"] as? [String: Any])?.isEmpty == true)
        let point = OTLPRecord.metrics(try #require(records.last))["aiokpl.requests"].flatMap(OTLPRecord.points)
        #expect(point?.points.first?["asDouble"] as? Double == 2)
    }

    @Test("a partial success is read from the collector's protobuf answer and reported as a refusal",
          arguments: [OTLPSink.Encoding.protobuf, .json])
    func partialSuccess(encoding: OTLPSink.Encoding) async throws {
        let receiver = try TelemetryReceiver.fresh()
        try await receiver.respond([["partialRejected": 1, "message": "one point refused"]])
        let sink = OTLPSink(endpoint: receiver.otlpURL, options: Self.options(encoding))
        let snapshots = (0..<3).map { OTLPEncoderSample.counter("C\($0)") }
        let result = await sink.export(snapshots, attempt: .first)
        #expect(result.delivered == 2 && result.refusedCount == 1)
        #expect(result.refused.first?.error as? OTLPSinkError
            == .partialSuccess(rejectedDataPoints: 1, message: "one point refused"))
    }

    @Test("the CloudWatch variant's signature verifies with botocore's signer (service monitoring), with and without a session token")
    func signedWithSigV4() async throws {
        let receiver = try TelemetryReceiver.fresh()
        for token in [nil, "session-token-value"] as [String?] {
            let sink = OTLPSink.cloudWatch(region: "us-east-1", endpoint: receiver.signedOTLPURL,
                                           accessKeyId: receiver.accessKeyId, secretAccessKey: receiver.secretAccessKey,
                                           sessionToken: token, options: Self.options())
            #expect(await sink.export([OTLPEncoderSample.counter("Signed")], attempt: .first).delivered == 1)
        }
        let wrong = OTLPSink.cloudWatch(region: "us-east-1", endpoint: receiver.signedOTLPURL,
                                        accessKeyId: receiver.accessKeyId, secretAccessKey: "not-the-secret",
                                        options: Self.options())
        _ = await wrong.export([OTLPEncoderSample.counter("Signed")], attempt: .first)
        let signatures = try await receiver.records().map { $0["signature"] as? [String: Any] ?? [:] }
        #expect(signatures.map { $0["valid"] as? Bool } == [true, true, false])
        #expect(signatures.allSatisfy { $0["service"] as? String == "monitoring" && $0["region"] as? String == "us-east-1" })
        #expect((signatures.first?["signedHeaders"] as? [String])?.contains("content-encoding") == true)
    }

    @Test("parity: the Python original's OpenTelemetrySink and ours give the same names, attributes and counter values")
    func parityWithOriginal() async throws {
        let ours = try TelemetryReceiver.fresh()
        let original = try TelemetryReceiver.fresh()
        let snapshots = OTLPEncoderSample.kplWindow
        let options = Self.options(kinesisProducerTypes: true)
        #expect(await OTLPSink(endpoint: ours.otlpURL, options: options).export(snapshots, attempt: .first).delivered
            == snapshots.count)
        try await original.exportWithOriginal("otlp", snapshots)
        let ourMetrics = OTLPRecord.metrics(try #require(try await ours.records().first))
        // The OpenTelemetry SDK exports at flush and again at shutdown (cumulative): the first one counts.
        let theirMetrics = OTLPRecord.metrics(try #require(try await original.records().first))
        #expect(Set(ourMetrics.keys) == Set(theirMetrics.keys))
        for (name, theirs) in theirMetrics {
            let their = try #require(OTLPRecord.points(theirs))
            let our = try #require(ourMetrics[name].flatMap(OTLPRecord.points))
            #expect(Set(our.points.map(OTLPRecord.attributes)) == Set(their.points.map(OTLPRecord.attributes)), "\(name)")
            switch name {
            case "aiokpl.userrecordspending":
                // Deliberate: a gauge where the original had an up-down counter (a cumulative sum); same value.
                #expect(our.type == "gauge" && their.type == "sum")
                #expect(our.points.first.flatMap(OTLPRecord.number) == their.points.first.flatMap(OTLPRecord.number))
            case "aiokpl.bufferedtime":
                // Deliberate: the window's count, sum, min and max where the original recorded only its mean.
                #expect(our.type == "histogram" && their.type == "histogram")
                #expect(our.points.first?["count"] as? String == "2" && their.points.first?["count"] as? String == "1")
                #expect(our.points.first?["sum"] as? Double == 30 && their.points.first?["sum"] as? Double == 15)
            default:
                #expect(our.type == "sum" && their.type == "sum", "\(name)")
                let values = { (points: [[String: Any]]) in
                    Dictionary(uniqueKeysWithValues: points.map { (OTLPRecord.attributes($0), OTLPRecord.number($0) ?? -1) })
                }
                #expect(values(our.points) == values(their.points), "\(name)")
            }
        }
    }
}

/// Snapshots for the OTLP tests, shaped as `put` makes them.
enum OTLPEncoderSample {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let end = Date(timeIntervalSince1970: 1_800_000_060)

    static func counter(_ name: String) -> MetricSnapshot {
        MetricSnapshot(name: name, kind: .counter, windowStart: start, windowEnd: end, count: 1, sum: 1, min: 1, max: 1)
    }

    static func put(_ name: String, _ dimensions: [(String, String)], count: Int, sum: Double, min: Double,
                    max: Double) -> MetricSnapshot {
        MetricSnapshot(name: name, kind: .histogram, dimensions: dimensions, windowStart: start, windowEnd: end,
                       count: count, sum: sum, min: min, max: max)
    }

    /// One window of the KPL's metrics as the original's MetricsManager produced them.
    static let kplWindow: [MetricSnapshot] = [
        put("UserRecordsPut", [("stream", "orders")], count: 5, sum: 5, min: 1, max: 1),
        put("UserRecordsPut", [("stream", "orders"), ("shard", "shardId-000000000001")], count: 3, sum: 3, min: 1, max: 1),
        put("KinesisRecordsPut", [("stream", "orders")], count: 2, sum: 2, min: 1, max: 1),
        put("ErrorsByCode", [("stream", "orders"), ("error_code", "ProvisionedThroughputExceededException")],
            count: 4, sum: 4, min: 1, max: 1),
        put("BufferedTime", [("stream", "orders")], count: 2, sum: 30, min: 10, max: 20),
        put("UserRecordsPending", [], count: 2, sum: 30, min: 10, max: 20),
    ]
}
