import CWMHTTPTestSupport
import AWSCore
import CloudWatchSink
import Foundation
import MetricsCore
import Testing
import CloudWatchMetricsTestKit

/// End to end against a real AWS-compatible server (moto with signatures
/// enforced, from scripts/test.sh): MetricsManager -> CloudWatchSink ->
/// SigV4 -> HTTP -> server; then read back with boto3.
@Suite("CloudWatch end to end", .enabled(if: TestEnvironment.runs(IntegrationTarget.available), "needs a server: run scripts/test.sh"), .timeLimit(.minutes(3)))
struct CloudWatchIntegrationTests {
    let target: IntegrationTarget
    init() throws { target = try IntegrationTarget.require() }

    @Test("known values read back exactly, with the original's dimension names", arguments: CloudWatchProtocol.allCases)
    func roundTrip(wireProtocol: CloudWatchProtocol) async throws {
        let namespace = IntegrationTarget.freshNamespace("roundtrip-\(wireProtocol)")
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: target.sink(namespace: namespace, wireProtocol: wireProtocol),
                                     configuration: .init(observer: observer))
        try await manager.start()
        for value in [10.0, 20.0, 30.0] {
            manager.put(KPLMetricName.requestTime, value, stream: "orders", shardId: "shardId-000000000001")
        }
        manager.put(KPLMetricName.errorsByCode, 1, stream: "orders", errorCode: "ProvisionedThroughputExceeded")
        manager.counter("Requests", dimensions: [("stream", "orders"), ("host", "web-1")]).increment(by: 7)
        manager.gauge(KPLMetricName.userRecordsPending).set(42)
        try await manager.flush()
        try await manager.shutdown()
        #expect(observer.dropped.isEmpty, "\(observer.all)")

