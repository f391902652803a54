import AWSCore
import CWMHTTPExport
import CloudWatchCommon
import Foundation
import CWMLocking
import MetricsCore

/// Exports snapshots to Amazon CloudWatch with `PutMetricData`: the Swift
/// port of aiokpl's `CloudWatchSink`, with the same datum shape, chunking
/// and dimension names, so existing dashboards keep working.
///
/// ```swift
/// let sink = CloudWatchSink(
///     region: "us-east-1",
///     namespace: "MyService",                       // default "aiokpl", as in the original
///     endpoint: URL(string: "http://127.0.0.1:4566"),  // LocalStack / moto; nil = AWS
///     verifySSL: true,
///     accessKeyId: nil, secretAccessKey: nil, sessionToken: nil,  // nil = default credential chain
///     clientFactory: nil                            // tests inject a fake CloudWatchClient here
/// )
/// let manager = MetricsManager(level: .detailed, sink: sink)
/// ```
///
/// Each export validates every snapshot (skipping and reporting invalid
/// ones, see `MetricDatumValidationError`), turns the rest into datums
/// (``MetricDatum``), packs them into requests of at most 1000 datums and
/// 1 MB (measured), and sends them. A request refused for good (a 400 such
/// as `InvalidParameterValue`) drops only its own snapshots, reported with
/// the error, and the other requests still go out. If a request fails with
/// a retryable error, the result leaves only the undelivered snapshots
/// unsent, so the retry never sends a datum twice. Retries follow the AWS
/// SDK standard mode (`RetryPolicy`). Settings beyond these
/// parameters are in ``Options``.
///
/// Printing, dumping or mirroring the sink shows its name, namespace,
/// region and endpoint, never the credentials it was given.
public final class CloudWatchSink: CloudWatchBilledSink, CustomStringConvertible, CustomReflectable {
    /// The original's dimension names: `stream` → `StreamName`,
    /// `shard` → `ShardId`, `error_code` → `ErrorCode`.
    public static let defaultDimensionNames: [String: String] = KPLDimension.cloudWatchNames

    /// The namespace every datum is put in.
    public let namespace: String
    public let name: String
    /// The wire protocol of its requests: JSON 1.0 (the default) or Query.
    public let wireProtocol: CloudWatchProtocol
    private let connection: AWSConnection
    private let clientFactory: (@Sendable () async throws -> any CloudWatchClient)?
    private let compression: RequestCompression
    private let mapper: MetricDatumMapper
    private let maxDatumsPerRequest: Int
    private let maxRequestBytes: Int
    private let awsRetryPolicy: RetryPolicy
    private let client = Locked<(any CloudWatchClient)?>(nil)
    /// Encoding buffers kept between exports, one per export at once.
    private let scratch = Locked<[ByteStorage]>([])
    /// Export calls the manager may make at once (`Options.maxConcurrentExports`).
    public let maxConcurrentExports: Int

    /// - parameters:
    ///   - region: AWS region; `nil` resolves `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile.
    ///   - namespace: CloudWatch namespace (default `"aiokpl"`, as the original).
    ///   - endpoint: an explicit endpoint (LocalStack, moto); `nil` for AWS
    ///     (or `AWS_ENDPOINT_URL_CLOUDWATCH` / `AWS_ENDPOINT_URL`).
    ///   - verifySSL: `false` accepts any certificate, for this sink only.
    ///   - accessKeyId: explicit credentials, with `secretAccessKey` (and
    ///     `sessionToken` for temporary ones); `nil` uses the default chain
    ///     (environment, profile, web identity, container, IMDS).
    ///   - secretAccessKey: the secret of `accessKeyId`.
    ///   - sessionToken: the session token of temporary credentials.
    ///   - clientFactory: builds the ``CloudWatchClient`` (tests inject a fake).
    ///   - options: everything else (``Options``): protocol, resolution,
    ///     dimension names, compression, retries, limits, name.
    public init(
        region: String? = nil,
        namespace: String = "aiokpl",
        endpoint: URL? = nil,
        verifySSL: Bool = true,
        accessKeyId: String? = nil,
        secretAccessKey: String? = nil,
        sessionToken: String? = nil,
        clientFactory: (@Sendable () async throws -> any CloudWatchClient)? = nil,
        options: Options = Options()
    ) {
        self.namespace = namespace
        self.connection = options.connection(region: region, endpoint: endpoint, verifySSL: verifySSL,
                                             accessKeyId: accessKeyId, secretAccessKey: secretAccessKey,
                                             sessionToken: sessionToken)
        self.clientFactory = clientFactory
        self.wireProtocol = options.wireProtocol
        self.compression = options.compression
        self.mapper = MetricDatumMapper(dimensionNames: options.dimensionNames,
                                        storageResolution: options.storageResolution,
                                        histogramEncoding: options.histogramEncoding)
        self.maxDatumsPerRequest = max(1, min(options.maxDatumsPerRequest, 1000))
        self.maxRequestBytes = max(4096, options.maxRequestBytes)
        self.awsRetryPolicy = options.retryPolicy
        self.name = options.name
        self.maxConcurrentExports = max(1, options.maxConcurrentExports)
    }

