import AWSCore
@testable import CloudWatchSink
import Foundation
import CWMLocking
import MetricsCore
import Sinks
import Testing
import CloudWatchMetricsTestKit

@Suite("CloudWatchSink with a fake client", .timeLimit(.minutes(3)))
struct CloudWatchSinkTests {
    @Test("Options keep only the environment keys the sink reads, and printing, dumping or mirroring them shows no secret")
    func optionsRedacted() {
        let options = CloudWatchSink.Options(environment: ["AWS_SECRET_ACCESS_KEY": "SECRET-ENV-1", "AWS_SESSION_TOKEN": "SECRET-ENV-2", "HTTPS_PROXY": "http://u:SECRET-ENV-3@proxy:3128", "PATH": "/bin"])
        var dumped = ""
        dump(options, to: &dumped)
        for text in ["\(options)", String(reflecting: options), dumped, "\(Mirror(reflecting: options).children.map(\.value))"] {
            for secret in ["SECRET-ENV-1", "SECRET-ENV-2", "SECRET-ENV-3"] { #expect(!text.contains(secret), "\(text)") }
            #expect(text.contains("AWS_SECRET_ACCESS_KEY"), "the key is shown by its name")
        }
        #expect(options.environment["PATH"] == nil, "not a key the sink reads")
    }

    @Test("the contract's constructor compiles and defaults to the original's namespace")
    func contract() {
        let sink = CloudWatchSink(
            region: "us-east-1",
            namespace: "MyService",
            endpoint: URL(string: "http://127.0.0.1:4566"),
            verifySSL: true,
            accessKeyId: nil, secretAccessKey: nil, sessionToken: nil,
            clientFactory: nil
        )
        _ = MetricsManager(level: .detailed, sink: sink)
        #expect(CloudWatchSink(region: "us-east-1").namespace == "aiokpl")
        #expect(sink.description == "CloudWatchSink(name: cloudwatch, namespace: MyService, region: us-east-1, "
                + "endpoint: http://127.0.0.1:4566, credentials: default chain)")
    }

    @Test("datums: the original's names and statistics, plus timestamp, unit and resolution")
    func datumShape() async throws {
        let client = recordingClient()
        let sink = sink(client)
        try await sink.export([
            snapshot(dimensions: [("stream", "s1"), ("shard", "shardId-000000000001"), ("error_code", "E1"), ("host", "a")]),
            snapshot("Latency", kind: .histogram, unit: .milliseconds, count: 2, sum: 3, min: 1, max: 2),
        ])
        let datums = try #require(client.delivered.first)
        #expect(datums[0].metricName == "UserRecordsPut")
        #expect(datums[0].dimensions.map(\.name) == ["StreamName", "ShardId", "ErrorCode", "host"])
        #expect(datums[0].dimensions.map(\.value) == ["s1", "shardId-000000000001", "E1", "a"])
        #expect(datums[0].statisticValues == .init(sampleCount: 3, sum: 6, minimum: 1, maximum: 3))
        #expect(datums[0].timestamp == windowEnd)
        #expect(datums[0].unit == nil)
        #expect(datums[0].storageResolution == 60)
        #expect(datums[1].unit == "Milliseconds")
        #expect(client.requests.first?.namespace == "MyService")
    }

    @Test("dimension names are configurable")
    func customNames() async throws {
        let client = recordingClient()
        let sink = CloudWatchSink(region: "us-east-1", clientFactory: { client },
                                  options: .init(dimensionNames: ["stream": "Stream"]))
        try await sink.export([snapshot(dimensions: [("stream", "s1"), ("shard", "x")])])
        #expect(client.delivered.first?.first?.dimensions.map(\.name) == ["Stream", "shard"])
    }

    @Test("at most 1000 datums per request", arguments: [(999, [999]), (1000, [1000]), (1001, [1000, 1]), (2500, [1000, 1000, 500])])
    func chunkCounts(datums: Int, expected: [Int]) async throws {
        let client = recordingClient()
        try await sink(client).export((0..<datums).map { snapshot(dimensions: [("series", "s\($0)")]) })
        #expect(client.delivered.map(\.count) == expected)
        // Order is kept across requests.
        #expect(client.delivered.flatMap { $0 }.map { $0.dimensions[0].value } == (0..<datums).map { "s\($0)" })
    }

