import Foundation
import CWMHTTPTestSupport
import Testing

@Suite("metrics-agent never prints a secret", .timeLimit(.minutes(3)))
struct AgentSecretsTests {
    @Test("--verbose against an endpoint that refuses and echoes the request: stderr names the error, no secret")
    func verboseFailure() async throws {
        let secret = "AgentSecretKey-Zq7Wm3Rt9Yp2Lx5Nc8"
        let token = "AgentSessionToken-Hb4Jk6Df1Gs3Vn0"
        // A hostile (or merely chatty) server that quotes everything it was sent.
        let server = try LoopbackHTTPServer { request in
            let echoed = request.headers.map { "\($0.0)=\($0.1)" }.joined(separator: "; ")
            let message = "refused; you sent \(echoed); the secret was \(secret) and the token \(token)"
            let body = try! JSONSerialization.data(withJSONObject: ["__type": "SignatureDoesNotMatch", "message": message])
            return .respond(status: 403, headers: [("Content-Type", "application/x-amz-json-1.0")], body: body)
        }
        defer { server.stop() }
        let agent = try RunningProcess(agentPath, [
            "--period", "1", "--sample-interval", "0.2", "--endpoint", server.url.absoluteString,
            "--region", "us-east-1", "--verbose",
        ], environment: [
            "PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ACCESS_KEY_ID": "AKIAAGENTTEST", "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token,
        ], timeLimit: .seconds(60))
        var log: [String] = []
        while let line = await agent.nextErrorLine() {
            log.append(line)
            if line.contains("export failed") { break }
        }
        agent.send(SIGTERM)
        while let line = await agent.nextErrorLine() { log.append(line) }
        let status = await agent.waitForExit()
        #expect(!agent.timedOut, "the agent did not stop: \(log)")
        #expect(status == 0, "\(log)")
        #expect(log.contains { $0.contains("export failed") && $0.contains("SignatureDoesNotMatch") }, "\(log)")
        // --verbose says the period was not published, and never that it was.
        #expect(log.contains { $0.hasPrefix("metrics-agent: period 1: CPUUtilization") && $0.hasSuffix("; sending") }, "\(log)")
        #expect(log.contains { $0.contains("not published: 3 datum(s) dropped (nonRetryableError)") }, "\(log)")
        #expect(!log.contains { $0.hasPrefix("metrics-agent: published ") }, "\(log)")
        #expect(!server.requests.isEmpty)
        for line in log {
            #expect(!line.contains(secret), "\(line)")
            #expect(!line.contains(token), "\(line)")
            #expect(!line.contains(String(secret.prefix(14))), "\(line)")
        }
    }
}
