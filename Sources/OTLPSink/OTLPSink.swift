// OTLPSink: snapshots as OTLP/HTTP metrics (our own protobuf writer, or
// OTLP/JSON) to any collector, or SigV4-signed to CloudWatch's OTLP endpoint.
//
// Imports: MetricsCore, CWMHTTP, AWSCore, CWMHTTPExport, CWMLocking.

import AWSCore
import CWMHTTPExport
import Foundation
import CWMLocking
import MetricsCore

/// Exports snapshots over OTLP/HTTP: to any OpenTelemetry collector, or to
/// CloudWatch's own OTLP endpoint, SigV4-signed.
///
/// ```swift
/// let collector = OTLPSink(endpoint: URL(string: "http://127.0.0.1:4318/v1/metrics")!)
/// let cloudWatchOTLP = OTLPSink.cloudWatch(region: "us-east-1")
/// let manager = MetricsManager(level: .detailed, sinks: [collector, cloudWatchOTLP])
/// ```
///
/// Counters become monotonic sums, gauges gauges, histograms exponential
/// histograms (count, sum, min and max exact), every point a delta over its
/// window; Docs/otlp.md has the whole mapping and where it differs from the
/// Python original's `OpenTelemetrySink`.
///
/// Each export posts one or more requests (``Options/maxDataPointsPerRequest``,
/// ``Options/maxRequestBytes``). A request the collector refuses for its
/// content (a 4xx other than 401, 403 and 429) drops its own points only;
/// after a retryable failure (429, 502, 503, 504, no answer) only the points
/// not yet delivered are retried. Points the collector rejects in a partial
/// success are dropped and reported as ``OTLPSinkError/partialSuccess(rejectedDataPoints:message:)``.
public final class OTLPSink: Sink, CustomStringConvertible, CustomReflectable {
    public let name: String
    /// Where requests go: the URL as given, or the CloudWatch endpoint's.
    package var endpointDescription: String {
        switch destination {
        case .collector(let url, _): return redactedURL(url)
        case .cloudWatch(let region, let endpoint, _, _, _, _):
            return endpoint.map(redactedURL) ?? "CloudWatch OTLP (\(region ?? "default region"))"
        }
    }

    private enum Destination {
        case collector(URL, verifySSL: Bool)
        case cloudWatch(region: String?, endpoint: URL?, verifySSL: Bool, accessKeyId: String?,
                        secretAccessKey: String?, sessionToken: String?)
    }

    private let destination: Destination
    private let options: Options
    private let encoder: OTLPEncoder
    private let backend = Locked<Backend?>(nil)

    /// A sink posting to `endpoint`, exactly as given (for a collector, the
    /// path is usually `/v1/metrics`).
    ///
    /// - parameters:
    ///   - endpoint: the OTLP/HTTP metrics URL.
    ///   - verifySSL: verify the server's certificate (default true); turn
    ///     off only for a local collector with a self-signed certificate.
    ///   - options: everything else (``Options``).
    public convenience init(endpoint: URL, verifySSL: Bool = true, options: Options = Options()) {
        self.init(destination: .collector(endpoint, verifySSL: verifySSL), options: options)
    }

    /// A sink posting to CloudWatch's OTLP metrics endpoint,
    /// `https://monitoring.{region}.amazonaws.com/v1/metrics`, SigV4-signed
    /// for the service `monitoring` with the same credential chain, TLS and
    /// retries as `CloudWatchSink`.
    ///
    /// - parameters:
    ///   - region: the AWS region (default: `AWS_REGION`, the shared config).
    ///   - endpoint: the whole URL instead of AWS's (a proxy, a local stand-in);
    ///     `AWS_ENDPOINT_URL_CLOUDWATCH` and `AWS_ENDPOINT_URL` are honoured too.
    ///   - verifySSL: verify the server's certificate (default true).
    ///   - accessKeyId: static credentials, with `secretAccessKey` (and
    ///     `sessionToken` for temporary ones); none: ``Options/credentialProvider``
    ///     or the default chain.
    ///   - secretAccessKey: the secret of `accessKeyId`.
    ///   - sessionToken: the session token of temporary credentials.
    ///   - options: everything else (``Options``).
    public static func cloudWatch(region: String? = nil, endpoint: URL? = nil, verifySSL: Bool = true,
                                  accessKeyId: String? = nil, secretAccessKey: String? = nil,
                                  sessionToken: String? = nil, options: Options = Options()) -> OTLPSink {
        var options = options
        if options.name == "otlp" { options.name = "otlp-cloudwatch" }
        return OTLPSink(destination: .cloudWatch(region: region, endpoint: endpoint, verifySSL: verifySSL,
                                                 accessKeyId: accessKeyId, secretAccessKey: secretAccessKey,
                                                 sessionToken: sessionToken), options: options)
    }

