import CWMHTTP
import Foundation

/// Credentials for a role assumed with a web identity token (EKS IRSA,
/// GitHub OIDC): STS `AssumeRoleWithWebIdentity`, an unsigned AWS Query call.
///
/// Configured by `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN` (optional
/// `AWS_ROLE_SESSION_NAME`), or the profile's `web_identity_token_file`,
/// `role_arn` and `role_session_name`. The token file is read again on every
/// call, since it is rotated. The STS endpoint is regional (`AWS_REGION` or
/// the profile's region), overridable with `AWS_ENDPOINT_URL_STS`.
public struct WebIdentityCredentialProvider: CredentialProvider, CustomStringConvertible,
    CustomReflectable {
    private let tokenFile: String?
    private let roleArn: String?
    private let sessionName: String
    private let region: String?
    private let environment: [String: String]
    private let transport: any HTTPTransport
    private let stsEndpoint: URL?

    /// - parameter environment: where `AWS_WEB_IDENTITY_TOKEN_FILE`,
    ///   `AWS_ROLE_ARN` and the profile are read.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(environment: environment, files: nil, transport: nil)
    }

    /// With injected files, transport and STS endpoint (tests, the default chain).
    package init(
        environment: [String: String],
        files: SharedConfigFiles? = nil,
        transport: (any HTTPTransport)? = nil,
        stsEndpoint: URL? = nil
    ) {
        let transport = transport ?? defaultHTTPTransport(proxies: HTTPProxies(environment: environment))
        let profile = files ?? SharedConfigFiles(environment: environment)
        tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"] ?? profile.settings["web_identity_token_file"]
        roleArn = environment["AWS_ROLE_ARN"] ?? profile.settings["role_arn"]
        sessionName = environment["AWS_ROLE_SESSION_NAME"] ?? profile.settings["role_session_name"]
            ?? "swift-metrics-\(Int(Date().timeIntervalSince1970))"
        region = AWSRegion.resolve(environment: environment, files: profile)
        self.environment = environment.only(["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"])
        self.transport = transport
        self.stsEndpoint = stsEndpoint
    }

    public var name: String { "web identity" }

    public var description: String { "WebIdentityCredentialProvider(role: \(roleArn ?? "none"))" }
    public var customMirror: Mirror {
        Mirror(self, children: ["roleArn": roleArn as Any, "tokenFile": tokenFile as Any], displayStyle: .struct)
    }

    public func credentials() async throws -> AWSCredentials {
        guard let tokenFile, !tokenFile.isEmpty else {
            throw CredentialsError.notConfigured(provider: name, reason: "AWS_WEB_IDENTITY_TOKEN_FILE is not set")
        }
        guard let roleArn, !roleArn.isEmpty else {
            throw CredentialsError.failed(provider: name, reason: "a web identity token file without AWS_ROLE_ARN")
        }
        let token: String
        do {
            token = try SmallFile.read(tokenFile)
        } catch {
            throw CredentialsError.failed(provider: name, reason: "the web identity token file: \(error)")
        }
        guard !token.isEmpty else { throw CredentialsError.failed(provider: name, reason: "the token file \(tokenFile) is empty") }
        let endpoint: AWSEndpoint
        do {
            endpoint = try AWSEndpoint.resolve(service: .sts, region: region ?? "us-east-1", explicit: stsEndpoint,
                                               environment: environment)
        } catch {
            throw CredentialsError.failed(provider: name, reason: "\(error)")
        }
        let body = RemoteCredentials.stsForm([("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"),
                                              ("RoleArn", roleArn), ("RoleSessionName", sessionName),
                                              ("WebIdentityToken", token)])
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(
                method: "POST", url: endpoint.url,
                headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                body: body, timeout: .seconds(5)))
        } catch {
            throw CredentialsError.failed(provider: name, reason: "STS at \(endpoint): \(error)")
        }
        guard response.isSuccess else {
            let error = AWSError.parse(response, redacting: [token])
            throw CredentialsError.failed(provider: name, reason: "STS refused the role \(roleArn): \(error)")
        }
        guard let credentials = RemoteCredentials.parseSTS(response.body) else {
            throw CredentialsError.failed(provider: name, reason: "STS answered without credentials")
        }
        return credentials
    }
}
