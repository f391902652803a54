import AWSCore
import CloudWatchSink
import Foundation
import Locking
import MetricsCore

/// A CloudWatchClient that records every request and can fail on demand.
final class FakeCloudWatchClient: CloudWatchClient {
    struct Call: Sendable {
        let namespace: String
        let datums: [MetricDatum]
        let body: [UInt8]?
    }

    let calls = Locked<[Call]>([])
    /// Errors to throw, by call number (1-based); each consumed once.
    let failures: Locked<[Int: any Error]>

    init(failures: [Int: any Error] = [:]) {
        self.failures = Locked(failures)
    }

    func putMetricData(namespace: String, metricData: [MetricDatum]) async throws {
        try record(Call(namespace: namespace, datums: metricData, body: nil))
    }

    func putMetricData(_ request: PutMetricDataRequest) async throws {
        try record(Call(namespace: request.namespace, datums: request.metricData, body: request.body))
    }

    private func record(_ call: Call) throws {
        let failure = calls.withLock { calls -> (any Error)? in
            let number = calls.count + 1
            if let error = failures.withLock({ $0.removeValue(forKey: number) }) {
                calls.append(Call(namespace: call.namespace, datums: [], body: nil))
                return error
            }
            calls.append(call)
            return nil
        }
        if let failure { throw failure }
    }

    var delivered: [[MetricDatum]] { calls.withLock { $0.map(\.datums).filter { !$0.isEmpty } } }
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

func sink(_ client: FakeCloudWatchClient, wireProtocol: CloudWatchProtocol = .json, maxRequestBytes: Int = 1_000_000,
          namespace: String = "MyService") -> CloudWatchSink {
    CloudWatchSink(region: "us-east-1", namespace: namespace, clientFactory: { client },
                   wireProtocol: wireProtocol, maxRequestBytes: maxRequestBytes)
}

/// Runs `export` inside an ExportContext and returns the rejections it reported.
func exportCollectingRejections(_ sink: CloudWatchSink, _ snapshots: [MetricSnapshot]) async throws -> [(String, any Error)] {
    let rejected = Locked<[(String, any Error)]>([])
    let context = ExportContext { event in
        if case .datumRejected(let metric, let error) = event { rejected.withLock { $0.append((metric, error)) } }
    }
    try await ExportContext.$current.withValue(context) { try await sink.export(snapshots) }
    return rejected.withLock { $0 }
}
