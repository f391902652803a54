// A user's test target that exports without AWS: it depends on MetricsCore,
// Sinks and MetricsCoreTestKit only, none of which depends on an AWS module
// (the test kit's generic part must not need one: this target would not
// compile if ManualClock or the test sinks were back behind AWSCore).

import MetricsCore
import MetricsCoreTestKit
import Sinks
import Testing

@Suite("A test target without the AWS stack")
struct CoreOnlyUserTests {
    @Test("a failing sink beside a memory sink: one delivers, one drops, the observer and the report say so")
    func failingBesideMemory() async throws {
        let clock = ManualClock()
        let memory = InMemorySink()
        let failing = FailingSink()
        let observer = RecordingObserver()
        let manager = MetricsManager(sinks: [memory, failing], uploadInterval: .seconds(60),
                                     configuration: .init(observer: observer, clock: clock, wallClock: clock.wallClock))
        try await manager.start()
        manager.counter("Requests").increment(by: 2)
        let report = try await manager.flush()

        #expect(try await memory.snapshots(count: 1, timeout: .seconds(10)).map(\.sum) == [2])
        #expect(failing.attemptCount == 1)
        #expect(observer.dropped[.retriesExhausted] == 1)
        #expect(!report.isDelivered)
        _ = try await manager.shutdown()
    }
}
