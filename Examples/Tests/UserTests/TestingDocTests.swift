// Docs/testing.md's tests, line for line: a user's test target, built
// against the SDK's products only.

import AWSCore            // RetryPolicy
import CloudWatchSink
import MetricsCore
import CloudWatchMetricsTestKit
import Sinks              // InMemorySink
import Testing

@Test func requestsAreCounted() async throws {
    let client = RecordingCloudWatchClient()
    let sink = CloudWatchSink(region: "us-east-1", namespace: "Test", clientFactory: { client })
    let manager = MetricsManager(level: .detailed, sink: sink)
    try await manager.start()

    manager.counter("Requests").increment()
    try await manager.flush()                       // export now and wait for delivery

    #expect(client.datums.map(\.metricName) == ["Requests"])
    #expect(client.requests.first?.namespace == "Test")
    try await manager.shutdown()
}

@Test func throttlingIsRetried() async throws {
    let client = RecordingCloudWatchClient()
    client.respond(.throttle, toCall: 1)           // the first request is throttled
    let observer = RecordingObserver()
    let options = CloudWatchSink.Options(retryPolicy: RetryPolicy(random: { 0 }))   // no backoff wait
    let sink = CloudWatchSink(region: "us-east-1", clientFactory: { client }, options: options)
    let manager = MetricsManager(level: .detailed, sink: sink, configuration: .init(observer: observer))
    try await manager.start()

    manager.counter("Requests").increment()
    try await manager.flush()

    #expect(client.requests.map(\.accepted) == [false, true])
    #expect(observer.retries == 1)
    #expect(observer.dropped.isEmpty)
    try await manager.shutdown()
}

@Test func oneWindowPerInterval() async throws {
    let clock = ManualClock()
    let memory = InMemorySink()
    let manager = MetricsManager(level: .detailed, sink: memory, uploadInterval: .seconds(60),
                                 configuration: .init(clock: clock, wallClock: clock.wallClock))
    try await manager.start()

    manager.counter("Requests").increment(by: 3)
    clock.advance(by: .seconds(60))                 // the tick is due: the window is exported
    let snapshots = try await memory.snapshots(count: 1, timeout: .seconds(10))

    #expect(snapshots.map(\.sum) == [3])
    try await manager.shutdown()
}
