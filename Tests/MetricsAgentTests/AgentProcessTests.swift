import Foundation
import CWMHTTPTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The built metrics-agent binary, beside the test runner.
let agentPath = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("metrics-agent").path

/// The agent as a user runs it, as a process: no server needed.
@Suite("metrics-agent as a process", .timeLimit(.minutes(2)))
struct AgentProcessTests {
    /// Reads standard output until `periods` windows are complete, then
    /// stops the agent with SIGINT: every line read, and the exit status.
    private func run(_ arguments: [String], periods: Int,
                     isWindowEnd: (String) -> Bool) async throws -> (lines: [String], status: Int32) {
        let agent = try RunningProcess(agentPath, arguments, environment: ["HOME": "/nonexistent"],
                                       timeLimit: .seconds(60))
        var lines: [String] = []
        var windows = 0
        while windows < periods, let line = await agent.nextOutputLine() {
            lines.append(line)
            if isWindowEnd(line) { windows += 1 }
        }
        agent.send(SIGINT)
        while await agent.nextErrorLine() != nil {}
        let status = await agent.waitForExit()
        #expect(!agent.timedOut, "the agent outlived its time limit")
        return (lines, status)
    }

    @Test("README's main command: --dry-run prints the table with the three metrics and the cost line; SIGINT exits 0")
    func dryRunTable() async throws {
        let (lines, status) = try await run(["--dry-run", "--period", "1"], periods: 2) {
            $0.hasPrefix("cost in CloudWatch at this rate:")
        }
        #expect(status == 0)
        #expect(lines.filter { $0.hasPrefix("-- window ") }.count == 2, "\(lines)")
        #expect(lines.filter { $0.hasPrefix("cost in CloudWatch at this rate: 3 series") }.count == 2, "\(lines)")
        for metric in ["CPUUtilization", "MemoryUtilization", "MaxMemoryUtilization"] {
            #expect(lines.filter { $0.hasPrefix(metric + " ") }.count == 2, "\(metric): \(lines)")
        }
    }

    @Test("--format json prints one JSON object a line, the three metrics each period; SIGINT exits 0")
    func dryRunJSON() async throws {
        let (lines, status) = try await run(["--dry-run", "--period", "1", "--format", "json"], periods: 2) {
            $0.contains("\"name\":\"MaxMemoryUtilization\"")
        }
        #expect(status == 0)
        let objects = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.compactMap { $0["name"] as? String }.sorted()
                == ["CPUUtilization", "CPUUtilization", "MaxMemoryUtilization", "MaxMemoryUtilization",
                    "MemoryUtilization", "MemoryUtilization"])
        #expect(objects.allSatisfy { ($0["dimensions"] as? [String: String])?["ServiceName"] != nil })
    }

    @Test("bad flags: one line and exit status 2; --help and --version: 0")
    func usage() async throws {
        let bad = try RunningProcess(agentPath, ["--period", "soon"], environment: [:])
        let line = await bad.nextErrorLine()
        while await bad.nextErrorLine() != nil {}
        #expect(await bad.waitForExit() == 2)
        #expect(line == "metrics-agent: --period must be a whole number of seconds from 1 to 31622400 (got 'soon') (see --help)")
        for flag in ["--help", "--version"] {
            #expect(await (try RunningProcess(agentPath, [flag], environment: [:])).waitForExit() == 0)
        }
    }

    @Test("a namespace CloudWatch refuses is a bad command line in every mode: exit status 2",
          arguments: [["--dry-run"], ["--emf"], ["--region", "us-east-1"]])
    func reservedNamespace(mode: [String]) async throws {
        let agent = try RunningProcess(agentPath, mode + ["--namespace", "AWS/EC2", "--period", "1"], environment: [:])
        let line = await agent.nextErrorLine()
        while await agent.nextErrorLine() != nil {}
        #expect(await agent.waitForExit() == 2)
        #expect(line == "metrics-agent: --namespace 'AWS/EC2' is not a CloudWatch namespace: "
                + "the AWS/ prefix is reserved for AWS services (see --help)")
    }

    @Test("without credentials it says so, suggests --dry-run, and exits 1")
    func noCredentials() async throws {
        let agent = try RunningProcess(agentPath, ["--region", "us-east-1"], environment: [
            "HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true",
        ])
        var lines: [String] = []
        while let line = await agent.nextErrorLine() { lines.append(line) }
        #expect(await agent.waitForExit() == 1)
        #expect(lines.first?.hasPrefix("metrics-agent: no credentials found: tried environment") == true, "\(lines)")
        #expect(lines.contains { $0.contains("--dry-run") })
    }

    @Test("without a region it says so and exits 1")
    func noRegion() async throws {
        let agent = try RunningProcess(agentPath, [], environment: [
            "HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
        ])
        var lines: [String] = []
        while let line = await agent.nextErrorLine() { lines.append(line) }
        #expect(await agent.waitForExit() == 1)
        #expect(lines.contains { $0.contains("region") }, "\(lines)")
        #expect(!lines.joined().contains("not-a-real-secret"))
    }
}