    @Test("bodies near 1 MB are split by measured size, in both protocols", arguments: CloudWatchProtocol.allCases)
    func byteLimit(wireProtocol: CloudWatchProtocol) async throws {
        let client = recordingClient()
        let wide = (0..<30).map { ("Dim\($0)", String(repeating: "v", count: 1000)) }
        let snapshots = (0..<100).map { snapshot(dimensions: [("series", "s\($0)")] + wide.dropLast()) }
        try await sink(client, wireProtocol: wireProtocol).export(snapshots)
        let calls = client.requests
        #expect(calls.count >= 3)
        for call in calls {
            let body = try #require(call.body)
            #expect(body.count <= 1_000_000)
            // The chunker's body is the encoder's body for these datums.
            var reference = PutMetricDataBody(protocol: wireProtocol, namespace: "MyService")
            call.datums.forEach { reference.append($0) }
            #expect(reference.finished() == body)
        }
        // Full requests are close to the limit: the size is measured, not guessed.
        #expect(calls.dropLast().allSatisfy { $0.body!.count > 900_000 })
        #expect(calls.reduce(0) { $0 + $1.datums.count } == 100)
    }

    @Test("histograms become Values/Counts, at most 150 pairs per datum")
    func histogramSplitting() async throws {
        let client = recordingClient()
        let buckets = (0..<400).map { MetricSnapshot.Bucket(value: Double($0) + 0.5, count: $0 % 3 + 1) }
        let total = buckets.reduce(0) { $0 + $1.count }
        try await sink(client).export([snapshot("Latency", dimensions: [("stream", "s1")], count: total,
                                               distribution: buckets)])
        let datums = try #require(client.delivered.first)
        #expect(datums.map(\.values.count) == [150, 150, 100])
        #expect(datums.allSatisfy { $0.statisticValues == nil && $0.values.count == $0.counts.count })
        #expect(datums.allSatisfy { $0.metricName == "Latency" && $0.dimensions == [.init(name: "StreamName", value: "s1")] })
        #expect(datums.flatMap(\.counts).reduce(0, +) == Double(total))
        #expect(datums.flatMap(\.values) == buckets.map(\.value))

        let exact = CloudWatchSink(region: "us-east-1", clientFactory: { client },
                                   options: .init(histogramEncoding: .statisticSet))
        let statisticsClient = client
        try await exact.export([snapshot("Latency", count: 5, sum: 10, min: 1, max: 3, distribution: [.init(value: 2, count: 5)])])
        #expect(statisticsClient.delivered.last?.first?.statisticValues == .init(sampleCount: 5, sum: 10, minimum: 1, maximum: 3))
    }

    @Test("invalid snapshots are rejected one by one with a typed reason; the rest is sent")
    func validation() async throws {
        let client = recordingClient()
        let cases: [(MetricSnapshot, MetricDatumValidationError)] = [
            (snapshot(sum: .nan), .nonFiniteValue(field: "Sum")),
            (snapshot(max: .infinity), .nonFiniteValue(field: "Maximum")),
            (snapshot(sum: 1e200), .valueOutOfRange(field: "Sum", value: 1e200)),
            (snapshot(dimensions: (0..<31).map { ("d\($0)", "v") }), .tooManyDimensions(count: 31)),
            (snapshot(""), .emptyMetricName),
            (snapshot(String(repeating: "m", count: 256)), .metricNameTooLong(length: 256)),
            (snapshot(dimensions: [("", "v")]), .emptyDimensionName),
            (snapshot(dimensions: [("k", "")]), .emptyDimensionValue(dimension: "k")),
            (snapshot(dimensions: [(String(repeating: "k", count: 256), "v")]), .dimensionNameTooLong(dimension: String(repeating: "k", count: 255), length: 256)),
            (snapshot(dimensions: [("k", String(repeating: "v", count: 1025))]), .dimensionValueTooLong(dimension: "k", length: 1025)),
            (snapshot(dimensions: [("k", "café")]), .nonASCIIDimension(dimension: "k")),
            (snapshot(dimensions: [("k", "a\tb")]), .controlCharacterInDimension(dimension: "k")),
            (snapshot(dimensions: [("k", "   ")]), .blankDimension(dimension: "k")),
            (snapshot(dimensions: [(":k", "v")]), .dimensionNameStartsWithColon(dimension: ":k")),
            (snapshot(dimensions: [("stream", "a"), ("StreamName", "b")]), .duplicateDimension(dimension: "StreamName")),
            (snapshot(unit: MetricUnit(rawValue: "Furlongs")), .unsupportedUnit("Furlongs")),
            (snapshot(count: 0), .noObservations),
        ]
        let valid = [snapshot("Good1"), snapshot("Good2", dimensions: [("k", "a b/c+d=e~f%g&h")])]
        let rejected = try await exportCollectingRejections(sink(client), cases.map(\.0) + valid)
        #expect(rejected.count == cases.count)
        for ((_, expected), (_, error)) in zip(cases, rejected) {
            #expect(error as? MetricDatumValidationError == expected)
        }
        #expect(client.delivered.flatMap { $0 }.map(\.metricName) == ["Good1", "Good2"])
        // Tiny magnitudes are sent as 0 instead of being rejected.
        try await sink(client).export([snapshot("Tiny", sum: 1e-200, min: 1e-200, max: 1e-200)])
        #expect(client.delivered.last?.first?.statisticValues?.sum == 0)
    }

