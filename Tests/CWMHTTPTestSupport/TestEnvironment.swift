import Foundation

/// What the test run was promised, and where the shared test files are.
///
/// Suites that need something from outside the toolchain (a server, the
/// receiver, a Python interpreter) are skipped when it is missing, so that a
/// plain `swift test` passes on any machine. `scripts/test.sh` sets
/// `METRICS_TEST_REQUIRED=1` in every tier it runs: then such a suite runs
/// anyway and fails, with the name of what is missing, instead of skipping.
/// Nothing passes by being skipped where the script was meant to run it.
public enum TestEnvironment {
    /// `METRICS_TEST_REQUIRED=1`: a missing environment is a failure.
    public static var required: Bool {
        ProcessInfo.processInfo.environment["METRICS_TEST_REQUIRED"] == "1"
    }

    /// Whether a suite gated on `available` should run: when the
    /// environment is there, or when it is required (and then fails).
    public static func runs(_ available: Bool) -> Bool {
        available || required
    }

    /// The thing a gated test needs, or a failure naming what is missing.
    public static func require<Value>(_ value: Value?, _ missing: @autoclosure () -> String) throws -> Value {
        guard let value else { throw Missing(description: missing()) }
        return value
    }

    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// The repository's root folder (this file is Tests/CWMHTTPTestSupport/TestEnvironment.swift).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file of the repository, by its path from the root.
    public static func path(_ relative: String) -> String {
        repositoryRoot.appendingPathComponent(relative).path
    }

    /// The system's `python3` (standard library only is assumed), or
    /// `METRICS_TEST_PYTHON` when the test script set one.
    public static let python: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let python = environment["METRICS_TEST_PYTHON"], FileManager.default.isExecutableFile(atPath: python) {
            return python
        }
        let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for folder in folders {
            let candidate = "\(folder)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()
}
