import Foundation
import CWMHTTPTestSupport
import Testing

/// The built metrics-agent binary, beside the test runner.
private let agentPath: String = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("metrics-agent").path

@Suite("metrics-agent end to end", .enabled(if: TestEnvironment.runs(IntegrationTarget.available), "needs a server: run scripts/test.sh"), .timeLimit(.minutes(2)))
struct AgentEndToEndTests {
    let target: IntegrationTarget
    init() throws { target = try IntegrationTarget.require() }

    @Test("publishes CPU and memory to the server every period and exits 0 on SIGTERM")
    func agentAgainstServer() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: agentPath), "\(agentPath)")
        let namespace = IntegrationTarget.freshNamespace("agent")
        let agent = try RunningProcess(agentPath, [
            "--namespace", namespace, "--service", "e2e-service", "--period", "2", "--dimension", "Cluster=ci",
            "--endpoint", target.endpoint.absoluteString, "--region", "us-east-1", "--verbose",
        ], environment: [
            "PATH": "/usr/bin:/bin", "HOME": "/nonexistent",
            "AWS_ACCESS_KEY_ID": target.accessKeyId, "AWS_SECRET_ACCESS_KEY": target.secretAccessKey,
            "AWS_EC2_METADATA_DISABLED": "true",
        ])
        // Synchronise on the agent's own log: wait for three periods the
        // server took (--verbose says so once the request succeeded).
        var log: [String] = []
        var published = 0
        while published < 3, let line = await agent.nextErrorLine() {
            log.append(line)
            if line.hasPrefix("metrics-agent: published ") { published += 1 }
        }
        #expect(published == 3, "\(log)")
        agent.send(SIGTERM)
        while let line = await agent.nextErrorLine() { log.append(line) }  // to the end of its output
        let status = await agent.waitForExit()
        #expect(status == 0, "\(log)")
        #expect(log.contains { $0.contains("stopped by signal 15") && $0.contains("0 dropped") }, "\(log)")

        let dimensions = [("ServiceName", "e2e-service"), ("Cluster", "ci")]
        for metric in ["CPUUtilization", "MemoryUtilization", "MaxMemoryUtilization"] {
            let read = try #require(try await target.statistics(namespace: namespace, metric: metric, dimensions: dimensions),
                                    "\(metric) not found")
            #expect(read.sampleCount >= 3, "\(metric): \(read)")
            #expect(read.minimum >= 0 && read.maximum <= 100, "\(metric): \(read)")
        }
        let listed = try await target.metrics(namespace: namespace)
        #expect(Set(listed.map(\.0)) == ["CPUUtilization", "MemoryUtilization", "MaxMemoryUtilization"])
        #expect(listed.allSatisfy { $0.1.map(\.0) == ["ServiceName", "Cluster"] })
    }
}