    @Test("a namespace CloudWatch would refuse fails start() and every export")
    func namespaces() async throws {
        for bad in ["AWS/EC2", ":custom", "", "caf\u{e9}", String(repeating: "n", count: 256)] {
            let sink = sink(recordingClient(), namespace: bad)
            await #expect(throws: CloudWatchSinkError.self) { try await sink.start() }
            await #expect(throws: CloudWatchSinkError.self) { try await sink.export([snapshot()]) }
        }
        #expect(CloudWatchSink(region: "us-east-1", options: .init(storageResolution: 5)).name == "cloudwatch")
        await #expect(throws: CloudWatchSinkError.invalidStorageResolution(5)) {
            try await CloudWatchSink(region: "us-east-1", clientFactory: { recordingClient() },
                                     options: .init(storageResolution: 5)).start()
        }
        await #expect(throws: CredentialsError.incompleteKeys) {
            try await CloudWatchSink(region: "us-east-1", accessKeyId: "AKID").start()
        }
        await #expect(throws: EndpointError.missingRegion(service: "monitoring")) {
            try await CloudWatchSink(options: .init(environment: ["HOME": "/nonexistent"])).start()
        }
    }

    @Test("a failed request after successful ones leaves only the undelivered snapshots for the retry")
    func partialFailure() async throws {
        let throttled = AWSError(code: "Throttling", message: "Rate exceeded", statusCode: 400)
        let client = recordingClient(failures: [2: throttled])
        let snapshots = (0..<2500).map { snapshot(dimensions: [("series", "s\($0)")]) }
        do {
            try await sink(client).export(snapshots)
            Issue.record("expected a partial failure")
        } catch let partial as PartialExportError {
            #expect(partial.remaining.count == 1500)
            #expect(partial.remaining.first?.dimensions.first?.1 == "s1000")
            #expect(partial.underlying as? AWSError == throttled)
        }
    }

    @Test("through a manager: a throttled request is retried without duplicating what was delivered")
    func retriedThroughManager() async throws {
        let throttled = AWSError(code: "Throttling", message: "Rate exceeded", statusCode: 400)
        let client = recordingClient(failures: [2: throttled])
        let observer = RecordingObserver()
        let sink = CloudWatchSink(region: "us-east-1", clientFactory: { client },
                                  options: .init(retryPolicy: RetryPolicy(quota: nil, random: { 0 })))
        let manager = MetricsManager(level: .detailed, sink: sink,
                                     configuration: .init(batching: BatchingConfig(maxBatchSize: 2500), observer: observer))
        try await manager.start()
        for index in 0..<2500 { manager.counter("Requests", dimensions: [("series", "s\(index)")]).increment() }
        try await manager.shutdown()
        let delivered = client.delivered.flatMap { $0 }.map { $0.dimensions[0].value }
        #expect(delivered.count == 2500)
        #expect(Set(delivered).count == 2500)
        #expect(observer.retries == 1)
        #expect(manager.stats()[sink: "cloudwatch"]?.exported == 2500)
    }

    @Test("batches go out 4 at a time by default (1 at least), each series once, whatever order they finish in")
    func concurrentBatches() async throws {
        #expect(CloudWatchSink(region: "us-east-1").maxConcurrentExports == 4)
        #expect(CloudWatchSink(region: "us-east-1", options: .init(maxConcurrentExports: 0)).maxConcurrentExports == 1)
        let client = RecordingCloudWatchClient()
        let manager = MetricsManager(level: .detailed, sink: sink(client))
        try await manager.start()
        for index in 0..<5000 { manager.counter("Requests", dimensions: [("series", "s\(index)")]).increment() }
        try await manager.shutdown()
        #expect(client.requests.count == 5)
        let delivered = client.delivered.flatMap { $0 }.map { $0.dimensions[0].value }
        #expect(delivered.count == 5000 && Set(delivered).count == 5000)
        #expect(manager.stats()[sink: "cloudwatch"]?.exported == 5000)
    }

    @Test("one request refused for good drops only its own snapshots; the others are still sent")
    func refusedChunk() async throws {
        let refused = AWSError(code: "InvalidParameterValue", message: "no", statusCode: 400)
        let client = recordingClient(failures: [1: refused])
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: sink(client),
                                     configuration: .init(batching: BatchingConfig(maxBatchSize: 2500), observer: observer))
        try await manager.start()
        for index in 0..<2500 { manager.counter("Requests", dimensions: [("series", "s\(index)")]).increment() }
        try await manager.shutdown()
        #expect(client.requests.count == 3)
        #expect(client.delivered.flatMap { $0 }.count == 1500)
        let stats = try #require(manager.stats()[sink: "cloudwatch"])
        #expect(stats.exported == 1500)
        #expect(stats.dropped == [.nonRetryableError: 1000])
        #expect(observer.exportFailures.compactMap { $0 as? AWSError } == [refused])
        #expect(observer.retries == 0)
    }

    @Test("a refusal that every request would meet (403) stops the export at once")
    func refusedAuthorisation() async throws {
        let denied = AWSError(code: "AccessDenied", message: "no", statusCode: 403)
        let client = recordingClient(failures: [1: denied])
        let manager = MetricsManager(level: .detailed, sink: sink(client),
                                     configuration: .init(batching: BatchingConfig(maxBatchSize: 2500)))
        try await manager.start()
        for index in 0..<2500 { manager.counter("Requests", dimensions: [("series", "s\(index)")]).increment() }
        try await manager.shutdown()
        #expect(client.requests.count == 1)
        #expect(manager.stats()[sink: "cloudwatch"]?.dropped == [.nonRetryableError: 2500])
    }

    @Test("a request that succeeds on a retry refunds the retry's cost to the quota")
    func quotaRefund() async throws {
        let quota = RetryQuota()
        let throttled = AWSError(code: "Throttling", message: "Rate exceeded", statusCode: 400)
        let client = recordingClient(failures: [1: throttled])
        let sink = CloudWatchSink(region: "us-east-1", clientFactory: { client },
                                  options: .init(retryPolicy: RetryPolicy(quota: quota, random: { 0 })))
        let manager = MetricsManager(level: .detailed, sink: sink)
        try await manager.start()
        manager.counter("Requests").increment()
        try await manager.shutdown()
        #expect(client.delivered.count == 1)
        // 500, less 5 for the retry, plus 5 back for its success (not 1, as for a first try).
        #expect(quota.available == 500)
    }

    @Test("validation rejections reach the manager's observer and stats")
    func rejectionsThroughManager() async throws {
        let client = recordingClient()
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: sink(client), configuration: .init(observer: observer))
        try await manager.start()
        manager.counter("Requests", dimensions: [("stream", "ok")]).increment()
        manager.counter("Requests", dimensions: [("stream", "tōkyō")]).increment()
        try await manager.shutdown()
        #expect(client.delivered.flatMap { $0 }.map { $0.dimensions[0].value } == ["ok"])
        #expect(manager.stats()[sink: "cloudwatch"]?.dropped == [.invalidDatum: 1])
        #expect(manager.stats()[sink: "cloudwatch"]?.exported == 1)
        let reasons = observer.datumRejections.compactMap { $0 as? MetricDatumValidationError }
        #expect(reasons == [.nonASCIIDimension(dimension: "StreamName")])
        #expect(observer.rejectedDatums.map(\.metric) == ["Requests"])
    }

    @Test("the retry policy: throttling and 5xx retried, rejections and credential problems not")
    func retryDecisions() {
        let policy = RetryPolicy(quota: nil, random: { 0 })
        #expect(policy.decision(afterAttempt: 1, error: AWSError(code: "Throttling", message: "", statusCode: 400)) == .retry(after: .zero))
        #expect(policy.decision(afterAttempt: 1, error: AWSError(code: "HTTP503", message: "", statusCode: 503)) == .retry(after: .zero))
        #expect(policy.decision(afterAttempt: 3, error: AWSError(code: "HTTP503", message: "", statusCode: 503)) == .exhausted)
        #expect(policy.decision(afterAttempt: 1, error: AWSError(code: "InvalidParameterValue", message: "", statusCode: 400)) == .notRetryable)
        #expect(policy.decision(afterAttempt: 1, error: CredentialsError.noCredentials(tried: [])) == .notRetryable)
        #expect(policy.decision(afterAttempt: 1, error: HTTPTransportError.connectionFailed("refused")) == .retry(after: .zero))
    }

    @Test("with no credentials anywhere, the failure says what was tried and is not retried")
    func noCredentials() async throws {
        let observer = RecordingObserver()
        let environment = ["HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"]
        let sink = CloudWatchSink(region: "us-east-1", endpoint: URL(string: "http://127.0.0.1:9"),
                                  options: .init(environment: environment))
        let manager = MetricsManager(level: .detailed, sink: sink, configuration: .init(observer: observer))
        try await manager.start()
        manager.counter("Requests").increment()
        try await manager.shutdown()
        let failure = observer.exportFailures.first.map { "\($0)" }
        #expect(failure?.contains("no credentials found: tried environment") == true)
        #expect(manager.stats()[sink: "cloudwatch"]?.dropped == [.nonRetryableError: 1])
    }
}
