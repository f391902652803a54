import CWMHTTP
import CWMLocking
import CWMUTCTime
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
package struct AWSServiceClient: Sendable {
    package let service: AWSService
    package let region: String
    package let endpoint: AWSEndpoint
    package let credentials: any CredentialProvider
    package let transport: any HTTPTransport
    /// Deadline of each request.
    package var timeout: Duration
    /// Sends (and signs) `X-Amz-Content-SHA256` with gzipped bodies. AWS
    /// accepts it; moto needs it to verify gzipped requests (it otherwise
    /// checks the signature against the decompressed body).
    package var signsHashOfCompressedPayload: Bool
    /// A clock for signatures (injectable for tests).
    package var now: @Sendable () -> Date
    /// The server's clock minus ours, shared by the copies of this client.
    private let clockOffset = Locked<TimeInterval>(0)

    package init(
        service: AWSService,
        region: String,
        endpoint: AWSEndpoint,
        credentials: any CredentialProvider,
        transport: any HTTPTransport = defaultHTTPTransport(),
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

    /// POSTs `body` to the endpoint with `headers`, gzipped when
    /// `compression` says so (`Content-Encoding: gzip`, signed). Returns the 2xx response;
    /// throws ``AWSError`` for any other status, ``HTTPTransportError`` when
    /// no response came, ``CredentialsError`` when there are no credentials.
    ///
    /// Two answers are handled here, once each per call, as the AWS SDKs do:
    ///
    /// - a signature refused as too old or too new (`RequestTimeTooSkewed`,
    ///   `RequestExpired`, `InvalidSignatureException`, `SignatureDoesNotMatch`)
    ///   with a server `Date` more than 4 minutes from the time signed: the
    ///   difference is kept as this client's clock offset (later requests use
    ///   it too) and the request is signed again and resent;
    /// - credentials refused as expired or unknown (`ExpiredToken`,
    ///   `ExpiredTokenException`, `InvalidClientTokenId`): the provider is told
    ///   to forget them, and the request is signed with fresh ones and resent.
    package func send(headers: [(String, String)], body: Data,
                      compression: RequestCompression = .none) async throws -> HTTPResponse {
        var headers = headers
        let payload = try compression.encode(body, headers: &headers)
        let gzip = compression.compresses(body.count)
        var correctedClock = false
        var refreshedCredentials = false
        while true {
            let credentials = try await self.credentials.credentials()
            let signer = SigV4Signer(credentials: credentials, region: region, service: service.signingName,
                                     sendsContentSHA256: gzip && signsHashOfCompressedPayload)
            let signingDate = now().addingTimeInterval(clockSkew)
            let signed = signer.signedHeaders(method: "POST", url: endpoint.url, headers: headers, body: payload,
                                              date: signingDate)
            let response = try await transport.send(HTTPRequest(
                method: "POST", url: endpoint.url, headers: signed, body: payload, timeout: timeout))
            if response.isSuccess { return response }
            let error = AWSError.parse(response, redacting: credentials.secrets)
            if !correctedClock, Self.clockSkewCodes.contains(error.code),
               let serverDate = response.header("Date").flatMap(UTCTime.parseHTTPDate),
               abs(serverDate.timeIntervalSince(signingDate)) > Self.tolerableSkew {
                let offset = serverDate.timeIntervalSince(now())
                clockOffset.withLock { $0 = offset }
                correctedClock = true
                continue
            }
            if !refreshedCredentials, Self.expiredCredentialCodes.contains(error.code) {
                self.credentials.invalidate()
                refreshedCredentials = true
                continue
            }
            throw error
        }
    }

    /// The clock offset in use: the server's time minus ours, learnt from a
    /// refused signature (0 until then).
    package var clockSkew: TimeInterval { clockOffset.withLock { $0 } }

    /// Error codes of a signature refused for its time.
    static let clockSkewCodes: Set<String> = [
        "RequestTimeTooSkewed", "RequestExpired", "InvalidSignatureException", "SignatureDoesNotMatch",
        "RequestInTheFuture",
    ]
    /// Error codes of credentials that expired or that the service does not know.
    static let expiredCredentialCodes: Set<String> = ["ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId"]
    /// How far the server's clock may be from ours before it is corrected.
    static let tolerableSkew: TimeInterval = 4 * 60
}
