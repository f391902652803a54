import CWMHTTP
import CWMLocking
import Foundation

/// Where credentials come from.
///
/// ```swift
/// let provider = DefaultCredentialProvider()      // env, profile, web identity, container, IMDS
/// let credentials = try await provider.credentials()
/// ```
public protocol CredentialProvider: Sendable {
    /// A short name for messages ("environment", "profile default", ...).
    var name: String { get }
    /// Current credentials. Throws ``CredentialsError/notConfigured(provider:reason:)``
    /// when this source is simply not set up (the chain then tries the next).
    func credentials() async throws -> AWSCredentials
    /// Forgets cached credentials, so that the next ``credentials()`` fetches
    /// new ones: called when a service answers that they expired or are
    /// unknown (`ExpiredToken`, `InvalidClientTokenId`). Default: nothing.
    func invalidate()
}

extension CredentialProvider {
    public func invalidate() {}
}

/// Why no credentials could be had. The text names sources and files,
/// never a secret.
public enum CredentialsError: Error, Equatable, CustomStringConvertible {
    /// This source is not configured here.
    case notConfigured(provider: String, reason: String)
    /// This source is configured but failed.
    case failed(provider: String, reason: String)
    /// No source in the chain had credentials.
    case noCredentials(tried: [String])
    /// The profile named by `AWS_PROFILE`, `AWS_DEFAULT_PROFILE` or in code
    /// is in neither shared file.
    case profileNotFound(String, files: [String])
    /// Only one of an access key id and a secret access key was given in
    /// code: both are needed, or neither for the default chain.
    case incompleteKeys

    public var description: String {
        switch self {
        case .notConfigured(let provider, let reason): return "\(provider): \(reason)"
        case .failed(let provider, let reason): return "credentials from \(provider) failed: \(reason)"
        case .noCredentials(let tried):
            return "no credentials found: tried " + tried.joined(separator: "; ")
                + ". Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, configure a profile, or run with a role."
        case .profileNotFound(let profile, let files):
            let searched = files.isEmpty ? "no shared config or credentials file exists" : "not in " + files.joined(separator: ", ")
            return "the AWS profile '\(profile)' was not found (\(searched)): check AWS_PROFILE or the profile "
                + "given in code, or add [profile \(profile)] to the config file"
        case .incompleteKeys:
            return "only one of accessKeyId and secretAccessKey was given: pass both, or neither for the default chain"
        }
    }
}

