import CWMHTTPTestSupport
import AWSCore
import EMFSink
import Foundation
import MetricsCore
import CloudWatchMetricsTestKit
import CWMTestSupport
import Testing

/// EMF end to end: MetricsManager -> EMFSink -> PutLogEvents (SigV4 as
/// `logs`) -> the server; then the events read back with boto3.
@Suite("EMF through CloudWatch Logs end to end", .enabled(if: TestEnvironment.runs(IntegrationTarget.available), "needs a server: run scripts/test.sh"), .timeLimit(.minutes(3)))
struct EMFIntegrationTests {
    let target: IntegrationTarget
    init() throws { target = try IntegrationTarget.require() }

    private func sink(group: String, secret: String? = nil, endpoint: URL? = nil) -> EMFSink {
        EMFSink(namespace: "EMFIntegration",
                destination: .cloudWatchLogs(logGroup: group, logStream: "host-1", region: "us-east-1",
                                             endpoint: endpoint ?? target.endpoint, verifySSL: true,
                                             accessKeyId: target.accessKeyId,
                                             secretAccessKey: secret ?? target.secretAccessKey, sessionToken: nil),
                defaultDimensions: [[]],
                options: .init(retryPolicy: RetryPolicy(quota: nil, random: { 0 }), environment: [:]))
    }

    @Test("the sink creates the group and stream, puts the documents, and GetLogEvents returns them intact")
    func roundTrip() async throws {
        let group = "/\(IntegrationTarget.freshNamespace("emf"))/metrics"
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: sink(group: group), configuration: .init(observer: observer))
        try await manager.start()
        manager.counter("Requests", dimensions: [("stream", "orders"), ("host", "web-1")]).increment(by: 7)
        let latency = manager.histogram("Latency", dimensions: [("stream", "orders"), ("host", "web-1")], unit: .milliseconds)
        for value in [10.0, 20.0, 30.0] { latency.record(value) }
        manager.gauge("Pending").set(42)
        try await manager.shutdown()
        #expect(observer.dropped.isEmpty, "\(observer.all)")
        #expect(manager.stats()[sink: "emf"]?.exported == 3)

        let events = try await target.logEvents(group: group, stream: "host-1")
        #expect(events.count == 2)
        var documents: [String: [String: Any]] = [:]
        for event in events {
            #expect(EMFSchema.problems(Array(event.message.utf8)).isEmpty, "\(event.message)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(event.message.utf8)) as? [String: Any])
            let aws = try #require(document["_aws"] as? [String: Any])
            #expect((aws["Timestamp"] as? NSNumber)?.int64Value == event.timestamp)
            for key in document.keys where key != "_aws" { documents[key] = document }
        }
        let requests = try #require(documents["Requests"]?["Requests"] as? [String: Any])
        #expect(requests["Sum"] as? Int == 7 && requests["Count"] as? Int == 7)
        #expect(documents["Requests"]?["StreamName"] as? String == "orders")
        let latencyValue = try #require(documents["Latency"]?["Latency"] as? [String: Any])
        #expect(latencyValue["Count"] as? Int == 3 && latencyValue["Sum"] as? Int == 60)
        #expect((latencyValue["Values"] as? [Any])?.count == 3)
        let pending = try #require(documents["Pending"]?["Pending"] as? [String: Any])
        #expect(pending["Max"] as? Int == 42)
    }

    @Test("a wrong secret gives SignatureDoesNotMatch, shows no secret, and drops only by the retry policy's word",
          .enabled(if: TestEnvironment.runs(IntegrationTarget.enforcesSignatures), "the server must check signatures"))
    func wrongSecret() async throws {
        let group = "/\(IntegrationTarget.freshNamespace("emf-wrong"))/metrics"
        let wrong = "wrong-" + String(target.secretAccessKey.dropFirst(6))
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: sink(group: group, secret: wrong),
                                     configuration: .init(observer: observer))
        try await manager.start()
        manager.counter("Denied").increment()
        try await manager.shutdown()
        let failures = observer.exportFailures.compactMap { $0 as? AWSError }
        #expect(failures.count == 1)
        #expect(failures.allSatisfy { $0.code == "SignatureDoesNotMatch" && $0.statusCode == 403 })
        #expect(failures.allSatisfy { !"\($0)".contains(wrong) && !"\($0)".contains(target.secretAccessKey) })
        // Not retryable: the standard policy gives up at once, and says so.
        #expect(observer.retries == 0)
        #expect(manager.stats()[sink: "emf"]?.dropped == [.nonRetryableError: 1])
    }
}
