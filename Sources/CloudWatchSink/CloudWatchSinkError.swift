import CloudWatchCommon
import MetricsCore

/// Errors of the sink's configuration, thrown by `start()` and `export`
/// (and not retried). A missing region is AWSCore's
/// `EndpointError.missingRegion(service:)`, one key without the other
/// `CredentialsError.incompleteKeys`, as for every sink that talks to AWS.
public enum CloudWatchSinkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Empty, longer than 255, non-ASCII or control characters, starting
    /// with `:` or with the reserved `AWS/`.
    case invalidNamespace(String, reason: String)
    /// A storage resolution other than 1 or 60 seconds.
    case invalidStorageResolution(Int)

    public var description: String {
        switch self {
        case .invalidNamespace(let namespace, let reason): return "invalid CloudWatch namespace '\(namespace)': \(reason)"
        case .invalidStorageResolution(let value): return "storage resolution \(value): use 1 or 60"
        }
    }

    static func validate(namespace: String) throws {
        if let reason = CloudWatchNames.namespaceProblem(namespace) { throw invalidNamespace(namespace, reason: reason) }
    }
}
