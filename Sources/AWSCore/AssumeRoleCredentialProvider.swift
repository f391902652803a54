import CWMHTTP
import Foundation

/// A profile's `role_arn` with `source_profile` or `credential_source`: STS
/// `AssumeRole`, signed with the source's credentials, as botocore does.
///
/// - `source_profile` names the profile whose credentials sign the call:
///   its static keys, its `credential_process`, its SSO role, its web identity, or its
///   own `role_arn` (a chain of roles, each assumed with the previous one's
///   credentials). A profile may name itself when it holds static keys; any
///   other cycle is an error.
/// - `credential_source` is `Environment`, `Ec2InstanceMetadata` or
///   `EcsContainer`.
/// - `role_session_name` (default `swift-metrics-<time>`), `external_id`
///   and `duration_seconds` are passed on.
/// - `mfa_serial` is not supported: a clear error, never a fall-through.
/// - STS is `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else the
///   regional endpoint of the profile's region (`us-east-1` without one).
///
/// The default chain caches the role's credentials and assumes it again
/// before they expire. Descriptions show the role and profile, never keys.
public struct AssumeRoleCredentialProvider: CredentialProvider, CustomStringConvertible,
    CustomReflectable {
    private let files: SharedConfigFiles
    private let environment: [String: String]
    private let transport: any HTTPTransport
    private let stsEndpoint: URL?
    private let imdsEndpoint: URL?
    private let containerBase: URL

    /// The selected profile's role, if it has one with a source.
    public init(files: SharedConfigFiles = SharedConfigFiles(),
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(files: files, environment: environment, transport: nil)
    }

    /// With an injected transport and endpoints (tests, the default chain).
    package init(files: SharedConfigFiles, environment: [String: String], transport: (any HTTPTransport)?,
                 stsEndpoint: URL? = nil, imdsEndpoint: URL? = nil,
                 containerBase: URL = URL(string: "http://169.254.170.2")!) {
        self.files = files
        self.environment = environment.awsSettings
        self.transport = transport ?? defaultHTTPTransport(proxies: HTTPProxies(environment: environment))
        self.stsEndpoint = stsEndpoint
        self.imdsEndpoint = imdsEndpoint
        self.containerBase = containerBase
    }

    public var name: String { "assume role of profile \(files.profileName)" }
    public var description: String {
        "AssumeRoleCredentialProvider(profile: \(files.profileName), role: \(files.settings["role_arn"] ?? "none"))"
    }
    public var customMirror: Mirror {
        Mirror(self, children: ["profile": files.profileName, "role": files.settings["role_arn"] as Any],
               displayStyle: .struct)
    }

    public func credentials() async throws -> AWSCredentials {
        let settings = files.settings
        guard let role = settings["role_arn"], !role.isEmpty,
              settings["source_profile"] != nil || settings["credential_source"] != nil else {
            throw CredentialsError.notConfigured(provider: name, reason: "no role_arn with source_profile or credential_source")
        }
        return try await assume(profile: files.profileName, visited: [])
    }

    /// The credentials of `profile`'s role, its source resolved first.
    private func assume(profile: String, visited: [String]) async throws -> AWSCredentials {
        let settings = files.profiles[profile] ?? [:]
        guard let role = settings["role_arn"], !role.isEmpty else {
            throw failure("profile \(profile) has no role_arn")
        }
        if settings["mfa_serial"] != nil {
            throw failure("profile \(profile) needs an MFA code (mfa_serial), which a service cannot type: "
                + "use a role without MFA, or credentials from credential_process or SSO")
        }
        let source: AWSCredentials
        switch (settings["source_profile"], settings["credential_source"]) {
        case (.some, .some):
            throw failure("profile \(profile) has both source_profile and credential_source: keep one")
        case (let sourceProfile?, nil):
            source = try await credentials(ofSource: sourceProfile, from: profile, visited: visited + [profile])
        case (nil, let credentialSource?):
            source = try await credentials(ofCredentialSource: credentialSource, profile: profile)
        case (nil, nil):
            throw failure("profile \(profile) has role_arn but neither source_profile nor credential_source")
        }
        return try await assumeRole(role, settings: settings, profile: profile, with: source)
    }

    private func credentials(ofSource source: String, from profile: String, visited: [String]) async throws -> AWSCredentials {
        guard let settings = files.profiles[source] else {
            throw failure("source_profile \(source) of profile \(profile) is in neither shared file")
        }
        let keyId = settings["aws_access_key_id"].flatMap { $0.isEmpty ? nil : $0 }
        let staticKeys = keyId.flatMap { keyId in
            settings["aws_secret_access_key"].map {
                AWSCredentials(accessKeyId: keyId, secretAccessKey: $0, sessionToken: settings["aws_session_token"])
            }
        }
        // A profile naming itself means its own static keys.
        if source == profile, let staticKeys { return staticKeys }
        if visited.contains(source) {
            throw failure("the source_profile chain loops: \((visited + [source]).joined(separator: " → "))")
        }
        if settings["role_arn"] != nil, settings["source_profile"] != nil || settings["credential_source"] != nil {
            return try await assume(profile: source, visited: visited)
        }
        let sourceFiles = SharedConfigFiles(environment: environment, profile: source)
        if settings["web_identity_token_file"] != nil {
            return try await WebIdentityCredentialProvider(environment: [:], files: sourceFiles, transport: transport,
                                                           stsEndpoint: stsEndpoint).credentials()
        }
        if settings["sso_session"] != nil || settings["sso_start_url"] != nil {
            return try await SSOCredentialProvider(files: sourceFiles, environment: environment, transport: transport)
                .credentials()
        }
        if settings["credential_process"] != nil {
            return try await ProcessCredentialProvider(files: sourceFiles).credentials()
        }
        if let staticKeys { return staticKeys }
        throw failure("source_profile \(source) has no credentials (static keys, credential_process, SSO, "
            + "web_identity_token_file or a role of its own)")
    }

    private func credentials(ofCredentialSource source: String, profile: String) async throws -> AWSCredentials {
        switch source {
        case "Environment":
            return try await EnvironmentCredentialProvider(environment: environment).credentials()
        case "Ec2InstanceMetadata":
            return try await IMDSCredentialProvider(
                environment: environment,
                client: IMDSClient(environment: environment, transport: transport, endpoint: imdsEndpoint)).credentials()
        case "EcsContainer":
            return try await ContainerCredentialProvider(environment: environment, transport: transport,
                                                         relativeBase: containerBase).credentials()
        default:
            throw failure("credential_source \(source) of profile \(profile) is not one of Environment, "
                + "Ec2InstanceMetadata, EcsContainer")
        }
    }

    /// STS `AssumeRole` for `role`, signed with `source`.
    private func assumeRole(_ role: String, settings: [String: String], profile: String,
                            with source: AWSCredentials) async throws -> AWSCredentials {
        let region = settings["region"].flatMap { $0.isEmpty ? nil : $0 }
            ?? AWSRegion.resolve(environment: environment, files: files) ?? "us-east-1"
        let endpoint: AWSEndpoint
        do {
            endpoint = try AWSEndpoint.resolve(service: .sts, region: region, explicit: stsEndpoint,
                                               environment: environment)
        } catch {
            throw failure("\(error)")
        }
        var parameters = [("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", role),
                          ("RoleSessionName", settings["role_session_name"] ?? "swift-metrics-\(Int(Date().timeIntervalSince1970))")]
        if let externalId = settings["external_id"] { parameters.append(("ExternalId", externalId)) }
        if let duration = settings["duration_seconds"] {
            guard Int(duration) != nil else { throw failure("duration_seconds of profile \(profile) is not a number") }
            parameters.append(("DurationSeconds", duration))
        }
        let client = AWSServiceClient(service: .sts, region: region, endpoint: endpoint,
                                      credentials: StaticCredentialProvider(source), transport: transport,
                                      timeout: .seconds(10))
        let response: HTTPResponse
        do {
            response = try await client.send(headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                                             body: RemoteCredentials.stsForm(parameters))
        } catch let error as AWSError {
            throw failure("STS refused to let profile \(profile) assume \(role): \(error)")
        } catch {
            throw failure("STS at \(endpoint): \(error)")
        }
        guard let credentials = RemoteCredentials.parseSTS(response.body) else {
            throw failure("STS answered AssumeRole without credentials")
        }
        return credentials
    }

    private func failure(_ reason: String) -> CredentialsError {
        .failed(provider: name, reason: reason)
    }
}
