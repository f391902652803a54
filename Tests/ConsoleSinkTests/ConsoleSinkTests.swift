import ConsoleSink
import Foundation
import MetricsCore
import Testing

/// Captures what a ConsoleSink writes, through a real file.
final class Capture {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("console-\(UUID().uuidString).txt")
    let handle: FileHandle

    init() throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        handle = try FileHandle(forWritingTo: url)
    }

    func text() throws -> String {
        try handle.synchronize()
        return try String(contentsOf: url, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

@Suite("ConsoleSink", .timeLimit(.minutes(3)))
struct ConsoleSinkTests {
    private static let start = Date(timeIntervalSince1970: 1_700_000_000)

    private func samples() -> [MetricSnapshot] { Self.samples() }

    private static func samples() -> [MetricSnapshot] {
        [
            MetricSnapshot(name: "UserRecordsPut", kind: .counter, unit: .count,
                           dimensions: [("stream", "s1"), ("shard", "shardId-000000000001")],
                           windowStart: start, windowEnd: start + 60, count: 12, sum: 12, min: 1, max: 1),
            MetricSnapshot(name: "RequestTime", kind: .histogram, unit: .milliseconds, dimensions: [],
                           windowStart: start, windowEnd: start + 60, count: 2, sum: 25.5, min: 12.5, max: 13,
                           distribution: [.init(value: 12.5, count: 1), .init(value: 13, count: 1)]),
            MetricSnapshot(name: "Pending", kind: .gauge, unit: .none, dimensions: [("note", "quote\" and \\ and\nnewline")],
                           windowStart: start, windowEnd: start + 60, count: 1, sum: 42, min: 42, max: 42, last: 42),
        ]
    }

    @Test("the table is aligned, sorted and readable")
    func table() async throws {
        let capture = try Capture()
        try await ConsoleSink(output: capture.handle).export(samples())
        let lines = try capture.text().split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines[0].hasPrefix("-- window 2023-11-14T22:13:20Z .. 2023-11-14T22:14:20Z: 3 series --"))
        // The window's cost in CloudWatch, were it sent every 60 s: 3 metrics at $0.30,
        // one request a minute: 43,800 a month, $0.438.
        #expect(lines[5] == "cost in CloudWatch at this rate: 3 series, 3 datums and 1 PutMetricData requests a minute: "
                + "about $1.34 a month (metrics $0.90, requests $0.44, ingestion $0.00)")
        let plain = try Capture()
        try await ConsoleSink(output: plain.handle, costPrices: nil).export(samples())
        #expect(try plain.text().split(separator: "\n").count == 5)
        #expect(lines[1].hasPrefix("metric"))
        #expect(lines[2].hasPrefix("Pending"))
        #expect(lines[3].hasPrefix("RequestTime"))
        #expect(lines[4].hasPrefix("UserRecordsPut"))
        #expect(lines[4].contains("stream=s1 shard=shardId-000000000001"))
        #expect(lines[3].contains("25.5") && lines[3].contains("Milliseconds"))
        #expect(lines[2].contains("note=quote\" and \\ and\\nnewline"))
        // Numeric columns are right-aligned under their header.
        let header = Array(lines[1])
        let countEnd = lines[1].distance(from: lines[1].startIndex, to: lines[1].range(of: "count")!.upperBound)
        for line in lines[2...4] {
            let row = Array(line)
            #expect(row[countEnd - 1].isNumber && row[countEnd] == " ", "\(line)")
        }
        #expect(header[countEnd] == " ")
    }

    @Test("JSON lines parse back to the snapshots' values")
    func jsonLines() async throws {
        let capture = try Capture()
        try await ConsoleSink(format: .jsonLines, output: capture.handle).export(samples())
        let lines = try capture.text().split(separator: "\n")
        #expect(lines.count == 3)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects[0]["name"] as? String == "UserRecordsPut")
        #expect((objects[0]["dimensions"] as? [String: String])?["shard"] == "shardId-000000000001")
        #expect(objects[0]["count"] as? Int == 12)
        #expect(objects[1]["p99"] as? Double == 13)
        #expect(objects[1]["sum"] as? Double == 25.5)
        #expect(objects[1]["windowEnd"] as? String == "2023-11-14T22:14:20.000Z")
        #expect((objects[2]["dimensions"] as? [String: String])?["note"] == "quote\" and \\ and\nnewline")
        #expect(objects[2]["last"] as? Int == 42)
    }

    @Test("a closed output is an export error, and the process lives: SIGPIPE is neither raised nor ignored")
    func closedOutput() async {
        // In a child process with SIGPIPE's default action (death), as in a
        // host that never touched it: a library write that raised the signal
        // would end the child with signal 13 instead of exit status 0.
        await #expect(processExitsWith: .success) {
            signal(SIGPIPE, SIG_DFL)
            let pipe = Pipe()
            try pipe.fileHandleForReading.close()
            do {
                try await ConsoleSink(output: pipe.fileHandleForWriting).export(ConsoleSinkTests.samples())
                exit(3)   // no error: the write did not notice the closed pipe
            } catch let error as POSIXError where error.code == .EPIPE {
                // What the export worker counts as a failed export.
            }
            #if canImport(Glibc)
            // The signal's disposition is as it was: still the default.
            var action = sigaction()
            sigaction(SIGPIPE, nil, &action)
            if action.__sigaction_handler.sa_handler != nil { exit(4) }
            #endif
        }
    }

    /// A sink billed as CloudWatchSink is, standing in for it (no AWS here).
    private struct BilledSink: CloudWatchBilledSink {
        var billing: SinkBilling { .putMetricData(datumsPerRequest: 1000) }
        func export(_ snapshots: [MetricSnapshot]) async throws {}
    }

    @Test("README's quick start: the cost line is costEstimate()'s, although the flush cut the window short")
    func quickStartCostLine() async throws {
        let capture = try Capture()
        let manager = MetricsManager(level: .detailed, sinks: [BilledSink(), ConsoleSink(output: capture.handle)],
                                     uploadInterval: .seconds(60))
        try await manager.start()
        manager.put("UserRecordsPut", 1, stream: "s1", shardId: "shardId-000000000001")
        manager.counter("Requests", dimensions: [("stream", "s1")]).increment()
        manager.histogram("RequestTime", unit: .milliseconds).record(12.5)
        manager.gauge("UserRecordsPending").set(42)
        let estimate = manager.costEstimate()
        try await manager.flush()
        _ = try await manager.shutdown()

        let line = try #require(try capture.text().split(separator: "\n").first { $0.hasPrefix("cost in CloudWatch") })
        let dollars = try #require(line.firstMatch(of: /about \$([0-9.,]+) a month/)?.1)
        let printed = try #require(Double(dollars.replacingOccurrences(of: ",", with: "")))
        #expect(estimate.series == 4)
        #expect(abs(printed - estimate.totalPerMonth) <= 0.1 * estimate.totalPerMonth, "\(line) vs \(estimate)")
    }

    @Test("the cost line follows the manager's upload interval")
    func costLineAtTheInterval() async throws {
        let capture = try Capture()
        let attempt = ExportAttempt(number: 1, previousError: nil, uploadInterval: .seconds(10))
        _ = await ConsoleSink(output: capture.handle).export(samples(), attempt: attempt)
        // Every 10 s: 6 requests a minute, 262,800 a month, $2.63.
        #expect(try capture.text().contains("3 series, 18 datums and 6 PutMetricData requests a minute: "
                + "about $3.53 a month (metrics $0.90, requests $2.63, ingestion $0.00)"))
    }
}
