// ConsoleSink: prints snapshots for people (an aligned table) or for tools
// (JSON lines), to standard output or any FileHandle. The dry-run sink.

import Foundation
import MetricsCore

/// Prints each exported window, as an aligned table (default) or as one
/// JSON object per snapshot.
///
/// ```swift
/// let manager = MetricsManager(level: .detailed, sinks: [ConsoleSink()])
/// let tools = ConsoleSink(format: .jsonLines, output: .standardError)
/// ```
///
/// A write that fails (a closed pipe) is thrown from `export` and handled
/// like any other export failure: retried, then dropped and reported.
public struct ConsoleSink: Sink {
    /// How snapshots are printed.
    public enum Format: String, Sendable, CaseIterable {
        /// A header line per window, then one aligned row per series,
        /// sorted by name and dimensions.
        case table
        /// One JSON object per snapshot and line.
        case jsonLines
    }

    /// The output format.
    public let format: Format
    private let output: FileHandle

    /// - parameters:
    ///   - format: `.table` (default) or `.jsonLines`.
    ///   - output: where to write (default standard output).
    public init(format: Format = .table, output: FileHandle = .standardOutput) {
        self.format = format
        self.output = output
    }

    public var name: String { "console" }

    public func export(_ snapshots: [MetricSnapshot]) async throws {
        guard !snapshots.isEmpty else { return }
        let text: String
        switch format {
        case .table: text = TableFormatter.render(snapshots)
        case .jsonLines: text = snapshots.map(JSONLineFormatter.render).joined()
        }
        try output.write(contentsOf: Data(text.utf8))
    }
}
