import Foundation

/// Credentials of an ECS task role or EKS Pod Identity.
///
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is read from
/// `http://169.254.170.2`; otherwise `AWS_CONTAINER_CREDENTIALS_FULL_URI`,
/// which must be `https`, or `http` to loopback, `169.254.170.2`,
/// `169.254.170.23` or `fd00:ec2::23`. The `Authorization` header is the
/// content of `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read on every
/// call) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
public struct ContainerCredentialProvider: CredentialProvider {
    private let environment: [String: String]
    private let transport: any HTTPTransport
    private let relativeBase: URL
    private let timeout: Duration

    /// - parameter relativeBase: where relative URIs point (the ECS agent's
    ///   address; configurable for tests).
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: any HTTPTransport = URLSessionTransport(),
        relativeBase: URL = URL(string: "http://169.254.170.2")!,
        timeout: Duration = .seconds(2)
    ) {
        self.environment = environment
        self.transport = transport
        self.relativeBase = relativeBase
        self.timeout = timeout
    }

    public var name: String { "container credentials" }

    public func credentials() async throws -> AWSCredentials {
        let url = try endpoint()
        var headers: [(String, String)] = [("Accept", "application/json")]
        if let token = try authorizationToken() { headers.append(("Authorization", token)) }
        var lastError: (any Error)?
        for _ in 0..<2 {
            do {
                let response = try await transport.send(HTTPRequest(method: "GET", url: url, headers: headers, timeout: timeout))
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
            guard let url = URL(string: relativeBase.absoluteString + relative) else {
                throw CredentialsError.failed(provider: name, reason: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a path")
            }
            return url
        }
        guard let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty else {
            throw CredentialsError.notConfigured(
                provider: name, reason: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set")
        }
        guard let url = URL(string: full), let scheme = url.scheme?.lowercased(), let host = url.host else {
            throw CredentialsError.failed(provider: name, reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL")
        }
        guard scheme == "https" || (scheme == "http" && Self.isAllowedPlainHost(host)) else {
            throw CredentialsError.failed(
                provider: name,
                reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to loopback or the container agent")
        }
        return url
    }

    static func isAllowedPlainHost(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if ["localhost", "::1", "169.254.170.2", "169.254.170.23", "fd00:ec2::23"].contains(bare) { return true }
        return bare.hasPrefix("127.") && bare.split(separator: ".").count == 4
    }

    private func authorizationToken() throws -> String? {
        var token: String?
        if let path = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !path.isEmpty {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CredentialsError.failed(provider: name, reason: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(path)")
            }
            token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        }
        if let token, token.contains("\r") || token.contains("\n") {
            throw CredentialsError.failed(provider: name, reason: "the authorization token contains a line break")
        }
        return token.flatMap { $0.isEmpty ? nil : $0 }
    }
}