    public var description: String {
        "CloudWatchSink(name: \(name), namespace: \(namespace)\(connection.descriptionFields))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "namespace": namespace, "region": connection.region as Any,
                                "endpoint": connection.endpoint.map(redactedURL) as Any, "wireProtocol": wireProtocol],
               displayStyle: .class)
    }

    public var retryPolicy: any ExportRetryPolicy { awsRetryPolicy }

    /// A custom metric per series; requests of up to `maxDatumsPerRequest` datums.
    public var billing: SinkBilling { .putMetricData(datumsPerRequest: maxDatumsPerRequest) }

    /// Checks the configuration and builds the client (no network call).
    public func start() async throws {
        _ = try await resolvedClient()
    }

    /// Validates, maps, chunks and sends one batch, and says what became of
    /// every snapshot: invalid ones are rejected, the snapshots of a request
    /// refused for good are refused while the other requests still go out,
    /// and after a retryable failure everything not yet sent is unsent.
    public func export(_ snapshots: [MetricSnapshot], attempt: ExportAttempt) async -> ExportResult {
        var result = ExportResult(for: snapshots)
        let client: any CloudWatchClient
        do {
            client = try await resolvedClient()
        } catch {
            return .failed(snapshots, error: error)
        }
        var valid: [(index: Int, plain: Bool)] = []
        valid.reserveCapacity(snapshots.count)
        // Read in place: iterating the array would copy every snapshot.
        snapshots.withUnsafeBufferPointer { batch in
            var keys = CloudWatchNames.KeyMemo()
            for index in batch.indices {
                do {
                    valid.append((index, try mapper.validate(batch.baseAddress! + index, keys: &keys)))
                } catch {
                    result.reject(batch[index], error: error)
                }
            }
        }
        let buffer = scratch.withLock { $0.popLast() } ?? ByteStorage(capacity: min(maxRequestBytes + 16, 1 << 20))
        let chunker = PutMetricDataChunker(wireProtocol: wireProtocol, namespace: namespace,
                                           maxDatums: maxDatumsPerRequest, maxBytes: maxRequestBytes, mapper: mapper,
                                           scratch: buffer)
        let chunks = chunker.chunks(snapshots, valid: valid)
        scratch.withLock { if $0.count < maxConcurrentExports { $0.append(buffer) } }
        await sendInOrder(chunks, carrying: \.snapshotIndices, of: snapshots, policy: awsRetryPolicy, attempt: attempt,
                          into: &result) { chunk in
            try await client.putMetricData(PutMetricDataRequest(
                namespace: namespace, chunk: chunk, snapshots: snapshots, mapper: mapper, protocol: wireProtocol))
            return nil
        }
        return result
    }

    /// The datums a snapshot becomes (validation errors thrown), for the
    /// package's tests; users see them in `CloudWatchClient.putMetricData`.
    package func datums(for snapshot: MetricSnapshot) throws -> [MetricDatum] {
        try mapper.datums(for: snapshot)
    }

    private func resolvedClient() async throws -> any CloudWatchClient {
        try await client.value {
            try CloudWatchSinkError.validate(namespace: namespace)
            guard mapper.storageResolution == 1 || mapper.storageResolution == 60 else {
                throw CloudWatchSinkError.invalidStorageResolution(mapper.storageResolution)
            }
            if let clientFactory { return try await clientFactory() }
            return try makeAWSClient()
        }
    }

    private func makeAWSClient() throws -> AWSCloudWatchClient {
        AWSCloudWatchClient(client: try connection.client(for: .cloudWatch), wireProtocol: wireProtocol,
                            compression: compression)
    }
}
