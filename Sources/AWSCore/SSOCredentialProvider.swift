import CWMHTTP
import Foundation

/// IAM Identity Center (SSO) from a profile, as botocore reads it: the
/// token the AWS CLI cached at `aws sso login`, then the portal's
/// `GetRoleCredentials` for the profile's account and role.
///
/// - The `sso_session` form: the profile's `sso_session`, `sso_account_id`
///   and `sso_role_name`, with `sso_start_url` and `sso_region` from its
///   `[sso-session NAME]` section; the token is cached under the SHA-1 of
///   the session's name.
/// - The legacy form: `sso_start_url`, `sso_region`, `sso_account_id` and
///   `sso_role_name` in the profile; the token is cached under the SHA-1 of
///   the start URL.
/// - The cache is `~/.aws/sso/cache/<sha1>.json`. A missing or expired
///   token (or one the portal refuses) is an error that says to run
///   `aws sso login --profile NAME`: a service cannot log in by itself.
/// - The portal is `AWS_ENDPOINT_URL_SSO`, else `AWS_ENDPOINT_URL`, else
///   `https://portal.sso.{sso_region}.amazonaws.com`.
///
/// The role's credentials expire; the default chain caches them and asks
/// the portal again before they do.
public struct SSOCredentialProvider: CredentialProvider, CustomStringConvertible,
    CustomReflectable {
    private let files: SharedConfigFiles
    private let environment: [String: String]
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date

    /// The selected profile's SSO settings, if it has them.
    public init(files: SharedConfigFiles = SharedConfigFiles(),
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(files: files, environment: environment, transport: nil)
    }

    /// With an injected transport and clock (tests, the default chain).
    package init(files: SharedConfigFiles, environment: [String: String], transport: (any HTTPTransport)?,
                 now: @escaping @Sendable () -> Date = Date.init) {
        self.files = files
        self.environment = environment.awsSettings
        self.transport = transport ?? defaultHTTPTransport(proxies: HTTPProxies(environment: environment))
        self.now = now
    }

    public var name: String { "SSO of profile \(files.profileName)" }
    public var description: String { "SSOCredentialProvider(profile: \(files.profileName))" }
    public var customMirror: Mirror { Mirror(self, children: ["profile": files.profileName], displayStyle: .struct) }

    /// What the profile says, once both forms are resolved.
    struct Settings: Equatable {
        var startURL: String
        var region: String
        var accountId: String
        var roleName: String
        /// The `sso_session` name, or `nil` for the legacy form.
        var session: String?
    }

    /// The profile's SSO settings; `nil` when it uses no SSO.
    func settings() throws -> Settings? {
        let profile = files.settings
        guard profile["sso_session"] != nil || profile["sso_start_url"] != nil || profile["sso_account_id"] != nil
            || profile["sso_role_name"] != nil else { return nil }
        var resolved = profile
        var session: String?
        if let name = profile["sso_session"] {
            guard let section = files.ssoSessions[name] else {
                throw failure("its sso_session \(name) has no [sso-session \(name)] section in the config file")
            }
            for key in ["sso_start_url", "sso_region"] {
                if let mine = profile[key], let theirs = section[key], mine != theirs {
                    throw failure("its \(key) differs from the one of [sso-session \(name)]")
                }
                resolved[key] = section[key] ?? profile[key]
            }
            session = name
        }
        let required = ["sso_start_url", "sso_region", "sso_account_id", "sso_role_name"]
        let missing = required.filter { (resolved[$0] ?? "").isEmpty }
        guard missing.isEmpty else {
            throw failure("the profile uses SSO but lacks \(missing.joined(separator: ", "))")
        }
        return Settings(startURL: resolved["sso_start_url"]!, region: resolved["sso_region"]!,
                        accountId: resolved["sso_account_id"]!, roleName: resolved["sso_role_name"]!, session: session)
    }

    public func credentials() async throws -> AWSCredentials {
        guard let settings = try settings() else {
            throw CredentialsError.notConfigured(provider: name, reason: "no sso_session or sso_start_url")
        }
        let token = try cachedToken(settings)
        let endpoint: AWSEndpoint
        do {
            endpoint = try AWSEndpoint.resolve(service: .sso, region: settings.region, environment: environment)
        } catch {
            throw failure("\(error)")
        }
        var components = URLComponents(url: endpoint.url.appendingPathComponent("federation/credentials"),
                                       resolvingAgainstBaseURL: false)
        components?.queryItems = [URLQueryItem(name: "account_id", value: settings.accountId),
                                  URLQueryItem(name: "role_name", value: settings.roleName)]
        guard let url = components?.url else { throw failure("cannot build the portal URL from \(endpoint)") }
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(
                method: "GET", url: url, headers: [("x-amz-sso_bearer_token", token), ("Accept", "application/json")],
                timeout: .seconds(10)))
        } catch {
            throw failure("the SSO portal at \(endpoint): \(error)")
        }
        if response.status == 401 || response.status == 403 {
            throw failure("the SSO portal refused the cached token: run `aws sso login --profile \(files.profileName)`")
        }
        guard response.isSuccess else {
            let error = AWSError.parse(response, redacting: [token])
            throw failure("the SSO portal refused GetRoleCredentials for \(settings.roleName) in \(settings.accountId): \(error)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
              let role = object["roleCredentials"] as? [String: Any],
              let keyId = role["accessKeyId"] as? String, let secret = role["secretAccessKey"] as? String else {
            throw failure("the SSO portal answered without role credentials")
        }
        let expiration = (role["expiration"] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue / 1000) }
        return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: role["sessionToken"] as? String,
                              expiration: expiration)
    }

    /// The AWS CLI's cached token for `settings`, if present and unexpired.
    private func cachedToken(_ settings: Settings) throws -> String {
        let login = "run `aws sso login --profile \(files.profileName)`"
        let key = SHA1.hex(settings.session ?? settings.startURL)
        let home = environment["HOME"] ?? NSHomeDirectory()
        let path = "\(home)/.aws/sso/cache/\(key).json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw failure("no cached SSO token for \(settings.session.map { "session \($0)" } ?? settings.startURL): \(login)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let token = object["accessToken"] as? String, !token.isEmpty,
              // The AWS CLI v1 wrote "...UTC" where v2 writes "...Z".
              let expiresAt = (object["expiresAt"] as? String).flatMap({ text in
                  AWSDate.parseISO8601(text.hasSuffix("UTC") ? String(text.dropLast(3)) + "Z" : text)
              }) else {
            throw failure("the cached SSO token \(path) is not valid: \(login)")
        }
        guard expiresAt > now() else { throw failure("the cached SSO token expired at \(expiresAt): \(login)") }
        return token
    }

    private func failure(_ reason: String) -> CredentialsError {
        .failed(provider: name, reason: reason)
    }
}
