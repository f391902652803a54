import ExampleService
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IntegrationsTestSupport
import Logging
import Metrics
import MetricsCore
import ServiceLifecycle
import Sinks
import SwiftMetricsBackend
import Synchronization
import Testing

/// The example service as it runs: its ServiceGroup (the HTTP server and
/// the metrics manager) on a free loopback port, real HTTP requests, then a
/// graceful shutdown; the metrics arrive through swift-metrics in an
/// InMemorySink.
@Suite("Example service")
struct ExampleServiceTests {
    @Test("requests over HTTP arrive as swift-metrics counters, timers and recorders, with their dimensions")
    func requestsBecomeSnapshots() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory, uploadInterval: .seconds(3600))
        // swift-metrics has one factory per process; this is the only test that bootstraps it.
        MetricsSystem.bootstrap(MetricsManagerFactory(manager: manager))
        let listening = PortBox()
        let group = ExampleService.serviceGroup(manager: manager, port: 0, logger: Logger(label: "test"), signals: []) {
            listening.set($0)
        }
        try await withTimeLimit(.seconds(60), "the example service") {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let port = try await listening.wait()
                #expect(try await Self.request("GET", port, "/health") == 200)
                for items in [1, 2, 4] { #expect(try await Self.request("POST", port, "/orders?items=\(items)") == 201) }
                #expect(try await Self.request("POST", port, "/orders?items=0") == 400)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
        // The server stopped first, then the manager exported its last window.
        let snapshots = memory.allSnapshots
        func find(_ name: String, _ dimensions: [String: String] = [:]) -> [MetricSnapshot] {
            snapshots.filter { snapshot in
                snapshot.name == name && dimensions.allSatisfy { key, value in
                    snapshot.dimensions.contains { $0.0 == key && $0.1 == value }
                }
            }
        }
        let created = find("hb.requests", ["http.route": "/orders", "http.request.method": "POST",
                                           "http.response.status_code": "201"])
        #expect(created.map(\.kind) == [.counter] && created.first?.sum == 3, "\(snapshots)")
        #expect(find("hb.requests", ["http.response.status_code": "400"]).first?.sum == 1)
        let duration = try #require(find("http.server.request.duration", ["http.route": "/health"]).first)
        #expect(duration.kind == .histogram && duration.unit == .seconds && duration.count == 1)
        #expect(duration.max > 0 && duration.max < 10)
        #expect(find("orders_placed").first?.kind == .counter && find("orders_placed").first?.sum == 3)
        let items = try #require(find("order_items", ["shop": "main"]).first)
        #expect(items.kind == .histogram && items.count == 3 && items.sum == 7 && items.max == 4)
        #expect(find("http.server.active_requests").first?.kind == .gauge)
    }

    /// Sends one request and returns its status.
    static func request(_ method: String, _ port: Int, _ path: String) async throws -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: 10)
        request.httpMethod = method
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? -1
    }
}

/// The port the server reports once it listens; waited for without
/// polling, and given up when the waiting task is cancelled (the time limit).
final class PortBox: Sendable {
    private let state = Mutex<(port: Int?, waiter: CheckedContinuation<Int, any Error>?, cancelled: Bool)>((nil, nil, false))

    func set(_ port: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Int, any Error>? in
            state.port = port
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: port)
    }

    func wait() async throws -> Int {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready = state.withLock { state -> Result<Int, any Error>? in
                    if let port = state.port { return .success(port) }
                    if state.cancelled { return .failure(CancellationError()) }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Int, any Error>? in
                state.cancelled = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
