import CWMHTTP
import Foundation

/// Credentials of an ECS task role or EKS Pod Identity.
///
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (a path starting with `/`) is
/// read from `http://169.254.170.2`; otherwise
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`, whose host must be one of the
/// container agents' addresses (`169.254.170.2`, `169.254.170.23`,
/// `fd00:ec2::23`), `localhost`, or a loopback *address* (`127.0.0.0/8`,
/// `::1`), whatever the scheme: the credentials and the authorization
/// token never go anywhere else. The `Authorization` header is the content
/// of `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read on every call, at
/// most 64 KiB) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
public struct ContainerCredentialProvider: CredentialProvider, CustomStringConvertible,
    CustomReflectable {
    static let environmentKeys = [
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    ]
    private let environment: [String: String]
    private let transport: any HTTPTransport
    private let relativeBase: URL
    private let timeout: Duration

    /// Credentials from the container's credential endpoint: ECS
    /// (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, against the ECS agent's
    /// address) or EKS Pod Identity and others
    /// (`AWS_CONTAINER_CREDENTIALS_FULL_URI`, with the token of
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]`).
    ///
    /// - parameter environment: where `AWS_CONTAINER_*` settings are read.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(environment: environment, transport: nil)
    }

    /// With an injected transport and endpoint (tests).
    package init(
        environment: [String: String],
        transport: (any HTTPTransport)? = nil,
        relativeBase: URL = URL(string: "http://169.254.170.2")!,
        timeout: Duration = .seconds(2)
    ) {
        let transport = transport ?? defaultHTTPTransport()
        self.environment = environment.only(Self.environmentKeys)
        self.transport = transport
        self.relativeBase = relativeBase
        self.timeout = timeout
    }

    public var name: String { "container credentials" }

    public var description: String { "ContainerCredentialProvider()" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    public func credentials() async throws -> AWSCredentials {
        let url = try endpoint()
        var headers: [(String, String)] = [("Accept", "application/json")]
        if let token = try authorizationToken() { headers.append(("Authorization", token)) }
        var lastError: (any Error)?
        for _ in 0..<2 {
            do {
                // Never through a proxy: the token would travel in plain text.
                let response = try await transport.send(HTTPRequest(method: "GET", url: url, headers: headers,
                                                                    timeout: timeout, usesProxy: false))
                guard response.status == 200 else {
                    throw CredentialsError.failed(provider: name, reason: "\(url.host ?? "") answered HTTP \(response.status)")
                }
                return try RemoteCredentials.parseJSON(response.body, provider: name)
            } catch let error as HTTPTransportError where error.isTransient {
                lastError = error
            }
        }
        throw CredentialsError.failed(provider: name, reason: "\(lastError.map { "\($0)" } ?? "no response")")
    }

    private func endpoint() throws -> URL {
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            guard relative.hasPrefix("/"), let url = URL(string: relativeBase.absoluteString + relative),
                  url.host == relativeBase.host else {
                throw CredentialsError.failed(
                    provider: name, reason: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must be a path starting with /")
            }
            return url
        }
        guard let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty else {
            throw CredentialsError.notConfigured(
                provider: name, reason: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set")
        }
        guard let url = URL(string: full), let scheme = url.scheme?.lowercased(), let host = url.host,
              scheme == "http" || scheme == "https" else {
            throw CredentialsError.failed(provider: name, reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL")
        }
        guard Self.isAllowedHost(host) else {
            throw CredentialsError.failed(
                provider: name,
                reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI must point at the container agent "
                    + "(169.254.170.2, 169.254.170.23, fd00:ec2::23) or a loopback address")
        }
        return url
    }

    /// The container agents' addresses, `localhost`, and loopback addresses
    /// written as addresses (a name such as `127.0.0.1.evil.example` is not one).
    static func isAllowedHost(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if ["localhost", "169.254.170.2", "169.254.170.23"].contains(bare) { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, bare, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
        let agent: [UInt8] = [0xfd, 0x00, 0x0e, 0xc2] + Array(repeating: 0, count: 11) + [0x23]
        return bytes == loopback || bytes == agent
    }

    private func authorizationToken() throws -> String? {
        var token: String?
        if let path = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !path.isEmpty {
            do {
                token = try SmallFile.read(path)
            } catch {
                throw CredentialsError.failed(provider: name, reason: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: \(error)")
            }
        } else {
            token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        }
        if let token, token.contains("\r") || token.contains("\n") {
            throw CredentialsError.failed(provider: name, reason: "the authorization token contains a line break")
        }
        return token.flatMap { $0.isEmpty ? nil : $0 }
    }
}
