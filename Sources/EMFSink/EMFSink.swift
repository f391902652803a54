// EMFSink: snapshots as CloudWatch Embedded Metric Format documents, written
// to standard output (Lambda), a file, or CloudWatch Logs with PutLogEvents
// (SigV4, through AWSCore and the HTTP sinks' send loop).
//
// Imports: MetricsCore, CloudWatchCommon, CWMHTTP, AWSCore, CWMHTTPExport, CWMLocking.

import AWSCore
import CWMHTTPExport
import CloudWatchCommon
import Foundation
import CWMLocking
import MetricsCore

/// Exports snapshots as CloudWatch Embedded Metric Format documents:
/// structured log events that CloudWatch turns into metrics. The only way
/// out of AWS Lambda, and the cheapest at high cardinality (one log event
/// carries up to 100 metrics that share dimensions).
///
/// ```swift
/// let lambda = EMFSink(namespace: "MyService", destination: .standardOutput)
/// let logs = EMFSink(namespace: "MyService",
///                    destination: .cloudWatchLogs(logGroup: "/my-app/metrics", logStream: "host-1",
///                                                 region: "us-east-1", endpoint: nil, verifySSL: true,
///                                                 accessKeyId: nil, secretAccessKey: nil, sessionToken: nil),
///                    defaultDimensions: [["ServiceName"]])
/// let manager = MetricsManager(level: .detailed, sinks: [logs])
/// ```
///
/// Each export validates every snapshot with the same rules and errors as
/// `CloudWatchSink` (`MetricDatumValidationError`), groups the valid ones
/// into documents (see Docs/emf.md for exactly what reaches CloudWatch), and
/// writes them: one line per document to standard output or a file handle,
/// or PutLogEvents calls (creating the log group and stream when missing).
/// A call refused for good drops only its own snapshots; after a retryable
/// failure only the snapshots not yet sent are retried.
public final class EMFSink: CloudWatchBilledSink, CustomStringConvertible, CustomReflectable {
    /// The namespace every metric is put in.
    public let namespace: String
    public let name: String
    /// Where the documents go.
    package let destination: EMFDestination
    /// Dimension sets added to every document that has their keys.
    package let defaultDimensions: [[String]]
    private let encoder: EMFDocumentEncoder
    private let options: Options
    private let client = Locked<(any CloudWatchLogsClient)?>(nil)

    /// - parameters:
    ///   - namespace: CloudWatch namespace (default `"aiokpl"`, as CloudWatchSink).
    ///   - destination: standard output (default), a file handle, or CloudWatch Logs.
    ///   - defaultDimensions: dimension sets added to each document besides
    ///     the series' own (metrique's `default_dimensions`): `[[]]` adds a
    ///     roll-up without dimensions, `[["ServiceName"]]` one by a property.
    ///   - options: everything else (``Options``).
    public init(namespace: String = "aiokpl", destination: EMFDestination = .standardOutput,
                defaultDimensions: [[String]] = [], options: Options = Options()) {
        self.namespace = namespace
        self.destination = destination
        self.defaultDimensions = defaultDimensions
        self.options = options
        self.name = options.name
        encoder = EMFDocumentEncoder(
            namespace: namespace, names: CloudWatchNames(dimensionNames: options.dimensionNames),
            storageResolution: options.storageResolution, defaultDimensions: defaultDimensions,
            properties: options.properties.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
    }

    public var description: String {
        "EMFSink(name: \(name), namespace: \(namespace), destination: \(destination))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "namespace": namespace, "destination": destination.description],
               displayStyle: .class)
    }

    public var retryPolicy: any ExportRetryPolicy { options.retryPolicy }

    /// To CloudWatch Logs (or to standard output in Lambda, which ships it
    /// there): a custom metric per series and the documents' bytes, measured
    /// by encoding them. To a file handle: not billed.
    public var billing: SinkBilling {
        if case .fileHandle = destination { return .none }
        let encoder = self.encoder
        return .logIngestion(measure: { snapshots in
            encoder.encode(snapshots).documents.reduce(0) { $0 + $1.bytes.count + LogEventBatches.overheadPerEvent }
        })
    }

    /// Checks the configuration and, for CloudWatch Logs, builds the client
    /// (no network call: the group and stream are created when a put finds
    /// them missing).
    public func start() async throws {
        try validateConfiguration()
        if case .cloudWatchLogs = destination { _ = try await resolvedClient() }
    }

    public func export(_ snapshots: [MetricSnapshot], attempt: ExportAttempt) async -> ExportResult {
        do {
            try validateConfiguration()
        } catch {
            return .failed(snapshots, error: error)
        }
        var result = ExportResult(for: snapshots)
        let (documents, rejected) = encoder.encode(snapshots)
        for (index, error) in rejected { result.reject(snapshots[index], error: error) }
        switch destination {
        case .standardOutput:
            write(documents, to: LineWriter(descriptor: STDOUT_FILENO, sharesStandardOutput: true,
                                            timeout: options.writeTimeout), snapshots, &result)
        case .fileHandle(let handle):
            write(documents, to: LineWriter(descriptor: handle.fileDescriptor, sharesStandardOutput: false,
                                            timeout: options.writeTimeout), snapshots,
                  &result)
        case .cloudWatchLogs(let group, let stream, _, _, _, _, _, _):
            await put(documents, group: group, stream: stream, snapshots, attempt: attempt, &result)
        }
        return result
    }

