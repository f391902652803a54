import Foundation

// What keeps secrets out of text: the credentials' own `description`, and
// for every type that carries a secret somewhere inside (a provider's
// environment, a request's headers or body), a `description`,
// `debugDescription` and `customMirror` of its own, so that `print`,
// `dump`, `String(reflecting:)` and `Mirror` never reach the secret.

extension Dictionary where Key == String, Value == String {
    /// The entries of `keys` only: a type keeps the environment variables
    /// it needs, not the whole environment.
    package func only(_ keys: some Sequence<String>) -> [String: String] {
        var kept: [String: String] = [:]
        for key in keys { if let value = self[key] { kept[key] = value } }
        return kept
    }

    /// The `AWS_*` entries, `HOME`, and the proxy settings (`*_proxy` in
    /// any case, `REQUEST_METHOD`): all that the region, endpoint,
    /// credential and proxy resolution read.
    package var awsSettings: [String: String] {
        filter {
            $0.key.hasPrefix("AWS_") || $0.key == "HOME" || $0.key.lowercased().hasSuffix("_proxy")
                || $0.key == "REQUEST_METHOD"
        }
    }
}

/// Header values that are secrets or bearer tokens, shown as `<redacted>`.
let sensitiveHeaderNames: Set<String> = [
    "authorization", "x-amz-security-token", "x-aws-ec2-metadata-token", "dd-api-key", "dd-application-key",
]

/// `headers` with the values of ``sensitiveHeaderNames`` replaced.
func redactedHeaders(_ headers: [(String, String)]) -> [(String, String)] {
    headers.map { sensitiveHeaderNames.contains($0.0.lowercased()) ? ($0.0, "<redacted>") : $0 }
}

/// Reads at most `limit` bytes of a small file (a token), refusing a larger
/// one instead of reading it all into memory.
enum SmallFile {
    enum Failure: Error, CustomStringConvertible {
        case unreadable(String)
        case tooLarge(String, limit: Int)

        var description: String {
            switch self {
            case .unreadable(let path): return "cannot read \(path)"
            case .tooLarge(let path, let limit): return "\(path) is larger than \(limit) bytes"
            }
        }
    }

    /// The file's text, trimmed of surrounding white space.
    static func read(_ path: String, limit: Int = 64 << 10) throws(Failure) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable(path) }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: limit + 1) else { throw .unreadable(path) }
        guard data.count <= limit else { throw .tooLarge(path, limit: limit) }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
