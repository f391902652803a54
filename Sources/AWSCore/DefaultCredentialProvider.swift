import CWMHTTP
import Foundation

/// The standard credential chain, cached:
///
/// 1. explicit credentials, when given;
/// 2. the environment (`AWS_ACCESS_KEY_ID`, ...);
/// 3. the profile's role (`role_arn` with `source_profile` or
///    `credential_source`, assumed through STS);
/// 4. a web identity (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`, or
///    the profile's `web_identity_token_file`);
/// 5. the profile's IAM Identity Center role (`sso_session` or
///    `sso_start_url`, with the AWS CLI's cached token);
/// 6. the profile's static keys, then its `credential_process`; a profile
///    named (`AWS_PROFILE`, `profile:`) that gave nothing stops here;
/// 7. container credentials (ECS, EKS Pod Identity);
/// 8. EC2 instance metadata (IMDSv2).
///
/// The first source that is configured wins. When none is, the error lists
/// each source and why it did not apply.
///
/// ```swift
/// let provider = DefaultCredentialProvider()
/// ```
public struct DefaultCredentialProvider: CredentialProvider {
    private let cached: CachingCredentialProvider
    /// What is wrong with the configuration before any request: a named
    /// profile that does not exist. Sinks throw it from `start()`.
    package let configurationProblem: CredentialsError?

    /// - parameters:
    ///   - explicit: credentials given in code, tried first.
    ///   - profile: the profile of the shared files (default: `AWS_PROFILE`,
    ///     else `AWS_DEFAULT_PROFILE`, else `default`).
    ///   - environment: the environment to read (injectable for tests).
    public init(explicit: AWSCredentials? = nil, profile: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(explicit: explicit, profile: profile, environment: environment, transport: nil)
    }

    /// With an injected transport and endpoints (tests), or the shared
    /// files already read (`files`, whose profile then wins over `profile`).
    package init(
        explicit: AWSCredentials? = nil,
        profile: String? = nil,
        environment: [String: String],
        files: SharedConfigFiles? = nil,
        transport: (any HTTPTransport)? = nil,
        imdsEndpoint: URL? = nil,
        containerBase: URL = URL(string: "http://169.254.170.2")!,
        stsEndpoint: URL? = nil
    ) {
        // Proxies for STS; instance metadata and the container endpoint never use one.
        let transport = transport ?? defaultHTTPTransport(proxies: HTTPProxies(environment: environment))
        let files = files ?? SharedConfigFiles(environment: environment, profile: profile)
        configurationProblem = files.isProfileNamed && !files.profileExists
            ? .profileNotFound(files.profileName, files: files.sources) : nil
        var providers: [any CredentialProvider] = []
        if let explicit { providers.append(StaticCredentialProvider(explicit)) }
        providers.append(EnvironmentCredentialProvider(environment: environment))
        providers.append(AssumeRoleCredentialProvider(files: files, environment: environment, transport: transport,
                                                      stsEndpoint: stsEndpoint, imdsEndpoint: imdsEndpoint,
                                                      containerBase: containerBase))
        providers.append(WebIdentityCredentialProvider(environment: environment, files: files, transport: transport,
                                                       stsEndpoint: stsEndpoint))
        providers.append(SSOCredentialProvider(files: files, environment: environment, transport: transport))
        providers.append(ProfileCredentialProvider(files: files))
        providers.append(ProcessCredentialProvider(files: files))
        providers.append(NamedProfileGuard(files: files))
        providers.append(ContainerCredentialProvider(environment: environment, transport: transport,
                                                     relativeBase: containerBase))
        providers.append(IMDSCredentialProvider(
            environment: environment, client: IMDSClient(environment: environment, transport: transport, endpoint: imdsEndpoint)))
        cached = CachingCredentialProvider(CredentialProviderChain(providers))
    }

    public var name: String { "default chain" }

    public func credentials() async throws -> AWSCredentials {
        if let configurationProblem { throw configurationProblem }
        return try await cached.credentials()
    }

    public func invalidate() { cached.invalidate() }
}
