// Docs/emf.md's examples, line for line. Compiled, not run: they talk to AWS.

import EMFSink
import Foundation
import MetricsCore

enum EMFExamples {
    /// Docs/emf.md: the three destinations.
    static func destinations() -> MetricsManager {
        let lambda = EMFSink(namespace: "MyService", destination: .standardOutput)
        let logs = EMFSink(namespace: "MyService",
                           destination: .cloudWatchLogs(logGroup: "/my-app/metrics", logStream: "host-1",
                                                        region: "us-east-1", endpoint: nil, verifySSL: true,
                                                        accessKeyId: nil, secretAccessKey: nil, sessionToken: nil),
                           defaultDimensions: [["ServiceName"]],
                           options: .init(properties: ["ServiceName": "checkout"]))
        let file = EMFSink(namespace: "MyService", destination: .fileHandle(FileHandle.standardError))
        let manager = MetricsManager(level: .detailed, sinks: [logs])
        _ = (lambda, file)
        return manager
    }

    /// Docs/emf.md: the Lambda pattern.
    static func lambda() async throws {
        let manager = MetricsManager(level: .detailed, sink: EMFSink(namespace: "MyFunction"))
        try await manager.start()

        func handle(_ event: String, remaining: Duration) async throws {
            manager.counter("Invocations").increment()
            // ... the function's work, recording as it goes ...
            let report = try await manager.flush(within: remaining - .milliseconds(50))
            if !report.isComplete { print("metrics not delivered in time: \(report.pending)") }
        }
        try await handle("event", remaining: .seconds(1))
    }
}
