import Foundation

/// The test vectors kept in the repository under `Fixtures/vectors` (their
/// sources and licences are in its README.md). Read beside this file, so a
/// test never depends on anything outside the clone.
enum SharedVectors {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("Fixtures/vectors")

    static func url(_ relative: String) -> URL {
        directory.appendingPathComponent(relative)
    }

    static func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(relative)))
    }
}
