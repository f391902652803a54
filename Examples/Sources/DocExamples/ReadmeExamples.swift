// README.md's examples, line for line. Compiled, not run: they talk to AWS.

import CloudWatchSink
import ConsoleSink
import Foundation
import MetricsCore
import Sinks

enum ReadmeExamples {
    /// README: Quick start.
    static func quickStart() async throws {
        let cloudWatch = CloudWatchSink(region: "us-east-1", namespace: "MyService")
        let manager = MetricsManager(level: .detailed, sinks: [cloudWatch, ConsoleSink()],
                                     uploadInterval: .seconds(60))
        try await manager.start()

        manager.put("UserRecordsPut", 1, stream: "s1", shardId: "shardId-000000000001")
        let requests = manager.counter("Requests", dimensions: [("stream", "s1")])
        requests.increment()                              // one relaxed atomic add, ~2.3 ns
        let latency = manager.histogram("RequestTime", unit: .milliseconds)
        latency.record(12.5)                              // one atomic exchange; percentiles within 0.78 %
        manager.gauge("UserRecordsPending").set(42)

        try await manager.flush()                         // export the current window now
        try await manager.shutdown()                      // final window, drain, stop the sinks
    }

    /// README: CloudWatch, every parameter of the original's constructor.
    static func cloudWatchConstructor() -> CloudWatchSink {
        let sink = CloudWatchSink(
            region: "us-east-1",
            namespace: "MyService",                          // default "aiokpl", as in the original
            endpoint: URL(string: "http://127.0.0.1:4566"),  // LocalStack / moto; nil = AWS
            verifySSL: true,
            accessKeyId: nil, secretAccessKey: nil, sessionToken: nil,  // nil = default credential chain
            clientFactory: nil                               // tests inject a fake CloudWatchClient here
        )
        return sink
    }
}
