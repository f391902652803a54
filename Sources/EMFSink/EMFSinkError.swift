/// Errors of an ``EMFSink``: its configuration (thrown by `start()`, never
/// retried), a snapshot that cannot fit a document, events CloudWatch Logs
/// refused, and a destination that cannot be written. For CloudWatch Logs,
/// a missing region is AWSCore's `EndpointError.missingRegion(service:)`,
/// one key without the other `CredentialsError.incompleteKeys`, as for
/// every sink that talks to AWS.
public enum EMFSinkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The namespace CloudWatch would refuse (same rules as PutMetricData).
    case invalidNamespace(String, reason: String)
    /// A storage resolution other than 1 or 60 seconds.
    case invalidStorageResolution(Int)
    /// A default dimension set with more than 30 keys, an empty key, or `_aws`.
    case invalidDimensionSet([String], reason: String)
    /// A log group or stream name CloudWatch Logs would refuse.
    case invalidLogName(String, reason: String)
    /// One snapshot's document alone exceeds the event size limit (its
    /// properties or dimension values are too large).
    case documentTooLarge(metric: String, limit: Int)
    /// `CreateLogGroup` said the account has all the log groups it may have
    /// (`LimitExceededException`: a quota, not throttling; not retried).
    case logGroupLimitExceeded(String)
    /// CloudWatch Logs accepted the batch but refused these events (too far
    /// in the future, older than 14 days, or past the group's retention).
    case logEventsRejected(tooNew: Int, tooOld: Int, expired: Int)
    /// Writing to standard output or the file handle failed (`errno`).
    case writeFailed(errno: Int32)

    public var description: String {
        switch self {
        case .invalidNamespace(let namespace, let reason): return "invalid CloudWatch namespace '\(namespace)': \(reason)"
        case .invalidStorageResolution(let value): return "storage resolution \(value): use 1 or 60"
        case .invalidDimensionSet(let set, let reason): return "invalid default dimension set \(set): \(reason)"
        case .invalidLogName(let name, let reason): return "invalid log group or stream name '\(name)': \(reason)"
        case .documentTooLarge(let metric, let limit):
            return "the EMF document of metric \(metric) is larger than \(limit) bytes even alone"
        case .logGroupLimitExceeded(let message): return "cannot create the log group: \(message)"
        case .logEventsRejected(let tooNew, let tooOld, let expired):
            return "CloudWatch Logs refused EMF events: \(tooNew) too new, \(tooOld) too old, \(expired) expired"
        case .writeFailed(let code): return "writing EMF documents failed (errno \(code))"
        }
    }
}
