import Foundation

/// Sends signed requests to one AWS service: resolves credentials, gzips
/// the body when asked, signs, sends, and turns an error response into an
/// ``AWSError`` whose text never contains the secret or session token.
///
/// One attempt per call: retrying is the caller's policy (the metrics export
/// worker retries a failed batch per ``RetryPolicy``; see ``RetryPolicy/run(_:)``
/// for standalone use).
///
/// ```swift
/// let client = AWSServiceClient(service: .cloudWatch, region: "us-east-1",
///                               endpoint: try AWSEndpoint.resolve(service: .cloudWatch, region: "us-east-1"),
///                               credentials: DefaultCredentialProvider())
/// let response = try await client.send(headers: [("Content-Type", "application/x-amz-json-1.0")], body: body)
/// ```
public struct AWSServiceClient: Sendable {
    public let service: AWSService
    public let region: String
    public let endpoint: AWSEndpoint
    public let credentials: any CredentialProvider
    public let transport: any HTTPTransport
    /// Deadline of each request.
    public var timeout: Duration
    /// Sends (and signs) `X-Amz-Content-SHA256` with gzipped bodies. AWS
    /// accepts it; moto needs it to verify gzipped requests (it otherwise
    /// checks the signature against the decompressed body).
    public var signsHashOfCompressedPayload: Bool
    /// A clock for signatures (injectable for tests).
    public var now: @Sendable () -> Date

    public init(
        service: AWSService,
        region: String,
        endpoint: AWSEndpoint,
        credentials: any CredentialProvider,
        transport: any HTTPTransport = URLSessionTransport(),
        timeout: Duration = .seconds(10),
        signsHashOfCompressedPayload: Bool = true,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.service = service
        self.region = region
        self.endpoint = endpoint
        self.credentials = credentials
        self.transport = transport
        self.timeout = timeout
        self.signsHashOfCompressedPayload = signsHashOfCompressedPayload
        self.now = now
    }

    /// POSTs `body` to the endpoint with `headers`, gzipped when `gzip` is
    /// true (`Content-Encoding: gzip`, signed). Returns the 2xx response;
    /// throws ``AWSError`` for any other status, ``HTTPTransportError`` when
    /// no response came, ``CredentialsError`` when there are no credentials.
    public func send(headers: [(String, String)], body: Data, gzip: Bool = false) async throws -> HTTPResponse {
        let credentials = try await self.credentials.credentials()
        var headers = headers
        var payload = body
        if gzip {
            payload = try Gzip.compress(body)
            headers.append(("Content-Encoding", "gzip"))
        }
        let signer = SigV4Signer(credentials: credentials, region: region, service: service.signingName,
                                 sendsContentSHA256: gzip && signsHashOfCompressedPayload)
        let signed = signer.signedHeaders(method: "POST", url: endpoint.url, headers: headers, body: payload, date: now())
        let response = try await transport.send(HTTPRequest(
            method: "POST", url: endpoint.url, headers: signed, body: payload, timeout: timeout))
        guard response.isSuccess else { throw AWSError.parse(response, redacting: credentials.secrets) }
        return response
    }
}
