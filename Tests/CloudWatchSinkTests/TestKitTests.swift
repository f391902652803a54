import AWSCore
import CloudWatchSink
import Foundation
import MetricsCore
import CloudWatchMetricsTestKit
import Testing

@Suite("CloudWatchMetricsTestKit's RecordingCloudWatchClient", .timeLimit(.minutes(3)))
struct TestKitTests {
    @Test("a user's test, as Docs/testing.md writes it")
    func usersTest() async throws {
        let client = RecordingCloudWatchClient()
        let sink = CloudWatchSink(region: "us-east-1", namespace: "Test", clientFactory: { client })
        let manager = MetricsManager(level: .detailed, sink: sink)
        try await manager.start()
        manager.counter("Requests").increment()
        try await manager.flush()
        #expect(client.datums.map(\.metricName) == ["Requests"])
        #expect(client.requests.map(\.namespace) == ["Test"])
        try await manager.shutdown()
    }

    @Test("scripted answers: per call number and for the next calls; failed calls are requests, not datums")
    func scripted() async throws {
        let client = RecordingCloudWatchClient()
        let boom = AWSError(code: "InternalFailure", message: "boom", statusCode: 500)
        client.respondToNextCalls([.fail(boom), .throttle])
        client.respond(.accept, toCall: 3)
        let datum = MetricDatum(metricName: "A")
        await #expect(throws: AWSError.self) { try await client.putMetricData(namespace: "N", metricData: [datum]) }
        await #expect(throws: RecordingCloudWatchClient.throttlingError) {
            try await client.putMetricData(namespace: "N", metricData: [datum])
        }
        try await client.putMetricData(namespace: "N", metricData: [datum])
        #expect(client.requests.map(\.accepted) == [false, false, true])
        #expect(client.datums == [datum])
    }

    @Test("a hanging call ends with the shutdown deadline, counted as dropped")
    func hang() async throws {
        let client = RecordingCloudWatchClient()
        client.respond(.hang, toCall: 1)
        let sink = CloudWatchSink(region: "us-east-1", clientFactory: { client })
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: sink, shutdownTimeout: .milliseconds(300),
                                     configuration: .init(observer: observer))
        try await manager.start()
        manager.counter("Requests").increment()
        try await manager.shutdown()
        #expect(observer.outcomeUnknown == 1 && observer.dropped.isEmpty)
        #expect(client.requests.count == 1)
        #expect(client.datums.isEmpty)
        // In flight at the deadline: the server may have it, so not "dropped".
        #expect(manager.stats()[sink: "cloudwatch"]?.dropped == [:])
        #expect(manager.stats()[sink: "cloudwatch"]?.unknownOutcome == 1)
    }
}
