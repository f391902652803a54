import CWMHTTP
import Foundation

/// The EC2 instance metadata service, IMDSv2 first.
///
/// Endpoint: `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else
/// `http://[fd00:ec2::254]` when `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`,
/// else `http://169.254.169.254`. A token is fetched with a `PUT`; a 403, 404
/// or 405 there means IMDSv1 only, used unless `AWS_EC2_METADATA_V1_DISABLED=true`.
/// Short timeouts (1 s): off EC2, nothing answers.
package struct IMDSClient: Sendable {
    package let endpoint: URL
    package let timeout: Duration
    private let transport: any HTTPTransport
    private let allowsV1: Bool

    package init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: any HTTPTransport = defaultHTTPTransport(),
        endpoint: URL? = nil,
        timeout: Duration = .seconds(1)
    ) {
        let configured = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap(URL.init(string:))
        let ipv6 = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6"
        self.endpoint = endpoint ?? configured ?? URL(string: ipv6 ? "http://[fd00:ec2::254]" : "http://169.254.169.254")!
        self.transport = transport
        self.timeout = timeout
        self.allowsV1 = environment["AWS_EC2_METADATA_V1_DISABLED"]?.lowercased() != "true"
    }

    /// Why metadata could not be read.
    package enum Failure: Error, Equatable, CustomStringConvertible {
        /// Nothing answered: not on EC2 (or IMDS is blocked).
        case unreachable(String)
        /// IMDS answered with an error status.
        case status(Int, path: String)
        /// IMDSv2 is required here but the token request was refused.
        case tokenRefused(Int)

        package var description: String {
            switch self {
            case .unreachable(let detail): return "no instance metadata service (\(detail))"
            case .status(let status, let path): return "instance metadata \(path) answered HTTP \(status)"
            case .tokenRefused(let status): return "IMDSv2 token refused (HTTP \(status)) and IMDSv1 is disabled"
            }
        }
    }

    /// A session token, or `nil` when only IMDSv1 is available.
    package func token() async throws -> String? {
        let request = HTTPRequest(
            method: "PUT", url: endpoint.appendingPathComponent("latest/api/token"),
            headers: [("x-aws-ec2-metadata-token-ttl-seconds", "21600")], timeout: timeout, usesProxy: false)
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as HTTPTransportError {
            throw Failure.unreachable(error.description)
        }
        switch response.status {
        case 200: return String(decoding: response.body, as: UTF8.self)
        case 403, 404, 405:
            if allowsV1 { return nil }
            throw Failure.tokenRefused(response.status)
        default: throw Failure.status(response.status, path: "/latest/api/token")
        }
    }

    /// The text at `path` (for example `/latest/meta-data/instance-id`).
    package func get(_ path: String, token: String?) async throws -> String {
        let trimmed = path.hasPrefix("/") ? String(path.dropFirst()) : path
        var headers: [(String, String)] = []
        if let token { headers.append(("x-aws-ec2-metadata-token", token)) }
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(
                method: "GET", url: endpoint.appendingPathComponent(trimmed), headers: headers, timeout: timeout,
                usesProxy: false))
        } catch let error as HTTPTransportError {
            throw Failure.unreachable(error.description)
        }
        guard response.status == 200 else { throw Failure.status(response.status, path: path) }
        return String(decoding: response.body, as: UTF8.self)
    }

    /// Fetches a token and then `path`.
    package func get(_ path: String) async throws -> String {
        try await get(path, token: try await token())
    }
}

/// The instance profile's role credentials from IMDS. Disabled by
/// `AWS_EC2_METADATA_DISABLED=true`.
public struct IMDSCredentialProvider: CredentialProvider {
    private let client: IMDSClient
    private let disabled: Bool
    private let now: @Sendable () -> Date

    /// - parameter environment: where `AWS_EC2_METADATA_*` settings are read.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(environment: environment, client: nil)
    }

    /// With an injected metadata client and clock (tests).
    package init(
        environment: [String: String],
        client: IMDSClient?,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.client = client ?? IMDSClient(environment: environment)
        self.disabled = environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true"
        self.now = now
    }

    public var name: String { "EC2 instance metadata (IMDS)" }

    public func credentials() async throws -> AWSCredentials {
        guard !disabled else {
            throw CredentialsError.notConfigured(provider: name, reason: "AWS_EC2_METADATA_DISABLED=true")
        }
        do {
            let token = try await client.token()
            let roles = try await client.get("/latest/meta-data/iam/security-credentials/", token: token)
            guard let role = roles.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty else {
                throw CredentialsError.notConfigured(provider: name, reason: "no IAM role attached to the instance")
            }
            let document = try await client.get("/latest/meta-data/iam/security-credentials/\(role)", token: token)
            let credentials = try RemoteCredentials.parseJSON(Data(document.utf8), provider: name)
            return extendIfExpired(credentials)
        } catch let failure as IMDSClient.Failure {
            // As in botocore, any trouble with IMDS means "no credentials
            // here" (off EC2, something else answers that address, or no role),
            // not an error that stops the chain; the reason is kept.
            switch failure {
            case .status(404, _):
                throw CredentialsError.notConfigured(provider: name, reason: "no IAM role attached to the instance")
            default:
                throw CredentialsError.notConfigured(provider: name, reason: failure.description)
            }
        } catch let error as CredentialsError {
            if case .failed(_, let reason) = error { throw CredentialsError.notConfigured(provider: name, reason: reason) }
            throw error
        }
    }

    /// IMDS can hand out credentials that have just expired while it renews
    /// them. Like botocore, use them a little longer (15 minutes plus 2 to 10
    /// minutes of jitter) instead of failing every request meanwhile.
    private func extendIfExpired(_ credentials: AWSCredentials) -> AWSCredentials {
        let current = now()
        guard let expiration = credentials.expiration, expiration <= current else { return credentials }
        let extended = current.addingTimeInterval(15 * 60 + Double.random(in: 120...600))
        return AWSCredentials(accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
                              sessionToken: credentials.sessionToken, expiration: extended)
    }
}
