import AWSCore
import EMFSink
import Foundation
import CWMHTTPTestSupport
import CWMLocking
import MetricsCore
import CloudWatchMetricsTestKit
import CWMTestSupport
import MetricsCoreTestKit
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("EMFSink", .timeLimit(.minutes(2)))
struct EMFSinkTests {
    @Test("Options keep only the environment keys the sink reads, and printing, dumping or mirroring them shows no secret")
    func optionsRedacted() {
        let options = EMFSink.Options(credentialProvider: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKID", secretAccessKey: "SECRET-KEY")), environment: ["AWS_SECRET_ACCESS_KEY": "SECRET-ENV-1", "AWS_SESSION_TOKEN": "SECRET-ENV-2", "HTTPS_PROXY": "http://u:SECRET-ENV-3@proxy:3128", "PATH": "/bin"])
        var dumped = ""
        dump(options, to: &dumped)
        for text in ["\(options)", String(reflecting: options), dumped, "\(Mirror(reflecting: options).children.map(\.value))"] {
            for secret in ["SECRET-ENV-1", "SECRET-ENV-2", "SECRET-ENV-3", "SECRET-KEY"] { #expect(!text.contains(secret), "\(text)") }
            #expect(text.contains("AWS_SECRET_ACCESS_KEY"), "the key is shown by its name")
        }
        #expect(options.environment["PATH"] == nil, "not a key the sink reads")
    }

    @Test("a malformed endpoint fails start() with a typed error before any request")
    func malformedEndpoint() async throws {
        let sink = EMFSink(namespace: "EMF",
                           destination: .cloudWatchLogs(logGroup: "/emf/malformed", logStream: "host-1", region: "us-east-1",
                                                        endpoint: URL(string: "ftp://127.0.0.1:1"), verifySSL: true,
                                                        accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: nil),
                           options: .init(environment: [:]))
        await #expect(throws: EndpointError.self) { try await sink.start() }
    }

    @Test("the issue's constructors compile; description names the destination, never a secret")
    func contract() throws {
        let lambda = EMFSink(namespace: "MyService", destination: .standardOutput)
        let logs = EMFSink(namespace: "MyService",
                           destination: .cloudWatchLogs(logGroup: "/my-app/metrics", logStream: "host-1",
                                                        region: "us-east-1", endpoint: nil, verifySSL: true,
                                                        accessKeyId: "AKID", secretAccessKey: "SECRET-KEY", sessionToken: "TOKEN"),
                           defaultDimensions: [["ServiceName"]])
        let file = EMFSink(namespace: "MyService", destination: .fileHandle(FileHandle.standardError))
        _ = MetricsManager(level: .detailed, sinks: [logs])
        #expect(lambda.name == "emf" && file.namespace == "MyService")
        for text in ["\(logs)", String(reflecting: logs), "\(Mirror(reflecting: logs).children.map(\.value))"] {
            #expect(!text.contains("SECRET-KEY") && !text.contains("TOKEN"))
            #expect(text.contains("/my-app/metrics"))
        }
    }

    @Test("a bad configuration fails start() with a typed error")
    func configuration() async {
        let cases: [(EMFSink, EMFSinkError)] = [
            (EMFSink(namespace: "AWS/Lambda"), .invalidNamespace("AWS/Lambda", reason: "the AWS/ prefix is reserved for AWS services")),
            (EMFSink(options: .init(storageResolution: 5)), .invalidStorageResolution(5)),
            (EMFSink(defaultDimensions: [(0..<31).map { "k\($0)" }]), .invalidDimensionSet((0..<31).map { "k\($0)" }, reason: "31 keys (at most 30)")),
            (EMFSink(destination: .cloudWatchLogs(logGroup: "bad group!", logStream: "s", region: "us-east-1")),
             .invalidLogName("bad group!", reason: "a log group name is 1 to 512 of A-Z a-z 0-9 . - _ / #")),
            (EMFSink(destination: .cloudWatchLogs(logGroup: "g", logStream: "a:b", region: "us-east-1")),
             .invalidLogName("a:b", reason: "a log stream name is 1 to 512 characters, without : or *")),
        ]
        for (sink, expected) in cases {
            await #expect(throws: expected) { try await sink.start() }
        }
        // Region and keys fail as they do for every sink that talks to AWS.
        await #expect(throws: CredentialsError.incompleteKeys) {
            try await EMFSink(destination: .cloudWatchLogs(logGroup: "g", logStream: "s", region: "us-east-1",
                                                           accessKeyId: "AKID")).start()
        }
        await #expect(throws: EndpointError.missingRegion(service: "logs")) {
            try await EMFSink(destination: .cloudWatchLogs(logGroup: "g", logStream: "s"),
                              options: .init(environment: ["HOME": "/nonexistent"])).start()
        }
    }

