import Foundation
import CWMHTTPTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The agent publishing, as a process, to loopback servers standing in for
/// CloudWatch, CloudWatch Logs and instance metadata: what its help and the
/// README promise, on the wire.
@Suite("metrics-agent publishing", .timeLimit(.minutes(2)))
struct AgentPublishingTests {
    /// Static credentials from the environment; no profile, no instance role.
    private static let environment = [
        "HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ACCESS_KEY_ID": "AKIDAGENTTEST", "AWS_SECRET_ACCESS_KEY": "agent-test-secret",
    ]

    /// Starts the agent, waits for its start line, sends `signal`, and
    /// returns every standard error line and the exit status.
    private func runUntilStarted(_ arguments: [String], environment: [String: String] = environment,
                                 signal: Int32 = SIGTERM) async throws -> (lines: [String], status: Int32) {
        let agent = try RunningProcess(agentPath, arguments, environment: environment, timeLimit: .seconds(60))
        var lines: [String] = []
        while let line = await agent.nextErrorLine() {
            lines.append(line)
            if line.hasPrefix("metrics-agent: sampling every") { break }
        }
        agent.send(signal)
        while let line = await agent.nextErrorLine() { lines.append(line) }
        let status = await agent.waitForExit()
        #expect(!agent.timedOut, "the agent outlived its time limit: \(lines)")
        return (lines, status)
    }

    @Test("SIGTERM publishes the partial period; --dimension, --storage-resolution 1 and --instance-id reach the wire")
    func partialPeriodAndFlags() async throws {
        let cloudWatch = try LoopbackHTTPServer { _ in .text(200, "{}") }
        defer { cloudWatch.stop() }
        let metadata = try LoopbackHTTPServer { request in
            switch (request.method, request.path) {
            case ("PUT", "/latest/api/token"): return .text(200, "imds-token")
            case ("GET", "/latest/meta-data/instance-id"): return .text(200, "i-0123456789abcdef0")
            default: return .text(404, "")
            }
        }
        defer { metadata.stop() }
        var environment = Self.environment
        environment["AWS_EC2_METADATA_DISABLED"] = nil
        environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = metadata.url.absoluteString
        let (lines, status) = try await runUntilStarted([
            "--region", "us-east-1", "--endpoint", cloudWatch.url.absoluteString, "--period", "3600",
            "--dimension", "Cluster=prod", "--storage-resolution", "1", "--instance-id", "--service", "checkout",
        ], environment: environment)
        #expect(status == 0, "\(lines)")
        let requests = try await cloudWatch.waitForRequests(1, timeout: .seconds(1))
        let body = String(decoding: requests[0].body, as: UTF8.self)
        #expect(requests[0].header("X-Amz-Target") == "GraniteServiceVersion20100801.PutMetricData")
        for name in ["CPUUtilization", "MemoryUtilization", "MaxMemoryUtilization"] {
            #expect(body.contains("\"MetricName\": \"\(name)\""), "\(name): \(body)")
        }
        #expect(body.contains("{\"Name\": \"ServiceName\", \"Value\": \"checkout\"}"), "\(body)")
        #expect(body.contains("{\"Name\": \"Cluster\", \"Value\": \"prod\"}"), "\(body)")
        #expect(body.contains("{\"Name\": \"InstanceId\", \"Value\": \"i-0123456789abcdef0\"}"), "\(body)")
        #expect(body.contains("\"StorageResolution\": 1"), "\(body)")
        #expect(metadata.requests.map(\.path).contains("/latest/meta-data/instance-id"))
    }

    @Test("--emf-log-group sends EMF documents with PutLogEvents to that group")
    func emfLogGroup() async throws {
        let logs = try LoopbackHTTPServer { _ in .text(200, "{}") }
        defer { logs.stop() }
        let (lines, status) = try await runUntilStarted([
            "--region", "us-east-1", "--endpoint", logs.url.absoluteString, "--period", "3600",
            "--emf-log-group", "/agent/test", "--emf-log-stream", "host-1",
        ])
        #expect(status == 0, "\(lines)")
        let puts = logs.requests.filter { $0.header("X-Amz-Target") == "Logs_20140328.PutLogEvents" }
        try #require(puts.count == 1, "\(logs.requests.map { $0.header("X-Amz-Target") ?? "" })")
        let request = try #require(JSONSerialization.jsonObject(with: puts[0].body) as? [String: Any])
        #expect(request["logGroupName"] as? String == "/agent/test")
        #expect(request["logStreamName"] as? String == "host-1")
        let message = ((request["logEvents"] as? [[String: Any]])?.first?["message"] as? String) ?? ""
        #expect(message.contains("\"_aws\"") && message.contains("CPUUtilization"), "\(message)")
    }