/// Credentials given in code.
public struct StaticCredentialProvider: CredentialProvider {
    /// The credentials it returns.
    public let credentials: AWSCredentials
    /// A provider of fixed credentials.
    public init(_ credentials: AWSCredentials) { self.credentials = credentials }
    public var name: String { "explicit credentials" }
    public func credentials() async throws -> AWSCredentials { credentials }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optional
/// `AWS_SESSION_TOKEN` (or the legacy `AWS_SECURITY_TOKEN`), with
/// `AWS_CREDENTIAL_EXPIRATION` when set.
public struct EnvironmentCredentialProvider: CredentialProvider, CustomStringConvertible,
    CustomReflectable {
    private let environment: [String: String]

    /// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` in `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment.only([
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
            "AWS_CREDENTIAL_EXPIRATION",
        ])
    }

    public var name: String { "environment" }

    public var description: String { "EnvironmentCredentialProvider()" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    public func credentials() async throws -> AWSCredentials {
        let keyId = environment["AWS_ACCESS_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = environment["AWS_SECRET_ACCESS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (keyId, secret) {
        case (nil, nil):
            throw CredentialsError.notConfigured(provider: name, reason: "AWS_ACCESS_KEY_ID is not set")
        case (nil, _), (_, nil):
            throw CredentialsError.failed(
                provider: name, reason: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together")
        case (let keyId?, let secret?):
            return AWSCredentials(
                accessKeyId: keyId, secretAccessKey: secret,
                sessionToken: environment["AWS_SESSION_TOKEN"] ?? environment["AWS_SECURITY_TOKEN"],
                expiration: environment["AWS_CREDENTIAL_EXPIRATION"].flatMap(AWSDate.parseISO8601))
        }
    }
}

/// Static keys of a profile of the shared files (`aws_access_key_id`,
/// `aws_secret_access_key`, `aws_session_token`).
public struct ProfileCredentialProvider: CredentialProvider, CustomStringConvertible,
    CustomReflectable {
    private let files: SharedConfigFiles

    /// Credentials from the static keys of the profile `files` name.
    public init(files: SharedConfigFiles = SharedConfigFiles()) {
        self.files = files
    }

    public var name: String { "profile \(files.profileName)" }

    public var description: String { "ProfileCredentialProvider(\(files))" }
    public var customMirror: Mirror { Mirror(self, children: ["files": files]) }

    public func credentials() async throws -> AWSCredentials {
        let settings = files.settings
        let keyId = settings["aws_access_key_id"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = settings["aws_secret_access_key"].flatMap { $0.isEmpty ? nil : $0 }
        guard let keyId else {
            let reason = files.sources.isEmpty ? "no shared config or credentials file"
                : "no aws_access_key_id in \(files.sources.joined(separator: ", "))"
            throw CredentialsError.notConfigured(provider: name, reason: reason)
        }
        guard let secret else {
            throw CredentialsError.failed(provider: name, reason: "aws_access_key_id without aws_secret_access_key")
        }
        return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: settings["aws_session_token"])
    }
}

/// Tries providers in order and returns the first credentials found.
/// A provider that is not configured is skipped; one that is configured but
/// fails stops the search (falling through to another identity silently
/// would be worse than failing).
public struct CredentialProviderChain: CredentialProvider {
    /// The providers, asked in this order.
    package let providers: [any CredentialProvider]

    /// A chain that asks `providers` in order and uses the first that has credentials.
    public init(_ providers: [any CredentialProvider]) {
        self.providers = providers
    }

    public var name: String { "chain(" + providers.map(\.name).joined(separator: ", ") + ")" }

    public func invalidate() {
        for provider in providers { provider.invalidate() }
    }

    public func credentials() async throws -> AWSCredentials {
        var tried: [String] = []
        for provider in providers {
            do {
                return try await provider.credentials()
            } catch let error as CredentialsError {
                guard case .notConfigured(let name, let reason) = error else { throw error }
                tried.append("\(name) (\(reason))")
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw CredentialsError.failed(provider: provider.name, reason: "\(error)")
            }
        }
        throw CredentialsError.noCredentials(tried: tried)
    }
}

/// Caches another provider's credentials until shortly before they expire,
/// as botocore's refreshable credentials do:
///
/// - from 15 minutes before expiry (advisory window) a refresh is tried, and
///   if it fails the cached credentials are still used;
/// - from 10 minutes before expiry (mandatory window) a refresh must succeed;
/// - credentials without an expiry are fetched again after `maxAge`
///   (15 minutes) and kept if that fails: a role's credentials from a
///   container endpoint that sent no `Expiration` are never cached forever.
///
/// Concurrent callers share one refresh: no thundering herd on IMDS or STS.
public final class CachingCredentialProvider: CredentialProvider {
    private struct State {
        var cached: AWSCredentials?
        var fetchedAt: Date?
        var refresh: Task<AWSCredentials, any Error>?
    }

    private let base: any CredentialProvider
    private let state = Locked(State())
    private let advisoryWindow: TimeInterval
    private let mandatoryWindow: TimeInterval
    private let maxAge: TimeInterval
    private let now: @Sendable () -> Date

    /// - parameters:
    ///   - base: the provider to cache.
    ///   - advisoryWindow: try to refresh this long before expiry (default 15 min).
    ///   - mandatoryWindow: must refresh this long before expiry (default 10 min).
    ///   - maxAge: how long credentials without an expiry are kept before
    ///     they are fetched again (default 15 min).
    ///   - now: the wall clock (injectable for tests).
    public init(
        _ base: any CredentialProvider,
        advisoryWindow: TimeInterval = 15 * 60,
        mandatoryWindow: TimeInterval = 10 * 60,
        maxAge: TimeInterval = 15 * 60,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.base = base
        self.advisoryWindow = advisoryWindow
        self.mandatoryWindow = mandatoryWindow
        self.maxAge = maxAge
        self.now = now
    }

    public var name: String { base.name }

    /// Drops the cached credentials (the next call fetches new ones) and
    /// passes the request on to the cached provider.
    public func invalidate() {
        state.withLock { state in
            state.cached = nil
            state.fetchedAt = nil
        }
        base.invalidate()
    }

    public func credentials() async throws -> AWSCredentials {
        let current = now()
        let (cached, task) = state.withLock { state -> (AWSCredentials?, Task<AWSCredentials, any Error>?) in
            if let cached = state.cached,
               !needsRefresh(cached, fetchedAt: state.fetchedAt, at: current, window: advisoryWindow) {
                return (cached, nil)
            }
            if let refresh = state.refresh { return (state.cached, refresh) }
            let base = self.base
            let refresh = Task { try await base.credentials() }
            state.refresh = refresh
            return (state.cached, refresh)
        }
        guard let task else { return cached! }
        do {
            let fresh = try await task.value
            let fetchedAt = now()
            state.withLock { state in
                state.cached = fresh
                state.fetchedAt = fetchedAt
                state.refresh = nil
            }
            return fresh
        } catch {
            state.withLock { $0.refresh = nil }
            // Without `fetchedAt`, credentials without an expiry never need a
            // refresh here: they stay usable when their refresh fails.
            if let cached, !needsRefresh(cached, fetchedAt: nil, at: now(), window: mandatoryWindow) { return cached }
            throw error
        }
    }

    private func needsRefresh(_ credentials: AWSCredentials, fetchedAt: Date?, at date: Date, window: TimeInterval) -> Bool {
        guard let expiration = credentials.expiration else {
            guard let fetchedAt else { return false }
            return date >= fetchedAt.addingTimeInterval(maxAge)
        }
        return date >= expiration.addingTimeInterval(-window)
    }
}

/// Stops the chain after the profile providers when the profile was named
/// (`AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, in code) but gave no credentials:
/// a named profile must never fall through to the container's or the
/// instance's identity.
struct NamedProfileGuard: CredentialProvider {
    let files: SharedConfigFiles

    var name: String { "profile \(files.profileName)" }

    func credentials() async throws -> AWSCredentials {
        guard files.isProfileNamed else {
            throw CredentialsError.notConfigured(provider: name, reason: "no profile named; the default gave none")
        }
        throw CredentialsError.failed(
            provider: name,
            reason: "the profile has none of aws_access_key_id, role_arn, web_identity_token_file, sso_session, "
                + "sso_start_url or credential_process, and a named profile does not fall through to the container "
                + "or instance role")
    }
}
