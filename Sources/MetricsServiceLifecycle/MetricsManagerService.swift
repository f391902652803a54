// MetricsServiceLifecycle: a MetricsManager as a swift-service-lifecycle
// Service (trait `ServiceLifecycle`).
//
// Imports: MetricsCore, ServiceLifecycle.

// Built only with this package's `ServiceLifecycle` trait, which brings its
// dependency; without it this module is empty and the package resolves
// no dependency for it.
#if ServiceLifecycle
import MetricsCore
import ServiceLifecycle

/// A `MetricsManager` as a swift-service-lifecycle `Service`: `run()`
/// starts the manager and returns once it has shut down gracefully (final
/// window exported, queues drained, sinks stopped), which it does when the
/// group shuts down gracefully (SIGTERM, or another service ending) or when
/// the task is cancelled.
///
/// ```swift
/// let group = ServiceGroup(services: [manager.service, app],
///                          gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
///
/// List the manager first: a group shuts its services down in reverse
/// order, so the manager stops last and exports what the others recorded
/// while they stopped.
public struct MetricsManagerService: Service, CustomStringConvertible {
    /// The manager the service runs.
    public let manager: MetricsManager

    /// A service that runs `manager` (the same as `manager.service`).
    public init(_ manager: MetricsManager) {
        self.manager = manager
    }

    public func run() async throws {
        // The manager's own run() waits for cancellation; a graceful
        // shutdown cancels it here, and its cancellation path shuts it down.
        try await cancelWhenGracefulShutdown {
            try await manager.run()
        }
    }

    public var description: String { "MetricsManagerService" }
}

extension MetricsManager {
    /// This manager as a swift-service-lifecycle `Service`.
    public var service: MetricsManagerService { MetricsManagerService(self) }
}
#endif  // ServiceLifecycle
