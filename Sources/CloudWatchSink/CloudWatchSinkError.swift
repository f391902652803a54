import CloudWatchCommon
import MetricsCore

/// Errors of the sink's configuration, thrown by `start()` and `export`
/// (and not retried).
public enum CloudWatchSinkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Empty, longer than 255, non-ASCII or control characters, starting
    /// with `:` or with the reserved `AWS/`.
    case invalidNamespace(String, reason: String)
    /// A storage resolution other than 1 or 60 seconds.
    case invalidStorageResolution(Int)
    /// Only one of the access key id and the secret was given.
    case incompleteCredentials
    /// No region given, in the environment or in the profile.
    case missingRegion

    public var description: String {
        switch self {
        case .invalidNamespace(let namespace, let reason): return "invalid CloudWatch namespace '\(namespace)': \(reason)"
        case .invalidStorageResolution(let value): return "storage resolution \(value): use 1 or 60"
        case .incompleteCredentials: return "give both accessKeyId and secretAccessKey, or neither (for the default chain)"
        case .missingRegion: return "no region: pass region:, or set AWS_REGION, or add region to the AWS profile"
        }
    }

    static func validate(namespace: String) throws {
        if let reason = CloudWatchNames.namespaceProblem(namespace) { throw invalidNamespace(namespace, reason: reason) }
    }
}