    @Test("a file handle gets one valid document per line, through a manager")
    func fileHandle() async throws {
        let capture = PipeCapture()
        let sink = EMFSink(namespace: "MyService", destination: .fileHandle(capture.writeHandle))
        let manager = MetricsManager(level: .detailed, sink: sink)
        try await manager.start()
        manager.counter("Requests", dimensions: [("stream", "s1")]).increment(by: 5)
        manager.histogram("Latency", dimensions: [("stream", "s1")], unit: .milliseconds).record(12)
        manager.gauge("Pending").set(3)
        try await manager.shutdown()
        let lines = try #require(capture.finish(), "the pipe's reader did not finish in time")
        #expect(lines.count == 2)
        let documents = lines.map { EMFSchema.check($0) }
        #expect(documents.compactMap { ($0["Requests"] as? [String: Any])?["Sum"] as? Int } == [5])
        #expect(manager.stats()[sink: "emf"]?.exported == 3)
    }

    @Test("standard output: whole lines only, while other threads print long lines")
    func standardOutputUnderConcurrentPrint() async throws {
        // In a child process, whose standard output the test reads: the
        // test process's own stdout and its buffering stay as they are.
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            bufferStandardOutputFully()   // as when output goes to a pipe: long prints are written in pieces
            let marker = "print-line-" + String(repeating: "x", count: 6000)
            let sink = EMFSink(namespace: "MyService", destination: .standardOutput)
            // 60 metrics per document: each line is several times PIPE_BUF.
            let batch = (0..<60).map { snapshot("Metric\($0)", kind: .histogram, dimensions: [("stream", "s")],
                                                distribution: (1...40).map { .init(value: Double($0), count: 1) }) }
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask { for _ in 0..<10 { try? await sink.export(batch) } }
                }
                for thread in 0..<2 {
                    group.addTask { for line in 0..<50 { print("\(marker)-\(thread)-\(line)") } }
                }
            }
            fflush(nil)
        }
        let output = try #require(result?.standardOutputContent)
        let marker = "print-line-" + String(repeating: "x", count: 6000)
        let lines = output.split(separator: 0x0A, omittingEmptySubsequences: true)
        let documents = lines.filter { $0.first == UInt8(ascii: "{") }
        let printed = lines.filter { $0.starts(with: Array("print-line-".utf8)) }
        #expect(documents.count == 40)
        for document in documents { #expect(EMFSchema.problems(Array(document)).isEmpty) }
        #expect(printed.count == 100)
        #expect(printed.allSatisfy { String(decoding: $0, as: UTF8.self).hasPrefix(marker + "-") && $0.count <= marker.utf8.count + 6 })
        #expect(documents.count + printed.count == lines.count, "every line is a whole document or a whole print")
    }

    @Test("a file handle whose reader is gone: the export fails with EPIPE and the process lives (no SIGPIPE)")
    func closedPipe() async {
        await #expect(processExitsWith: .success) {
            signal(SIGPIPE, SIG_DFL)
            let pipe = Pipe()
            try pipe.fileHandleForReading.close()
            let sink = EMFSink(namespace: "MyService", destination: .fileHandle(pipe.fileHandleForWriting))
            do {
                try await sink.export([snapshot("Requests")])
                exit(3)
            } catch EMFSinkError.writeFailed(errno: EPIPE) {
            }
        }
    }

    @Test("PutLogEvents: chronological, within 10,000 events, the byte limit and 24 hours per call")
    func batching() async throws {
        let client = FakeLogsClient()
        let sink = logsSink(client, options: .init(maxEventsPerBatch: 3))
        let day = 86_400.0
        let snapshots = [
            snapshot("Late", end: windowEnd + 2 * day), snapshot("A", dimensions: [("stream", "1")]),
            snapshot("B", dimensions: [("stream", "2")]), snapshot("C", dimensions: [("stream", "3")]),
            snapshot("D", dimensions: [("stream", "4")]), snapshot("Early", end: windowEnd - 60),
        ]
        try await sink.export(snapshots)
        let calls = client.putEvents
        #expect(calls.map(\.count) == [3, 2, 1])
        let timestamps = calls.flatMap { $0.map(\.timestamp) }
        #expect(timestamps == timestamps.sorted())
        for call in calls { #expect(call.last!.timestamp - call.first!.timestamp <= 86_400_000) }
        for event in calls.joined() { EMFSchema.check(event.message) }

        let bytesClient = FakeLogsClient()
        let wide = (0..<40).map { index in
            snapshot("M", dimensions: [("stream", "\(index)"), ("pad", String(repeating: "p", count: 1020)), ("pad2", String(repeating: "q", count: 1020))])
        }
        try await logsSink(bytesClient, options: .init(maxBatchBytes: 65_536)).export(wide)
        let sizes = bytesClient.putEvents.map { $0.reduce(0) { $0 + $1.message.count + 26 } }
        #expect(sizes.count > 1 && sizes.allSatisfy { $0 <= 65_536 })
        #expect(bytesClient.putEvents.joined().count == 40)
    }

    @Test("a missing group or stream is created (existing ones tolerated) and the put retried once")
    func createsMissing() async throws {
        let missing = AWSError(code: "ResourceNotFoundException", message: "The specified log group does not exist.", statusCode: 400)
        let exists = AWSError(code: "ResourceAlreadyExistsException", message: "exists", statusCode: 400)
        let client = FakeLogsClient(putAnswers: [.failure(missing)], createGroupError: exists)
        try await logsSink(client).export([snapshot("A")])
        let calls = client.calls.withLock { $0 }
        #expect(calls.count == 4)
        #expect(calls[1] == .createGroup("/my-app/metrics"))
        #expect(calls[2] == .createStream("/my-app/metrics", "host-1"))
        #expect(client.putEvents.count == 2)
    }

    @Test("LimitExceededException from CreateLogGroup is a quota, not throttling: dropped, not retried")
    func groupLimit() async throws {
        let missing = AWSError(code: "ResourceNotFoundException", message: "no group", statusCode: 400)
        let limit = AWSError(code: "LimitExceededException", message: "Resource limit exceeded.", statusCode: 400)
        let client = FakeLogsClient(putAnswers: [.failure(missing)], createGroupError: limit)
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: logsSink(client), configuration: .init(observer: observer))
        try await manager.start()
        manager.counter("Requests").increment()
        try await manager.shutdown()
        #expect(manager.stats()[sink: "emf"]?.dropped == [.nonRetryableError: 1])
        #expect(observer.retries == 0)
        #expect(observer.exportFailures.first as? EMFSinkError == .logGroupLimitExceeded("Resource limit exceeded."))
    }

    @Test("events refused individually (rejectedLogEventsInfo) are reported and counted; the rest is delivered")
    func rejectedEvents() async throws {
        let client = FakeLogsClient(putAnswers: [.success(RejectedLogEvents(tooOldEndIndex: 1))])
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: logsSink(client), configuration: .init(observer: observer))
        try await manager.start()
        manager.counter("A", dimensions: [("stream", "1")]).increment()
        manager.counter("B", dimensions: [("stream", "2")]).increment()
        try await manager.shutdown()
        let stats = try #require(manager.stats()[sink: "emf"])
        #expect(stats.exported == 1)
        #expect(stats.dropped == [.nonRetryableError: 1])
        #expect(observer.exportFailures.first as? EMFSinkError == .logEventsRejected(tooNew: 0, tooOld: 1, expired: 0))
    }

    @Test("a call refused for good (a client error) drops only its own snapshots; the batch's other call is delivered")
    func refusedCallDropsOnlyItsOwn() async throws {
        let invalid = AWSError(code: "InvalidParameterException", message: "bad event", statusCode: 400)
        let client = FakeLogsClient(putAnswers: [.failure(invalid)])
        let observer = RecordingObserver()
        let manager = MetricsManager(level: .detailed, sink: logsSink(client, options: .init(maxEventsPerBatch: 2)),
                                     configuration: .init(observer: observer))
        try await manager.start()
        for index in 0..<4 { manager.counter("A", dimensions: [("stream", "\(index)")]).increment() }
        try await manager.shutdown()
        #expect(client.putEvents.map(\.count) == [2, 2])
        let stats = try #require(manager.stats()[sink: "emf"])
        #expect(stats.exported == 2)
        #expect(stats.dropped == [.nonRetryableError: 2])
        #expect(observer.retries == 0)
    }

    @Test("AWS_ENDPOINT_URL_LOGS sends CloudWatch Logs calls there, ahead of AWS_ENDPOINT_URL")
    func logsEndpointFromEnvironment() async throws {
        let server = try LoopbackHTTPServer { _ in .text(200, "{}") }
        defer { server.stop() }
        let sink = EMFSink(namespace: "MyService",
                           destination: .cloudWatchLogs(logGroup: "/my-app/metrics", logStream: "host-1", region: "us-east-1",
                                                        accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret"),
                           options: .init(retryPolicy: RetryPolicy(quota: nil, random: { 0 }), environment: [
                               "AWS_ENDPOINT_URL_LOGS": server.url.absoluteString,
                               "AWS_ENDPOINT_URL": try LoopbackHTTPServer.refusingURL().absoluteString,
                           ]))
        try await sink.start()
        try await sink.export([snapshot("Requests")])
        let targets = server.requests.map { $0.header("X-Amz-Target") ?? "" }
        #expect(targets.contains("Logs_20140328.PutLogEvents"), "\(targets)")
        #expect(server.requests.first?.header("Authorization")?.contains("/us-east-1/logs/aws4_request") == true)
    }

    @Test("a throttled call is retried with only what was not yet delivered")
    func throttledRetry() async throws {
        let throttled = AWSError(code: "ThrottlingException", message: "Rate exceeded", statusCode: 400)
        let client = FakeLogsClient(putAnswers: [.success(nil), .failure(throttled)])
        let manager = MetricsManager(level: .detailed, sink: logsSink(client, options: .init(maxEventsPerBatch: 2)))
        try await manager.start()
        for index in 0..<4 { manager.counter("A", dimensions: [("stream", "\(index)")]).increment() }
        try await manager.shutdown()
        let calls = client.putEvents.map(\.count)
        #expect(calls == [2, 2, 2])
        let delivered = [client.putEvents[0], client.putEvents[2]].joined().map(\.message)
        #expect(Set(delivered).count == 4)
        #expect(manager.stats()[sink: "emf"]?.exported == 4)
        #expect(manager.stats()[sink: "emf"]?.retries == 1)
    }

    @Test("flush(within:) returns at the deadline with a slow sink, naming what did not make it")
    func flushWithinDeadline() async throws {
        let clock = ManualClock()
        let blocking = BlockingSink()
        let capture = PipeCapture()
        let emf = EMFSink(namespace: "Lambda", destination: .fileHandle(capture.writeHandle))
        let manager = MetricsManager(level: .detailed, sinks: [emf, blocking],
                                     configuration: .init(clock: clock, wallClock: clock.wallClock))
        try await manager.start()
        manager.counter("Invocations").increment()
        async let report = manager.flush(within: .milliseconds(300))
        await blocking.waitUntilEntered()
        clock.advance(by: .milliseconds(300))
        let result = try await report
        #expect(result.pending == ["blocking": 1])
        #expect(!result.isComplete)
        blocking.release()
        try await manager.shutdown()
        let lines = try #require(capture.finish(), "the pipe's reader did not finish in time")
        #expect(lines.count == 1)
    }
}
