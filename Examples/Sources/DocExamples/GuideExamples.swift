// Docs/getting-started.md's, Docs/sinks.md's and Docs/local-aws.md's
// examples, line for line. Compiled, not run: they talk to AWS.

import CloudWatchSink
import ConsoleSink
import Foundation
import MetricsCore

enum GuideExamples {
    /// Docs/getting-started.md: ten lines to CloudWatch.
    static func gettingStarted() async throws {
        // Package.swift: .package(url: "https://github.com/<you>/swift-cloudwatch-metrics.git", from: "1.0.0")
        // and .product(name: "CloudWatchSink", package: "swift-cloudwatch-metrics") in your target.
        let manager = MetricsManager(level: .detailed, sinks: [CloudWatchSink(region: "us-east-1", namespace: "MyService")])
        try await manager.start()
        let requests = manager.counter("Requests", dimensions: [("route", "/orders")])
        requests.increment()
        manager.histogram("Latency", unit: .milliseconds).record(12.5)
        try await manager.shutdown()   // exports the last window and waits for delivery
    }

    /// Docs/sinks.md: two sinks.
    static func sinks() -> MetricsManager {
        let manager = MetricsManager(
            level: .detailed,
            sinks: [CloudWatchSink(region: "us-east-1", namespace: "MyService"), ConsoleSink()],
            uploadInterval: .seconds(60))
        return manager
    }

    /// Docs/local-aws.md: a local endpoint.
    static func localEndpoint() -> CloudWatchSink {
        let local = CloudWatchSink(region: "us-east-1", namespace: "Local",
                                   endpoint: URL(string: "http://127.0.0.1:4566"), verifySSL: true,
                                   accessKeyId: "test", secretAccessKey: "test", sessionToken: nil)
        return local
    }
}
