// ConsoleSink: prints snapshots for people (an aligned table) or for tools
// (JSON lines), to standard output or any FileHandle. The dry-run sink.
//
// Imports: MetricsCore, CloudWatchCommon, CWMUTCTime.

import CloudWatchCommon
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
/// A write that fails (a closed pipe, or a reader that took nothing for
/// `writeTimeout`) is thrown from `export` and handled like any other
/// export failure: retried, then dropped and reported. A window cut short
/// stays on lines of its own: the next window starts on a new line.
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
    package let format: Format
    private let output: FileHandle
    /// Prices for the cost line of the table, `nil` for none.
    private let prices: CloudWatchPrices?
    private let writeTimeout: Duration

    /// - parameters:
    ///   - format: `.table` (default) or `.jsonLines`.
    ///   - output: where to write (default standard output).
    ///   - costPrices: the table ends each window with what its series would
    ///     cost through PutMetricData at these prices (default: us-east-1
    ///     list prices, see `CostEstimate`); `nil` leaves the line out.
    ///   - writeTimeout: how long one window's write may wait for a reader
    ///     that stopped draining (default 10 s).
    public init(format: Format = .table, output: FileHandle = .standardOutput,
                costPrices: CloudWatchPrices? = .usEast1, writeTimeout: Duration = .seconds(10)) {
        self.writeTimeout = writeTimeout
        self.format = format
        self.output = output
        self.prices = costPrices
    }

    public var name: String { "console" }

    public func export(_ snapshots: [MetricSnapshot]) async throws {
        try await write(snapshots, uploadInterval: nil)
    }

    public func export(_ snapshots: [MetricSnapshot], attempt: ExportAttempt) async -> ExportResult {
        await ExportResult.of(snapshots) { try await write(snapshots, uploadInterval: attempt.uploadInterval) }
    }

    private func write(_ snapshots: [MetricSnapshot], uploadInterval: Duration?) async throws {
        guard !snapshots.isEmpty else { return }
        let text: String
        switch format {
        case .table:
            text = TableFormatter.render(snapshots)
                + (prices.map { costLine(series: snapshots.count, uploadInterval: uploadInterval, $0) } ?? "")
        case .jsonLines: text = snapshots.map(JSONLineFormatter.render).joined()
        }
        // Not FileHandle.write: a reader that is gone must be an export
        // error (EPIPE), never a SIGPIPE that ends the host.
        if let failure = DescriptorWrite.writeLines(output.fileDescriptor, Array(text.utf8), within: writeTimeout) {
            throw POSIXError(POSIXErrorCode(rawValue: failure.errno) ?? .EIO)
        }
    }

    /// What this window's series would cost in CloudWatch if they came every
    /// upload interval (one custom metric each, through PutMetricData): the
    /// estimate ``MetricsManager/costEstimate(prices:)`` makes, at the
    /// manager's interval, never at the length of a window a flush cut
    /// short. Exported by hand (no manager), the interval is the manager's
    /// default, 60 s.
    private func costLine(series: Int, uploadInterval: Duration?, _ prices: CloudWatchPrices) -> String {
        let estimate = CostEstimate(series: series, uploadInterval: uploadInterval ?? .seconds(60),
                                    billing: [.putMetricData(datumsPerRequest: 1000)], prices: prices)
        return "cost in CloudWatch at this rate: \(estimate)\n"
    }
}
