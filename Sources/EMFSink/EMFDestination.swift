import AWSCore
import Foundation

/// Where an ``EMFSink`` writes its documents.
public enum EMFDestination: Sendable {
    /// One document per line on standard output: AWS Lambda, ECS with the
    /// awslogs driver, or the CloudWatch agent reading a container's output.
    case standardOutput
    /// One document per line to a file or pipe the caller opened (and closes).
    case fileHandle(FileHandle)
    /// Straight to CloudWatch Logs with `PutLogEvents`. The group and the
    /// stream are created when missing. `endpoint` takes a local endpoint
    /// (LocalStack, moto), `nil` for AWS (or `AWS_ENDPOINT_URL_LOGS`,
    /// `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`, `AWS_ENDPOINT_URL`); credentials
    /// left `nil` come from the default chain; `verifySSL: false` accepts
    /// any certificate, for this sink only.
    case cloudWatchLogs(logGroup: String, logStream: String, region: String? = nil, endpoint: URL? = nil,
                        verifySSL: Bool = true, accessKeyId: String? = nil, secretAccessKey: String? = nil,
                        sessionToken: String? = nil)
}

extension EMFDestination: CustomStringConvertible {
    /// Names the destination; never shows credentials.
    public var description: String {
        switch self {
        case .standardOutput: return "standard output"
        case .fileHandle(let handle): return "file descriptor \(handle.fileDescriptor)"
        case .cloudWatchLogs(let group, let stream, let region, let endpoint, _, let keyId, _, _):
            var text = "CloudWatch Logs \(group)/\(stream)"
            if let region { text += " in \(region)" }
            if let endpoint { text += " at \(redactedURL(endpoint))" }
            return text + (keyId == nil ? " (default credential chain)" : " (explicit credentials, <redacted>)")
        }
    }
}
