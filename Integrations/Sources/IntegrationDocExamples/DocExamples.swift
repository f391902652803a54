// Docs/swift-metrics-and-swift-log.md's examples, line for line, compiled
// with the Integrations package (scripts/check-doc-examples.py finds them
// here). Not run: they bootstrap the process-wide MetricsSystem.
//
// The dependency lines of a user's target:
// .product(name: "SwiftMetricsBackend", package: "swift-cloudwatch-metrics-integrations"),
// .product(name: "MetricsLogging", package: "swift-cloudwatch-metrics-integrations"),
// .product(name: "MetricsServiceLifecycle", package: "swift-cloudwatch-metrics-integrations"),

import CloudWatchSink
import ConsoleSink
import Logging
import Metrics
import MetricsCore
import MetricsLogging
import MetricsServiceLifecycle
import ServiceLifecycle
import SwiftMetricsBackend

enum IntegrationDocExamples {
    /// One line at start-up.
    static func bootstrap() {
        let manager = MetricsManager(level: .detailed, sinks: [CloudWatchSink(region: "us-east-1", namespace: "MyService")])
        MetricsSystem.bootstrap(MetricsManagerFactory(manager: manager))
    }

    /// The SDK's events in your logs.
    static func logging() -> MetricsManager {
        let observer = LoggingObserver(logger: Logger(label: "metrics"))
        let logged = MetricsManager(level: .detailed, sinks: [ConsoleSink()], configuration: .init(observer: observer))
        return logged
    }

    /// Under a ServiceGroup.
    static func serviceGroup(manager: MetricsManager, app: some Service, logger: Logger) async throws {
        let group = ServiceGroup(services: [manager.service, app], gracefulShutdownSignals: [.sigterm, .sigint],
                                 logger: logger)
        try await group.run()
    }
}
