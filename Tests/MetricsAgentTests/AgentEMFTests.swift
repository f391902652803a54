import Foundation
import CWMHTTPTestSupport
import CWMTestSupport
import Testing

@Suite("metrics-agent --emf", .timeLimit(.minutes(3)))
struct AgentEMFTests {
    @Test("--emf --period 1 writes valid EMF lines, and nothing else, to standard output; no region or credentials needed")
    func emfToStandardOutput() async throws {
        let agent = try RunningProcess(agentPath, [
            "--emf", "--period", "1", "--sample-interval", "0.2", "--service", "emf-test", "--namespace", "AgentEMF",
        ], environment: ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"],
           timeLimit: .seconds(60))
        var lines: [String] = []
        while lines.count < 2, let line = await agent.nextOutputLine() { lines.append(line) }
        agent.send(SIGTERM)
        var log: [String] = []
        while let line = await agent.nextErrorLine() { log.append(line) }
        let status = await agent.waitForExit()
        #expect(!agent.timedOut, "the agent did not stop: \(log)")
        #expect(status == 0, "\(log)")
        #expect(lines.count == 2, "\(log)")
        for line in lines {
            #expect(EMFSchema.problems(Array(line.utf8)).isEmpty, "\(line)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(document["ServiceName"] as? String == "emf-test")
            let aws = try #require(document["_aws"] as? [String: Any])
            let directive = try #require((aws["CloudWatchMetrics"] as? [[String: Any]])?.first)
            #expect(directive["Namespace"] as? String == "AgentEMF")
            #expect(directive["Dimensions"] as? [[String]] == [["ServiceName"]])
            let metrics = try #require(directive["Metrics"] as? [[String: Any]])
            let names = metrics.compactMap { $0["Name"] as? String }
            #expect(names.contains("MemoryUtilization") && names.contains("MaxMemoryUtilization"))
            #expect(metrics.allSatisfy { $0["Unit"] as? String == "Percent" })
        }
        // CPU needs two readings: from the second period on it is there.
        #expect(lines.last.map { $0.contains("\"CPUUtilization\"") } == true)
        #expect(log.allSatisfy { !$0.hasPrefix("{") })
    }
}