    private init(destination: Destination, options: Options) {
        self.destination = destination
        self.options = options
        name = options.name
        encoder = OTLPEncoder(
            encoding: options.encoding == .json ? .json : .protobuf,
            resource: options.resourceAttributes.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) },
            scopeName: options.scopeName, scopeVersion: options.scopeVersion, prefix: options.metricPrefix,
            lowercaseNames: options.lowercaseMetricNames, maxHistogramBuckets: options.maxHistogramBuckets,
            kinesisProducerTypes: options.kinesisProducerTypes)
    }

    public var description: String {
        let headers = options.headers.keys.sorted().joined(separator: ",")
        return "OTLPSink(name: \(name), endpoint: \(endpointDescription), encoding: \(options.encoding)"
            + (headers.isEmpty ? "" : ", headers: [\(headers)]") + ")"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "endpoint": endpointDescription], displayStyle: .class)
    }

    public var retryPolicy: any ExportRetryPolicy { options.retryPolicy }

    /// Checks the configuration and builds the HTTP client (no request is sent).
    public func start() async throws {
        _ = try await resolvedBackend()
    }

    public func export(_ snapshots: [MetricSnapshot], attempt: ExportAttempt) async -> ExportResult {
        let backend: Backend
        do {
            backend = try await resolvedBackend()
        } catch {
            return .failed(snapshots, error: error)
        }
        var result = ExportResult(for: snapshots)
        let (requests, rejected) = encoder.requests(snapshots, maxPoints: max(1, options.maxDataPointsPerRequest),
                                                    maxBytes: max(1024, options.maxRequestBytes))
        for (index, error) in rejected { result.reject(snapshots[index], error: error) }
        await sendInOrder(requests, carrying: \.snapshots, of: snapshots, policy: options.retryPolicy, attempt: attempt,
                          into: &result) { request in
            let response = try await backend.post(request.body)
            guard let partial = OTLPResponse.partialSuccess(response, json: options.encoding == .json),
                  partial.rejected > 0 else { return nil }
            return .count(min(partial.rejected, request.snapshots.count),
                          error: OTLPSinkError.partialSuccess(rejectedDataPoints: partial.rejected, message: partial.message))
        }
        return result
    }

    // MARK: Backend

    private func resolvedBackend() async throws -> Backend {
        try await backend.value { try makeBackend() }
    }

    private func makeBackend() throws -> Backend {
        let contentType = options.encoding == .json ? "application/json" : "application/x-protobuf"
        let headers = options.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            + [("Content-Type", contentType)]
        try HTTPTransportError.validate(headers: headers)
        switch destination {
        case .collector(let url, let verifySSL):
            do {
                try HTTPTransportError.validate(url)
            } catch {
                throw OTLPSinkError.invalidEndpoint(redactedURL(url))
            }
            let transport = try options.transport(verifySSL: verifySSL)
            return .collector(transport: transport, url: url, headers: headers, compression: options.compression,
                              timeout: options.requestTimeout)
        case .cloudWatch(let region, let endpoint, let verifySSL, let keyId, let secret, let token):
            let connection = options.connection(region: region, endpoint: endpoint, verifySSL: verifySSL,
                                                accessKeyId: keyId, secretAccessKey: secret, sessionToken: token)
            // AWS's own host takes OTLP at /v1/metrics; an explicit endpoint is used as given.
            let client = try connection.client(for: .cloudWatch, path: ["v1", "metrics"])
            return .aws(client, headers: headers, compression: options.compression)
        }
    }
}

/// Where an ``OTLPSink`` posts: a collector, plainly, or AWS, signed.
private enum Backend: Sendable {
    case collector(transport: any HTTPTransport, url: URL, headers: [(String, String)], compression: RequestCompression,
                   timeout: Duration)
    case aws(AWSServiceClient, headers: [(String, String)], compression: RequestCompression)

    /// Posts `body`; returns the 2xx response, throws `HTTPStatusError`
    /// (or the `AWSError`) for any other.
    func post(_ body: [UInt8]) async throws -> HTTPResponse {
        switch self {
        case .collector(let transport, let url, let headers, let compression, let timeout):
            var headers = headers
            let payload = try compression.encode(Data(body), headers: &headers)
            let response = try await transport.send(HTTPRequest(method: "POST", url: url, headers: headers,
                                                                body: payload, timeout: timeout))
            guard response.isSuccess else {
                // A collector may echo the request's headers: never their values.
                var message = OTLPResponse.errorMessage(response)
                for (_, value) in headers where value.count >= 4 {
                    message = message.replacingOccurrences(of: value, with: "<redacted>")
                }
                // 429 and, as the OTLP specification asks, 502, 503 and 504 are retried.
                throw HTTPStatusError(server: "the collector", statusCode: response.status, message: message,
                                      retryAfter: response.retryAfter(),
                                      isTransient: [502, 503, 504].contains(response.status))
            }
            return response
        case .aws(let client, let headers, let compression):
            return try await client.send(headers: headers, body: Data(body), compression: compression)
        }
    }
}
