import Foundation
@testable import metrics_fuzz
@testable import CWMSystemMetrics
import Testing

/// Every input a fuzzer ever crashed on (`Fuzz/regressions/TARGET/`), run
/// through its harness again: it must now pass without a trap.
@Suite("Fuzz regressions", .timeLimit(.minutes(3)))
struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    static var inputs: [String] {
        let regressions = root.appendingPathComponent("regressions")
        let targets = (try? FileManager.default.contentsOfDirectory(atPath: regressions.path)) ?? []
        return targets.sorted().flatMap { target in
            ((try? FileManager.default.contentsOfDirectory(atPath: regressions.appendingPathComponent(target).path)) ?? [])
                .sorted().map { "\(target)/\($0)" }
        }
    }

    @Test("each saved crash input runs through its harness", arguments: inputs)
    func replay(input: String) throws {
        let target = try #require(FuzzTarget.named(String(input.split(separator: "/")[0])), "no harness for \(input)")
        target.run(try Data(contentsOf: Self.root.appendingPathComponent("regressions/\(input)")))
    }

    @Test("the regression folder is found and every seed corpus has a harness")
    func layout() throws {
        #expect(!Self.inputs.isEmpty)
        let seeds = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("corpus").path)
        for name in seeds where name != "agent-arguments" { #expect(FuzzTarget.named(name) != nil, "\(name)") }
    }
}

@Suite("Hostile /proc and cgroup values", .timeLimit(.minutes(3)))
struct HostileValueTests {
    @Test("cpu.max values that are not a real limit mean no limit", arguments: [
        "nan 100000", "inf 100000", "1e400 1", "-50000 100000", "100000 0", "100000 nan",
    ])
    func cpuMax(text: String) {
        #expect(CGroup.parseCPUMax(text) == nil)
    }

    @Test("counters that overflow 64 bits are an error, not a trap")
    func overflow() {
        #expect(throws: SystemMetricsError.self) {
            try ProcParsers.cpuTimes("cpu  18446744073709551615 1 1 1\n")
        }
        #expect(throws: SystemMetricsError.self) {
            try ProcParsers.memory("MemTotal: 99999999999999999 kB\n")
        }
    }
}