    // MARK: Lines

    private func write(_ documents: [EMFDocument], to writer: LineWriter, _ snapshots: [MetricSnapshot],
                       _ result: inout ExportResult) {
        for (position, document) in documents.enumerated() {
            do {
                try writer.write([document.bytes])
            } catch {
                let unsent = Set(documents[position...].flatMap(\.snapshots)).sorted()
                result.retry(unsent.map { snapshots[$0] }, because: error)
                return
            }
        }
    }

    // MARK: CloudWatch Logs

    private func put(_ documents: [EMFDocument], group: String, stream: String, _ snapshots: [MetricSnapshot],
                     attempt: ExportAttempt, _ result: inout ExportResult) async {
        let client: any CloudWatchLogsClient
        do {
            client = try await resolvedClient()
        } catch {
            result.retry(Set(documents.flatMap(\.snapshots)).sorted().map { snapshots[$0] }, because: error)
            return
        }
        let batches = LogEventBatches.cut(documents, maxEvents: max(1, min(options.maxEventsPerBatch, 10_000)),
                                          maxBytes: max(65_536, min(options.maxBatchBytes, 1_048_576)))
        await sendInOrder(batches, carrying: { batch in batch.flatMap { documents[$0].snapshots } }, of: snapshots,
                          policy: options.retryPolicy, attempt: attempt, into: &result) { batch in
            let events = batch.map { LogEvent(timestamp: documents[$0].timestamp, message: documents[$0].bytes) }
            guard let rejected = try await putCreatingIfMissing(client, group: group, stream: stream, events: events) else {
                return nil
            }
            return .snapshots(
                rejected.indices(of: events.count).flatMap { documents[batch[$0]].snapshots },
                error: EMFSinkError.logEventsRejected(
                    tooNew: rejected.tooNewStartIndex.map { events.count - $0 } ?? 0,
                    tooOld: rejected.tooOldEndIndex ?? 0, expired: rejected.expiredEndIndex ?? 0))
        }
    }

    /// Puts `events`; when the group or stream is missing, creates both
    /// (either may exist already) and puts once more.
    private func putCreatingIfMissing(_ client: any CloudWatchLogsClient, group: String, stream: String,
                                      events: [LogEvent]) async throws -> RejectedLogEvents? {
        do {
            return try await client.putLogEvents(group: group, stream: stream, events: events)
        } catch let error as AWSError where error.code == "ResourceNotFoundException" {
            do {
                try await client.createLogGroup(group)
            } catch let error as AWSError where error.code == "ResourceAlreadyExistsException" {
            } catch let error as AWSError where error.code == "LimitExceededException" {
                throw EMFSinkError.logGroupLimitExceeded(error.message)
            }
            do {
                try await client.createLogStream(group: group, stream: stream)
            } catch let error as AWSError where error.code == "ResourceAlreadyExistsException" {}
            return try await client.putLogEvents(group: group, stream: stream, events: events)
        }
    }

    private func resolvedClient() async throws -> any CloudWatchLogsClient {
        try await client.value {
            if let factory = options.logsClientFactory { return try await factory() }
            return try makeAWSClient()
        }
    }

    private func makeAWSClient() throws -> any CloudWatchLogsClient {
        guard case .cloudWatchLogs(_, _, let region, let endpoint, let verifySSL, let keyId, let secret, let token)
            = destination else { preconditionFailure("only CloudWatch Logs has a client") }
        let connection = options.connection(region: region, endpoint: endpoint, verifySSL: verifySSL,
                                            accessKeyId: keyId, secretAccessKey: secret, sessionToken: token)
        return AWSCloudWatchLogsClient(client: try connection.client(for: .cloudWatchLogs))
    }

    // MARK: Configuration

    private func validateConfiguration() throws {
        if let reason = CloudWatchNames.namespaceProblem(namespace) { throw EMFSinkError.invalidNamespace(namespace, reason: reason) }
        guard options.storageResolution == 1 || options.storageResolution == 60 else {
            throw EMFSinkError.invalidStorageResolution(options.storageResolution)
        }
        for set in defaultDimensions {
            if set.count > EMFDocumentEncoder.maximumKeysPerDimensionSet {
                throw EMFSinkError.invalidDimensionSet(set, reason: "\(set.count) keys (at most 30)")
            }
            if set.contains(where: { $0.isEmpty || $0 == "_aws" }) {
                throw EMFSinkError.invalidDimensionSet(set, reason: "an empty key or _aws")
            }
        }
        if case .cloudWatchLogs(let group, let stream, _, _, _, _, _, _) = destination {
            if group.isEmpty || group.utf8.count > 512
                || !group.unicodeScalars.allSatisfy({ $0.isASCII && (Self.groupCharacters.contains($0)) }) {
                throw EMFSinkError.invalidLogName(group, reason: "a log group name is 1 to 512 of A-Z a-z 0-9 . - _ / #")
            }
            if stream.isEmpty || stream.utf8.count > 512 || stream.contains(":") || stream.contains("*") {
                throw EMFSinkError.invalidLogName(stream, reason: "a log stream name is 1 to 512 characters, without : or *")
            }
        }
    }

    private static let groupCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/#")
}
