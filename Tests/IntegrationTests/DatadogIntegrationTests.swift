import CWMHTTPTestSupport
import AWSCore
import DatadogSink
import Foundation
import MetricsCore
import CloudWatchMetricsTestKit
import Testing

/// DatadogSink end to end: MetricsManager -> DatadogSink -> the loopback
/// receiver, which builds every payload into datadog-api-client's models
/// (scripts/telemetry_receiver.py); and the Python original's DatadogSink,
/// pointed at the same receiver, for comparison.
@Suite("Datadog into a real decoder", .enabled(if: TestEnvironment.runs(TelemetryReceiver.available), "needs the receiver: run scripts/test.sh"), .timeLimit(.minutes(3)))
struct DatadogIntegrationTests {
    static let key = "integration-api-key-0123456789"

    static func sink(_ receiver: TelemetryReceiver, kinesisProducerTypes: Bool = false) -> DatadogSink {
        DatadogSink(apiKey: key, site: "datadoghq.com", endpoint: receiver.datadogURL,
                    options: .init(kinesisProducerTypes: kinesisProducerTypes,
                                   retryPolicy: RetryPolicy(quota: nil, random: { 0 }), environment: [:]))
    }

    static func series(_ records: [[String: Any]], _ api: String) -> [[String: Any]] {
        records.filter { ($0["path"] as? String)?.hasSuffix(api) == true }
            .flatMap { (($0["payload"] as? [String: Any])?["series"] as? [[String: Any]]) ?? [] }
    }

    @Test("counts, gauges and distributions decode into the API client's models, with the key in its header only")
    func endToEnd() async throws {
        let receiver = try TelemetryReceiver.fresh()
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: Self.sink(receiver), configuration: .init(observer: observer))
        try await manager.start()
        manager.counter("Requests", dimensions: [("stream", "orders")]).increment(by: 7)
        manager.gauge("Depth").set(4)
        let latency = manager.histogram("Latency", dimensions: [("stream", "orders")], unit: .milliseconds)
        for value in [10.0, 10.0, 30.0] { latency.record(value) }
        try await manager.shutdown()
        #expect(observer.dropped.isEmpty, "\(observer.all)")

        let records = try await receiver.records()
        #expect(records.count == 2)
        for record in records {
            #expect(record["error"] == nil, "\(record["error"] ?? "")")
            #expect((record["headers"] as? [String: String])?["dd-api-key"] == Self.key)
            #expect((record["path"] as? String)?.contains(Self.key) == false)
        }
        let series = Self.series(records, "/api/v1/series")
        let requests = try #require(series.first { $0["metric"] as? String == "aiokpl.Requests" })
        #expect(requests["type"] as? String == "count" && requests["tags"] as? [String] == ["stream:orders"])
        #expect((requests["points"] as? [[Double]])?.first?[1] == 7)
        let depth = try #require(series.first { $0["metric"] as? String == "aiokpl.Depth" })
        #expect(depth["type"] as? String == "gauge" && (depth["points"] as? [[Double]])?.first?[1] == 4)
        let distribution = try #require(Self.series(records, "/api/v1/distribution_points").first)
        #expect(distribution["metric"] as? String == "aiokpl.Latency")
        let values = ((distribution["points"] as? [[Any]])?.first?[1] as? [Double]) ?? []
        #expect(values.count == 3 && abs(values.reduce(0, +) - 50) / 50 < 0.01)
    }

    @Test("parity: the Python original's DatadogSink and ours send the same names, types, tags, timestamps and values")
    func parityWithOriginal() async throws {
        let ours = try TelemetryReceiver.fresh()
        let original = try TelemetryReceiver.fresh()
        let snapshots = OTLPEncoderSample.kplWindow
        // The original's types for its names are opt-in.
        #expect(await Self.sink(ours, kinesisProducerTypes: true).export(snapshots, attempt: .first).delivered
            == snapshots.count)
        try await original.exportWithOriginal("datadog", snapshots)
        let ourRecords = try await ours.records()
        let theirRecords = try await original.records()
        #expect(theirRecords.allSatisfy { $0["error"] == nil } && ourRecords.allSatisfy { $0["error"] == nil })
        #expect((theirRecords.first?["headers"] as? [String: String])?["dd-api-key"] == "parity-key")

        typealias Key = [String]
        func keyed(_ series: [[String: Any]]) -> [Key: [String: Any]] {
            Dictionary(uniqueKeysWithValues: series.map { ([$0["metric"] as? String ?? ""] + ($0["tags"] as? [String] ?? []), $0) })
        }
        let ourSeries = keyed(Self.series(ourRecords, "/api/v1/series"))
        let theirSeries = keyed(Self.series(theirRecords, "/api/v1/series"))
        #expect(Set(ourSeries.keys) == Set(theirSeries.keys))
        for (key, theirs) in theirSeries {
            let our = try #require(ourSeries[key])
            #expect(our["type"] as? String == theirs["type"] as? String, "\(key)")
            #expect(our["points"] as? [[Double]] == theirs["points"] as? [[Double]], "\(key)")
        }
        // Distributions: the same series; ours sends the window's observations where the
        // original sent their mean once (deliberate: Datadog's count and percentiles).
        let ourDistributions = keyed(Self.series(ourRecords, "/api/v1/distribution_points"))
        let theirDistributions = keyed(Self.series(theirRecords, "/api/v1/distribution_points"))
        #expect(Set(ourDistributions.keys) == Set(theirDistributions.keys))
        for (key, theirs) in theirDistributions {
            let their = try #require((theirs["points"] as? [[Any]])?.first)
            let our = try #require((ourDistributions[key]?["points"] as? [[Any]])?.first)
            #expect(our[0] as? Double == their[0] as? Double, "\(key)")
            #expect(their[1] as? [Double] == [15] && our[1] as? [Double] == [15, 15], "\(key)")
        }
    }
}