    @Test("an endpoint that keeps failing: each period is tried 3 times (retried twice), then dropped, counted and logged; exit 0")
    func unreachable() async throws {
        let failing = try LoopbackHTTPServer { _ in .text(503, "{\"__type\":\"ServiceUnavailable\",\"message\":\"down\"}") }
        defer { failing.stop() }
        let agent = try RunningProcess(agentPath, [
            "--region", "us-east-1", "--endpoint", failing.url.absoluteString, "--period", "1",
        ], environment: Self.environment, timeLimit: .seconds(60))
        var lines: [String] = []
        while let line = await agent.nextErrorLine() {
            lines.append(line)
            if line.hasPrefix("metrics: sink ") && line.contains("dropped") { break }
        }
        agent.send(SIGINT)
        while let line = await agent.nextErrorLine() { lines.append(line) }
        #expect(await agent.waitForExit() == 0, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("metrics: sink ") && $0.contains("dropped") && $0.contains("retriesExhausted") },
                "\(lines)")
        let summary = try #require(lines.last { $0.hasPrefix("metrics-agent: stopped by signal") }, "\(lines)")
        #expect(summary.contains("0 datum(s) published"), "\(summary)")
        // Each period's request was sent three times with the same body.
        // Periods overlap (the sink exports batches concurrently, so their
        // tries interleave), and two periods of an idle host can send the
        // same body: so each body goes out a multiple of three times, but
        // the last one, which the shutdown may cut short.
        let requests = failing.requests
        let tries = Dictionary(grouping: requests, by: \.body).mapValues(\.count)
        #expect(tries.values.contains { $0 >= 3 }, "\(tries.values)")
        #expect(tries.allSatisfy { $0.key == requests.last?.body || $0.value % 3 == 0 }, "\(tries.values)")
    }

    @Test("--no-verify-ssl publishes to an endpoint with a self-signed certificate; without it, a TLS failure is logged")
    func noVerifySSL() async throws {
        let fixture = try await HTTPSFixture()
        defer { fixture.stop() }
        let arguments = ["--region", "us-east-1", "--endpoint", fixture.url.absoluteString, "--period", "3600"]
        let (unverifiedLines, unverifiedStatus) = try await runUntilStarted(arguments + ["--no-verify-ssl"])
        #expect(unverifiedStatus == 0, "\(unverifiedLines)")
        #expect(await fixture.nextRequest() == "POST /")
        #expect(!unverifiedLines.contains { $0.contains("TLS failure") }, "\(unverifiedLines)")

        let (verifiedLines, verifiedStatus) = try await runUntilStarted(arguments)
        #expect(verifiedStatus == 0)
        #expect(verifiedLines.contains { $0.contains("TLS failure") }, "\(verifiedLines)")
    }

    @Test("--root pointing at a folder without /proc: it says so and exits 1")
    func unreadableProc() async throws {
        let agent = try RunningProcess(agentPath, ["--dry-run", "--root", "/nonexistent"], environment: Self.environment)
        var lines: [String] = []
        while let line = await agent.nextErrorLine() { lines.append(line) }
        #expect(await agent.waitForExit() == 1)
        #expect(lines.contains { $0.hasPrefix("metrics-agent: cannot sample this host:") && $0.contains("/nonexistent") }, "\(lines)")
    }

    /// Root, `unshare` and a libcurl to hide: the system's libcurl is
    /// replaced by an empty file in a mount namespace of the agent's own.
    static let canHideLibcurl: Bool = {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
            && FileManager.default.fileExists(atPath: "/bin/sh")
    }()

    @Test("without libcurl, publishing fails at start with a message naming it, and exits 1",
          .enabled(if: canHideLibcurl, "needs root and unshare(1), to hide libcurl in a mount namespace"))
    func libcurlMissing() async throws {
        let hide = """
            for f in /usr/lib/*/libcurl*.so.4 /lib/*/libcurl*.so.4 /usr/lib/libcurl*.so.4 /usr/local/lib/libcurl*.so.4; do
                [ -e "$f" ] && mount --bind /dev/null "$f"
            done
            exec "$0" "$@"
            """
        let agent = try RunningProcess("/usr/bin/unshare", [
            "--mount", "/bin/sh", "-c", hide, agentPath, "--region", "us-east-1", "--endpoint", "http://127.0.0.1:1",
        ], environment: Self.environment.merging(["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"]) { $1 })
        var lines: [String] = []
        while let line = await agent.nextErrorLine() { lines.append(line) }
        #expect(await agent.waitForExit() == 1, "\(lines)")
        #expect(lines.contains { $0.contains("libcurl") && $0.contains("libcurl4") }, "\(lines)")
    }
}
