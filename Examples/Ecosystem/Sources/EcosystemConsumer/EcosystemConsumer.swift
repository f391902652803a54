// Every module of the SDK, its three integrations (traits on), and the
// packages a Swift server service commonly has beside it, imported in one
// module: SwiftPM needs module names unique across a package graph, and
// this module builds only while they are. scripts/check-module-names.py
// compares the names with those of the common packages that are not here.

import AWSCore
import CloudWatchCommon
import CloudWatchMetricsTestKit
import CloudWatchSink
import ConsoleSink
import CoreMetrics
import Crypto
import CWMSystemMetrics
import DatadogSink
import EMFSink
import Logging
import Metrics
import MetricsCore
import MetricsCoreTestKit
import MetricsLogging
import MetricsServiceLifecycle
import OTLPSink
import Prometheus
import ServiceLifecycle
import Sinks
import SwiftMetricsBackend

/// One value from each integration and each neighbour, so that every
/// import above is used and each integration is really built (with its
/// trait off, its module is empty and this does not compile).
public enum EcosystemConsumer {
    /// A manager bootstrapped into swift-metrics, with its events in swift-log,
    /// run as a service; a Prometheus registry and a swift-crypto digest beside it.
    public static func assemble() -> (factory: MetricsManagerFactory, observer: LoggingObserver, service: MetricsManagerService,
                                      registry: PrometheusCollectorRegistry, digest: String) {
        let observer = LoggingObserver(logger: Logger(label: "metrics"))
        let manager = MetricsManager(sinks: [NullSink()], configuration: .init(observer: observer))
        let digest = SHA256.hash(data: Array("ecosystem".utf8)).map { String($0, radix: 16) }.joined()
        return (MetricsManagerFactory(manager: manager), observer, manager.service, PrometheusCollectorRegistry(), digest)
    }
}
