import AWSCore
import CloudWatchSink
import Foundation
import MetricsCore
import CloudWatchMetricsTestKit

/// The test kit's client, failing the given calls (1-based) once each.
func recordingClient(failures: [Int: any Error] = [:]) -> RecordingCloudWatchClient {
    let client = RecordingCloudWatchClient()
    for (call, error) in failures { client.respond(.fail(error), toCall: call) }
    return client
}

extension RecordingCloudWatchClient {
    /// The datums of each accepted request, in order.
    var delivered: [[MetricDatum]] { requests.filter(\.accepted).map(\.datums) }
}

let windowStart = Date(timeIntervalSince1970: 1_795_437_240)
let windowEnd = Date(timeIntervalSince1970: 1_795_437_300)

func snapshot(
    _ name: String = "UserRecordsPut",
    kind: MetricSnapshot.Kind = .histogram,
    unit: MetricUnit = .none,
    dimensions: [(String, String)] = [],
    count: Int = 3, sum: Double = 6, min: Double = 1, max: Double = 3,
    distribution: [MetricSnapshot.Bucket] = []
) -> MetricSnapshot {
    MetricSnapshot(name: name, kind: kind, unit: unit, dimensions: dimensions, windowStart: windowStart,
                   windowEnd: windowEnd, count: count, sum: sum, min: min, max: max, distribution: distribution)
}

func sink(_ client: RecordingCloudWatchClient, wireProtocol: CloudWatchProtocol = .json, maxRequestBytes: Int = 1_000_000,
          namespace: String = "MyService") -> CloudWatchSink {
    CloudWatchSink(region: "us-east-1", namespace: namespace, clientFactory: { client },
                   options: .init(wireProtocol: wireProtocol, maxRequestBytes: maxRequestBytes))
}

/// Exports through `export(_:attempt:)` and returns the rejections it reported.
func exportCollectingRejections(_ sink: CloudWatchSink, _ snapshots: [MetricSnapshot]) async throws -> [(String, any Error)] {
    let result = await sink.export(snapshots, attempt: .first)
    try result.throwIfIncomplete()
    return result.rejected.map { ($0.metric, $0.error) }
}
