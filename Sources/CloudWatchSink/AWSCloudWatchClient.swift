import AWSCore
import Foundation

/// Request-body compression.
public enum RequestCompression: Sendable, Equatable {
    /// Send bodies as they are.
    case none
    /// gzip bodies of at least `minimumBytes` (botocore's default threshold
    /// is 10240). The payload hash is over the compressed bytes and is sent
    /// as a signed `X-Amz-Content-SHA256`.
    case gzip(minimumBytes: Int)
}

/// The real ``CloudWatchClient``: `PutMetricData` over HTTPS, SigV4-signed.
///
/// ```swift
/// let client = try AWSCloudWatchClient(region: "us-east-1", credentials: DefaultCredentialProvider())
/// try await client.putMetricData(namespace: "MyService", metricData: datums)
/// ```
///
/// One attempt per call; a failure throws ``AWSError`` (a rejected or
/// throttled request), ``HTTPTransportError`` (no response) or
/// ``CredentialsError``. The sink's export worker does the retrying.
package struct AWSCloudWatchClient: CloudWatchClient {
    package let wireProtocol: CloudWatchProtocol
    package let compression: RequestCompression
    private let client: AWSServiceClient

    /// - parameters:
    ///   - region: the region (endpoint and signature scope).
    ///   - endpoint: an explicit endpoint (LocalStack, moto); `nil` resolves
    ///     `AWS_ENDPOINT_URL_CLOUDWATCH`, `AWS_ENDPOINT_URL`, then AWS's host.
    ///   - credentials: where credentials come from.
    ///   - tls: certificate verification and an extra CA bundle.
    ///   - wireProtocol: `.json` (default) or `.query`.
    ///   - compression: gzip above 10240 bytes by default.
    ///   - transport: an HTTP transport to use instead of the one `tls` selects.
    package init(
        region: String,
        endpoint: URL? = nil,
        credentials: any CredentialProvider,
        tls: TLSOptions = .default,
        wireProtocol: CloudWatchProtocol = .json,
        compression: RequestCompression = .gzip(minimumBytes: 10_240),
        transport: (any HTTPTransport)? = nil,
        timeout: Duration = .seconds(10),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let resolved = try AWSEndpoint.resolve(service: .cloudWatch, region: region, explicit: endpoint, environment: environment)
        self.wireProtocol = wireProtocol
        self.compression = compression
        client = AWSServiceClient(
            service: .cloudWatch, region: region, endpoint: resolved, credentials: credentials,
            transport: try transport ?? makeHTTPTransport(tls: tls, proxies: HTTPProxies(environment: environment)),
            timeout: timeout)
    }

    /// The endpoint requests go to.
    package var endpoint: AWSEndpoint { client.endpoint }

    package func putMetricData(namespace: String, metricData: [MetricDatum]) async throws {
        var body = PutMetricDataBody(protocol: wireProtocol, namespace: namespace)
        for datum in metricData { body.append(datum) }
        try await send(body.finished(), protocol: wireProtocol)
    }

    package func putMetricData(_ request: PutMetricDataRequest) async throws {
        guard request.protocol == wireProtocol else {
            return try await putMetricData(namespace: request.namespace, metricData: request.metricData)
        }
        try await send(request.body, protocol: request.protocol)
    }

    private func send(_ body: [UInt8], protocol wire: CloudWatchProtocol) async throws {
        let headers: [(String, String)]
        switch wire {
        case .json:
            headers = [("Content-Type", "application/x-amz-json-1.0"),
                       ("X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData"),
                       ("x-amzn-query-mode", "true")]
        case .query:
            headers = [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
        }
        let gzip: Bool
        switch compression {
        case .none: gzip = false
        case .gzip(let minimum): gzip = body.count >= minimum
        }
        _ = try await client.send(headers: headers, body: Data(body), gzip: gzip)
    }
}
