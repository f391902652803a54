import Foundation

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
