import CloudWatchSink
import ConsoleSink
import Foundation
import Hummingbird
import Logging
import Metrics
import MetricsCore
import MetricsLogging
import MetricsServiceLifecycle
import NIOCore
import ServiceLifecycle
import SwiftMetricsBackend
import UnixSignals

/// A small HTTP service instrumented through swift-metrics: Hummingbird's
/// `MetricsMiddleware` records every request (`hb.requests`,
/// `http.server.request.duration`, `http.server.active_requests`), and the
/// handlers record their own metrics. `MetricsManagerFactory` routes all of
/// it into a `MetricsManager`, which runs beside the server in a
/// `ServiceGroup` and exports to the console, or to CloudWatch when
/// `CLOUDWATCH_NAMESPACE` is set.
public enum ExampleService {
    /// The routes, and the metrics the handlers record.
    public static func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(MetricsMiddleware())
        let orders = Counter(label: "orders_placed")
        let orderSize = Recorder(label: "order_items", dimensions: [("shop", "main")])
        router.get("/health") { _, _ in "ok" }
        router.post("/orders") { request, _ -> Response in
            let items = Int(request.uri.queryParameters.get("items") ?? "1") ?? 1
            guard items > 0 else { return Response(status: .badRequest) }
            orders.increment()
            orderSize.record(items)
            return Response(status: .created)
        }
        return router
    }

    /// The sinks chosen by the environment: CloudWatch when
    /// `CLOUDWATCH_NAMESPACE` is set (region and credentials from the
    /// default chain, `AWS_ENDPOINT_URL_CLOUDWATCH` for a local server), the
    /// console otherwise.
    public static func sinks(environment: [String: String] = ProcessInfo.processInfo.environment) -> [any Sink] {
        if let namespace = environment["CLOUDWATCH_NAMESPACE"], !namespace.isEmpty {
            return [CloudWatchSink(region: environment["AWS_REGION"], namespace: namespace)]
        }
        return [ConsoleSink()]
    }

    /// The HTTP server and the metrics manager in one group, the manager
    /// listed first so that it stops last and exports the server's final
    /// requests. `onListening` gets the port (useful with port 0).
    public static func serviceGroup(manager: MetricsManager, port: Int, logger: Logger,
                                    signals: [UnixSignal] = [.sigterm, .sigint],
                                    onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> ServiceGroup {
        let app = Application(router: router(), configuration: .init(address: .hostname("127.0.0.1", port: port)),
                              onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
                              logger: logger)
        return ServiceGroup(services: [manager.service, app], gracefulShutdownSignals: signals, logger: logger)
    }

    /// Runs the service until SIGTERM or SIGINT.
    public static func run(port: Int = 8080, uploadInterval: Duration = .seconds(10)) async throws {
        let logger = { var logger = Logger(label: "example-service"); logger.logLevel = .info; return logger }()
        let manager = MetricsManager(level: .detailed, sinks: sinks(), uploadInterval: uploadInterval,
                                     configuration: .init(observer: LoggingObserver(logger: logger)))
        MetricsSystem.bootstrap(MetricsManagerFactory(manager: manager))
        try await serviceGroup(manager: manager, port: port, logger: logger) { port in
            logger.info("listening on http://127.0.0.1:\(port)")
        }.run()
    }
}
