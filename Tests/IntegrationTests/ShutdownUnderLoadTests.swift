import CWMHTTPTestSupport
import CloudWatchSink
import Foundation
import CWMLocking
import MetricsCore
import Testing
import CloudWatchMetricsTestKit

@Suite("Graceful shutdown under load", .enabled(if: TestEnvironment.runs(IntegrationTarget.available), "needs a server: run scripts/test.sh"), .timeLimit(.minutes(3)))
struct ShutdownUnderLoadTests {
    let target: IntegrationTarget
    init() throws { target = try IntegrationTarget.require() }

    @Test("everything recorded before shutdown is on the server afterwards: 0 lost")
    func nothingLost() async throws {
        let namespace = IntegrationTarget.freshNamespace("load")
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: target.sink(namespace: namespace), uploadInterval: .milliseconds(100),
                                     configuration: .init(observer: observer))
        try await manager.start()
        let streams = ["a", "b", "c", "d"]
        let counters = streams.map { manager.counter("Load", dimensions: [("stream", $0)]) }
        let latency = manager.histogram("LoadLatency", unit: .milliseconds, distribution: false)

        // Two writer threads record for a while, across several windows.
        let totals = Locked([Int](repeating: 0, count: streams.count))
        let latencySum = Locked(0.0)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let finished = Locked(0)
            for writer in 0..<2 {
                Thread {
                    var local = [Int](repeating: 0, count: streams.count)
                    var localLatency = 0.0
                    let clock = ContinuousClock()
                    let end = clock.now.advanced(by: .milliseconds(1200))
                    var step = writer
                    while clock.now < end {
                        let index = step % streams.count
                        counters[index].increment(by: step % 3 + 1)
                        local[index] += step % 3 + 1
                        let value = Double(step % 50) + 0.5
                        latency.record(value)
                        localLatency += value
                        step += 1
                    }
                    totals.withLock { totals in for index in totals.indices { totals[index] += local[index] } }
                    latencySum.withLock { $0 += localLatency }
                    if finished.withLock({ $0 += 1; return $0 }) == 2 { done.resume() }
                }.start()
            }
        }
        try await manager.shutdown()

        let stats = try #require(manager.stats()[sink: "cloudwatch"])
        #expect(stats.totalDropped == 0, "\(observer.all)")
        #expect(stats.exported > streams.count, "several windows were exported while writing")
        let recorded = totals.withLock { $0 }
        for (index, stream) in streams.enumerated() {
            let read = try await target.statistics(namespace: namespace, metric: "Load", dimensions: [("StreamName", stream)])
            #expect(read?.sum == Double(recorded[index]), "stream \(stream)")
            #expect(read?.sampleCount == Double(recorded[index]))
        }
        let readLatency = try await target.statistics(namespace: namespace, metric: "LoadLatency", dimensions: [])
        let expected = latencySum.withLock { $0 }
        #expect(abs((readLatency?.sum ?? 0) - expected) <= 1e-9 * expected)
    }
}