        let requestTime = try await target.statistics(
            namespace: namespace, metric: "RequestTime",
            dimensions: [("StreamName", "orders"), ("ShardId", "shardId-000000000001")])
        #expect(requestTime == .init(sampleCount: 3, sum: 60, minimum: 10, maximum: 30))
        let errors = try await target.statistics(
            namespace: namespace, metric: "ErrorsByCode",
            dimensions: [("StreamName", "orders"), ("ErrorCode", "ProvisionedThroughputExceeded")])
        #expect(errors == .init(sampleCount: 1, sum: 1, minimum: 1, maximum: 1))
        let requests = try await target.statistics(
            namespace: namespace, metric: "Requests", dimensions: [("StreamName", "orders"), ("host", "web-1")])
        #expect(requests == .init(sampleCount: 7, sum: 7, minimum: 1, maximum: 1))
        let pending = try await target.statistics(namespace: namespace, metric: "UserRecordsPending", dimensions: [])
        #expect(pending == .init(sampleCount: 1, sum: 42, minimum: 42, maximum: 42))
    }

    @Test("2,500 series with reserved characters: several signed, gzipped requests, all accepted")
    func manySeries() async throws {
        let namespace = IntegrationTarget.freshNamespace("many")
        let observer = RecordingObserver()
        // LocalStack can need more than the default 30 s deadline for three requests of 1,000 datums.
        let manager = MetricsManager(level: .detailed, sink: target.sink(namespace: namespace),
                                     shutdownTimeout: target.isLocalStack ? .seconds(90) : .seconds(30),
                                     configuration: .init(batching: BatchingConfig(maxBatchSize: 2500), observer: observer))
        try await manager.start()
        let reserved = "a b/c+d=e~f%g&h"
        for index in 0..<2500 {
            manager.counter("Series", dimensions: [("stream", "\(reserved)-\(index)"), ("shard", "shardId-\(index % 8)")])
                .increment(by: index % 5 + 1)
        }
        try await manager.shutdown()
        let stats = try #require(manager.stats()[sink: "cloudwatch"])
        #expect(stats.exported == 2500)
        #expect(stats.totalDropped == 0, "\(observer.all)")
        if !target.isLocalStack {
            let listed = try await target.metrics(namespace: namespace)
            #expect(listed.count == 2500)
            #expect(Set(listed.map { $0.1[0].1 }) == Set((0..<2500).map { "\(reserved)-\($0)" }))
        }
        for index in [0, 999, 1000, 2499] {
            let series = try await target.statistics(namespace: namespace, metric: "Series",
                                                     dimensions: [("StreamName", "\(reserved)-\(index)"),
                                                                  ("ShardId", "shardId-\(index % 8)")])
            #expect(series?.sum == Double(index % 5 + 1), "series \(index)")
        }
        let one = try await target.statistics(namespace: namespace, metric: "Series",
                                              dimensions: [("StreamName", "\(reserved)-1234"), ("ShardId", "shardId-2")])
        #expect(one?.sum == 5)
    }

    @Test("30 dimensions with reserved characters", arguments: CloudWatchProtocol.allCases)
    func thirtyDimensions(wireProtocol: CloudWatchProtocol) async throws {
        let namespace = IntegrationTarget.freshNamespace("wide-\(wireProtocol)")
        let dimensions = (0..<30).map { ("Dim\($0)", "v\($0) " + ["/", "+", "=", "~", "%", "&"][$0 % 6] + "x") }
        let manager = MetricsManager(level: .detailed, sink: target.sink(namespace: namespace, wireProtocol: wireProtocol))
        try await manager.start()
        manager.histogram("Wide", dimensions: dimensions, distribution: false).record(2.5)
        try await manager.shutdown()
        #expect(manager.stats()[sink: "cloudwatch"]?.exported == 1)
        let read = try await target.statistics(namespace: namespace, metric: "Wide", dimensions: dimensions)
        #expect(read == .init(sampleCount: 1, sum: 2.5, minimum: 2.5, maximum: 2.5))
    }

    @Test("temporary credentials: the session token is signed and verified",
          .enabled(if: TestEnvironment.runs(IntegrationTarget.current?.session != nil), "needs assumed-role credentials"))
    func sessionToken() async throws {
        let namespace = IntegrationTarget.freshNamespace("session")
        let good = MetricsManager(level: .detailed, sink: target.sink(namespace: namespace, session: true))
        try await good.start()
        good.put("WithToken", 3)
        try await good.shutdown()
        #expect(good.stats()[sink: "cloudwatch"]?.exported == 1)
        #expect(try await target.statistics(namespace: namespace, metric: "WithToken", dimensions: [])?.sum == 3)

        let observer = RecordingObserver()
        let bad = MetricsManager(level: .detailed, sink: target.sink(namespace: namespace, session: true, sessionToken: "forged-token"),
                                 configuration: .init(observer: observer))
        try await bad.start()
        bad.put("WithToken", 3)
        try await bad.shutdown()
        let failures = observer.exportFailures.compactMap { $0 as? AWSError }
        #expect(failures.map(\.code) == ["InvalidClientTokenId"])
        #expect(bad.stats()[sink: "cloudwatch"]?.dropped == [.nonRetryableError: 1])
    }

    @Test("a non-ASCII dimension value is rejected and reported; the rest of its batch arrives")
    func nonASCII() async throws {
        let namespace = IntegrationTarget.freshNamespace("ascii")
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: target.sink(namespace: namespace),
                                     configuration: .init(observer: observer))
        try await manager.start()
        for index in 0..<10 { manager.counter("Batch", dimensions: [("stream", "s\(index)")]).increment() }
        manager.counter("Batch", dimensions: [("stream", "東京")]).increment()
        try await manager.shutdown()
        let listed = try await target.metrics(namespace: namespace)
        #expect(Set(listed.map { $0.1[0].1 }) == Set((0..<10).map { "s\($0)" }))
        #expect(manager.stats()[sink: "cloudwatch"]?.dropped == [.invalidDatum: 1])
        #expect(manager.stats()[sink: "cloudwatch"]?.exported == 10)
        let rejected = observer.datumRejections.compactMap { $0 as? MetricDatumValidationError }
        #expect(rejected == [.nonASCIIDimension(dimension: "StreamName")])
    }

    @Test("a wrong secret fails with a clear error that shows no secret, and nothing crashes",
          .enabled(if: TestEnvironment.runs(IntegrationTarget.enforcesSignatures), "the server must check signatures"))
    func wrongSecret() async throws {
        let namespace = IntegrationTarget.freshNamespace("wrong")
        let wrong = "wrong-" + String(target.secretAccessKey.dropFirst(6))
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: target.sink(namespace: namespace, secret: wrong),
                                     configuration: .init(observer: observer))
        try await manager.start()
        manager.put("Denied", 1)
        try await manager.flush()
        manager.put("Denied", 2)
        try await manager.shutdown()
        let failures = observer.exportFailures.compactMap { $0 as? AWSError }
        #expect(failures.count == 2)
        #expect(failures.allSatisfy { $0.code == "SignatureDoesNotMatch" && $0.statusCode == 403 })
        #expect(failures.allSatisfy { !"\($0)".contains(wrong) && !"\($0)".contains(target.secretAccessKey) })
        #expect(manager.stats()[sink: "cloudwatch"]?.dropped == [.nonRetryableError: 2])
        #expect(try await target.metrics(namespace: namespace).isEmpty)
    }

    @Test("parity with the Python original: the same snapshots read back as the same datums",
          .enabled(if: TestEnvironment.runs(IntegrationTarget.current?.python != nil), "needs the test virtualenv"))
    func parityWithOriginal() async throws {
        let start = Date()
        let snapshots: [MetricSnapshot] = [
            ("UserRecordsPut", [("stream", "orders"), ("shard", "shardId-000000000001")], 12, 12.0, 1.0, 1.0),
            ("UserRecordsDataPut", [("stream", "orders")], 4, 4096.5, 512.25, 2048.0),
            ("ErrorsByCode", [("stream", "orders"), ("error_code", "InternalFailure")], 2, 2.0, 1.0, 1.0),
            ("BufferedTime", [("stream", "orders"), ("host", "web 1/a+b")], 5, 0.3333333333333333, -2.5, 7.75),
            ("AllErrors", [], 1, 1.0, 1.0, 1.0),
        ].map { name, dimensions, count, sum, min, max in
            MetricSnapshot(name: name, kind: .histogram, dimensions: dimensions, windowStart: start, windowEnd: start,
                           count: count, sum: sum, min: min, max: max)
        }
        let python = IntegrationTarget.freshNamespace("parity-python")
        let swift = IntegrationTarget.freshNamespace("parity-swift")
        try await target.aiokplExport(namespace: python, snapshots: snapshots)
        try await target.sink(namespace: swift).export(snapshots)

        let theirs = try await target.metrics(namespace: python)
        let ours = try await target.metrics(namespace: swift)
        func keys(_ listed: [(String, [(String, String)])]) -> [String] {
            listed.map { "\($0.0){\($0.1.map { "\($0.0)=\($0.1)" }.joined(separator: ","))}" }.sorted()
        }
        #expect(keys(theirs) == keys(ours))
        #expect(keys(ours).count == snapshots.count)
        for (name, dimensions) in ours {
            let a = try await target.statistics(namespace: python, metric: name, dimensions: dimensions)
            let b = try await target.statistics(namespace: swift, metric: name, dimensions: dimensions)
            #expect(a != nil)
            #expect(a == b, "\(name) \(dimensions)")
        }
    }
}
