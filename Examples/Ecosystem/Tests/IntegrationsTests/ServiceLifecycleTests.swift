import IntegrationsTestSupport
import Logging
import MetricsCore
import MetricsServiceLifecycle
import CloudWatchMetricsTestKit
import ServiceLifecycle
import ServiceLifecycleTestKit
import Sinks
import Testing

@Suite("MetricsManager as a Service")
struct ServiceLifecycleTests {
    static func manager(_ memory: InMemorySink) -> MetricsManager {
        MetricsManager(level: .detailed, sink: memory, uploadInterval: .seconds(3600))
    }

    @Test("a graceful shutdown ends run() after the final window is exported")
    func gracefulShutdown() async throws {
        let memory = InMemorySink()
        let manager = Self.manager(memory)
        // Started first (run() then finds it running), so that the shutdown cannot come before the start.
        try await manager.start()
        try await withTimeLimit(.seconds(20), "the service's run()") {
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await manager.service.run() }
                    manager.counter("Requests").increment(by: 5)
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
        }
        #expect(memory.allSnapshots.first { $0.name == "Requests" }?.sum == 5)
    }

    @Test("in a ServiceGroup: the group's graceful shutdown stops the manager, and nothing recorded is lost")
    func inServiceGroup() async throws {
        let memory = InMemorySink()
        let manager = Self.manager(memory)
        try await manager.start()
        let group = ServiceGroup(services: [manager.service], gracefulShutdownSignals: [],
                                 logger: Logger(label: "test"))
        try await withTimeLimit(.seconds(20), "the service group") {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                manager.counter("Before").increment()
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
        #expect(memory.allSnapshots.contains { $0.name == "Before" && $0.sum == 1 })
    }

    @Test("cancellation ends run() the same way")
    func cancellation() async throws {
        let memory = InMemorySink()
        let manager = Self.manager(memory)
        try await manager.start()
        let task = Task { try await manager.service.run() }
        manager.counter("Cancelled").increment(by: 2)
        task.cancel()
        try await withTimeLimit(.seconds(20), "run() after cancellation") { try await task.value }
        #expect(memory.allSnapshots.contains { $0.name == "Cancelled" && $0.sum == 2 })
    }
}
