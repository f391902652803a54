import CloudWatchCommon
import Foundation
import MetricsCore

/// Sends `PutMetricData` calls. The sink talks to CloudWatch only through
/// this protocol, so tests can inject a fake; the `CloudWatchMetricsTestKit` product
/// has one that records every call and can fail, throttle or hang:
///
/// ```swift
/// let client = RecordingCloudWatchClient()
/// let sink = CloudWatchSink(region: "us-east-1", clientFactory: { client })
/// ```
///
/// A client of your own needs one method:
///
/// ```swift
/// struct PrintingClient: CloudWatchClient {
///     func putMetricData(namespace: String, metricData: [MetricDatum]) async throws {
///         print(namespace, metricData.map(\.metricName))
///     }
/// }
/// ```
public protocol CloudWatchClient: Sendable {
    /// Puts `metricData` (already chunked within CloudWatch's limits).
    func putMetricData(namespace: String, metricData: [MetricDatum]) async throws

    /// Puts a request the sink has already encoded (it encodes to measure
    /// the body while chunking). The default forwards the datums to
    /// ``putMetricData(namespace:metricData:)``; the AWS client sends
    /// `request.body` as it is instead of encoding it again.
    func putMetricData(_ request: PutMetricDataRequest) async throws
}

extension CloudWatchClient {
    public func putMetricData(_ request: PutMetricDataRequest) async throws {
        try await putMetricData(namespace: request.namespace, metricData: request.metricData)
    }
}

/// One chunk of a `PutMetricData` call: the datums and their encoded body.
public struct PutMetricDataRequest: Sendable {
    /// The namespace of every datum in the request.
    public let namespace: String
    /// The encoded request body in `protocol`: what a client of your own
    /// signs (`SigV4Signer`) and sends; a fake reads ``metricData`` instead.
    public let body: [UInt8]
    /// The wire protocol the request is encoded in (its content type).
    public let `protocol`: CloudWatchProtocol
    /// The number of datums.
    package let datumCount: Int
    // The datums are built from the snapshots only when asked for: the AWS
    // client sends `body` and never needs them.
    private let snapshots: [MetricSnapshot]
    private let entries: [PutMetricDataChunker.Entry]
    private let mapper: MetricDatumMapper

    init(namespace: String, chunk: PutMetricDataChunker.Chunk, snapshots: [MetricSnapshot],
         mapper: MetricDatumMapper, protocol: CloudWatchProtocol) {
        self.namespace = namespace
        self.body = chunk.body
        self.protocol = `protocol`
        self.datumCount = chunk.datumCount
        self.snapshots = snapshots
        self.entries = chunk.entries
        self.mapper = mapper
    }

    /// The datums of the request.
    public var metricData: [MetricDatum] {
        snapshots.withUnsafeBufferPointer { batch in
            var keys = CloudWatchNames.KeyMemo()
            return entries.flatMap { entry in
                let snapshot = batch.baseAddress! + entry.snapshot
                let wireNames = mapper.wireNames(snapshot, keys: &keys)
                return entry.parts.map { MetricDatum(SnapshotDatum(snapshot, mapper: mapper, part: $0, wireNames: wireNames)) }
            }
        }
    }
}
