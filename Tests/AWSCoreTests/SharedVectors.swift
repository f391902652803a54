import Foundation

/// Where the shared test vectors live: `$METRICS_SHARED_VECTORS`, else
/// `../shared/vectors` beside the repository, else `/work/shared/vectors`.
/// They are read in place, never copied into the repository.
enum SharedVectors {
    static let directory: URL? = {
        var candidates: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["METRICS_SHARED_VECTORS"] {
            candidates.append(URL(fileURLWithPath: explicit))
        }
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(repository.deletingLastPathComponent().appendingPathComponent("shared/vectors"))
        candidates.append(URL(fileURLWithPath: "/work/shared/vectors"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("sha256").path) }
    }()

    static var available: Bool { directory != nil }

    static func url(_ relative: String) -> URL {
        directory!.appendingPathComponent(relative)
    }

    static func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(relative)))
    }
}
