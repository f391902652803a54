import AWSCore
import Foundation

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
    ///   - client: signs for `monitoring` and sends (see
    ///     ``AWSConnection/client(for:transport:path:)``).
    ///   - wireProtocol: `.json` (default) or `.query`.
    ///   - compression: gzip above 10240 bytes by default.
    package init(client: AWSServiceClient, wireProtocol: CloudWatchProtocol = .json,
                 compression: RequestCompression = .gzip(minimumBytes: 10_240)) {
        self.client = client
        self.wireProtocol = wireProtocol
        self.compression = compression
    }

    /// A client for `region` and `credentials`, the endpoint resolved as
    /// the sink resolves it (`endpoint`, else `AWS_ENDPOINT_URL_CLOUDWATCH`,
    /// `AWS_ENDPOINT_URL`, AWS's host), with full TLS verification.
    package init(region: String, endpoint: URL? = nil, credentials: any CredentialProvider,
                 wireProtocol: CloudWatchProtocol = .json, compression: RequestCompression = .gzip(minimumBytes: 10_240),
                 environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let connection = AWSConnection(region: region, endpoint: endpoint, verifySSL: true, accessKeyId: nil,
                                       secretAccessKey: nil, sessionToken: nil, credentialProvider: credentials,
                                       caBundlePath: nil, timeout: .seconds(10), environment: environment)
        self.init(client: try connection.client(for: .cloudWatch), wireProtocol: wireProtocol, compression: compression)
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
        _ = try await client.send(headers: headers, body: Data(body), compression: compression)
    }
}
