import AWSCore
import Foundation
import CWMHTTPTestSupport
import MetricsCore
import OTLPSink
import Testing

@Suite("OTLPSink over HTTP", .timeLimit(.minutes(3)))
struct OTLPSinkTests {
    @Test("Options keep only the environment keys the sink reads, and printing, dumping or mirroring them shows no secret")
    func optionsRedacted() {
        let options = OTLPSink.Options(headers: ["x-tenant": "SECRET-HEADER", "authorization": "Bearer SECRET-BEARER"], environment: ["AWS_SECRET_ACCESS_KEY": "SECRET-ENV-1", "AWS_SESSION_TOKEN": "SECRET-ENV-2", "HTTPS_PROXY": "http://u:SECRET-ENV-3@proxy:3128", "PATH": "/bin", "OTEL_SERVICE_NAME": "svc"])
        var dumped = ""
        dump(options, to: &dumped)
        for text in ["\(options)", String(reflecting: options), dumped, "\(Mirror(reflecting: options).children.map(\.value))"] {
            for secret in ["SECRET-ENV-1", "SECRET-ENV-2", "SECRET-ENV-3", "SECRET-HEADER", "SECRET-BEARER"] { #expect(!text.contains(secret), "\(text)") }
            #expect(text.contains("AWS_SECRET_ACCESS_KEY"), "the key is shown by its name")
        }
        #expect(options.environment["PATH"] == nil, "not a key the sink reads")
    }

    static func options(_ change: (inout OTLPSink.Options) -> Void = { _ in }) -> OTLPSink.Options {
        var options = OTLPSink.Options(retryPolicy: RetryPolicy(quota: nil, random: { 0 }), environment: [:])
        change(&options)
        return options
    }

    static func counters(_ count: Int) -> [MetricSnapshot] {
        (0..<count).map { OTLPEncoderTests.snapshot("M\($0)", .counter) }
    }

    /// An `ExportMetricsServiceResponse` with a partial success.
    static func partialSuccess(rejected: UInt8, message: String) -> Data {
        let text = Array(message.utf8)
        let inner: [UInt8] = [0x08, rejected, 0x12, UInt8(text.count)] + text
        return Data([0x0A, UInt8(inner.count)] + inner)
    }

    @Test("posts to the URL exactly as given, protobuf, gzipped, with the user's headers")
    func request() async throws {
        let server = try LoopbackHTTPServer { _ in .respond(status: 200) }
        let url = server.url.appendingPathComponent("otlp/v1/metrics")
        let sink = OTLPSink(endpoint: url, options: Self.options { $0.headers = ["x-api-key": "hunter2"] })
        let result = await sink.export(Self.counters(3), attempt: .first)
        #expect(result.delivered == 3 && result.isComplete)
        let request = try #require(server.requests.first)
        #expect(request.method == "POST" && request.path == "/otlp/v1/metrics")
        #expect(request.header("Content-Type") == "application/x-protobuf")
        #expect(request.header("Content-Encoding") == "gzip")
        #expect(request.header("x-api-key") == "hunter2")
        let body = try Gzip.decompress(request.body)
        #expect(body.first == 0x0A)   // ExportMetricsServiceRequest.resource_metrics
        #expect(!sink.description.contains("hunter2") && sink.description.contains("x-api-key"))
        #expect(!String(describing: Mirror(reflecting: sink).children.map(\.value)).contains("hunter2"))
    }

    @Test("a collector that answers 2xx with a body over the cap took the request: delivered, not dropped or sent again")
    func acceptedWithHugeBody() async throws {
        let server = try LoopbackHTTPServer { _ in .respond(status: 200, body: Data(repeating: 0x0A, count: 2 << 20)) }
        defer { server.stop() }
        let sink = OTLPSink(endpoint: server.url.appendingPathComponent("v1/metrics"), options: Self.options { _ in })
        let result = await sink.export(Self.counters(3), attempt: .first)
        #expect(result.delivered == 3 && result.isComplete)
        #expect(server.requests.count == 1)
    }

    @Test("a custom header value with a line break fails start() with a typed error naming the header, not its value")
    func headerWithLineBreak() async throws {
        let server = try LoopbackHTTPServer { _ in .respond(status: 200) }
        defer { server.stop() }
        let sink = OTLPSink(endpoint: server.url, options: Self.options { $0.headers = ["x-tenant": "a\r\nx-admin: 1"] })
        await #expect(throws: HTTPTransportError.invalidHeader(name: "x-tenant")) { try await sink.start() }
        let result = await sink.export(Self.counters(1), attempt: .first)
        #expect(result.delivered == 0 && server.requests.isEmpty)
    }

    @Test("a collector error that echoes a header's value, and an endpoint with a password or a query: never shown")
    func echoedSecrets() async throws {
        let server = try LoopbackHTTPServer { request in
            .text(400, "bad tenant: \(request.header("x-tenant") ?? "")")
        }
        defer { server.stop() }
        var components = try #require(URLComponents(url: server.url, resolvingAgainstBaseURL: false))
        components.user = "otel"
        components.password = "pw-secret"
        components.query = "api_key=q-secret"
        let url = try #require(components.url)
        let sink = OTLPSink(endpoint: url, options: Self.options { $0.headers = ["x-tenant": "h-secret-value"] })
        let result = await sink.export(Self.counters(1), attempt: .first)
        let shown = "\(result.refused.map(\.error)) \(result.error.map { "\($0)" } ?? "") \(sink)"
        #expect(result.delivered == 0)
        for secret in ["h-secret-value", "pw-secret", "q-secret"] { #expect(!shown.contains(secret), "\(shown)") }
    }

    @Test("JSON on request, uncompressed on request")
    func jsonEncoding() async throws {
        let server = try LoopbackHTTPServer { _ in .respond(status: 200) }
        let sink = OTLPSink(endpoint: server.url, options: Self.options {
            $0.encoding = .json
            $0.compression = .none
        })
        #expect(await sink.export(Self.counters(1), attempt: .first).delivered == 1)
        let request = try #require(server.requests.first)
        #expect(request.header("Content-Type") == "application/json" && request.header("Content-Encoding") == nil)
        #expect(try JSONSerialization.jsonObject(with: request.body) is [String: Any])
    }

    @Test("a partial success drops the rejected points as a typed refusal, the rest delivered")
    func partial() async throws {
        let server = try LoopbackHTTPServer { _ in
            .respond(status: 200, headers: [("Content-Type", "application/x-protobuf")],
                     body: Self.partialSuccess(rejected: 2, message: "bad points"))
        }
        let sink = OTLPSink(endpoint: server.url, options: Self.options())
        let result = await sink.export(Self.counters(5), attempt: .first)
        #expect(result.delivered == 3 && result.refusedCount == 2)
        #expect(result.refused.first?.error as? OTLPSinkError == .partialSuccess(rejectedDataPoints: 2, message: "bad points"))
        #expect(result.unsent.isEmpty)
    }

    @Test("a 400 drops only its own request's points; the next request is still sent")
    func badRequest() async throws {
        let counter = RequestCounter()
        let server = try LoopbackHTTPServer { _ in
            counter.next() == 1 ? .text(400, "{\"message\":\"no good\"}") : .respond(status: 200)
        }
        let sink = OTLPSink(endpoint: server.url, options: Self.options { $0.maxDataPointsPerRequest = 2 })
        let result = await sink.export(Self.counters(5), attempt: .first)
        #expect(server.requests.count == 3)
        #expect(result.refusedCount == 2 && result.delivered == 3 && result.unsent.isEmpty)
        let refusal = try #require(result.refused.first?.error as? HTTPStatusError)
        #expect(refusal == HTTPStatusError(server: "the collector", statusCode: 400, message: "no good", retryAfter: nil,
                                           isTransient: false))
        #expect("\(refusal)" == "the collector answered HTTP 400: no good")
    }

    @Test("a 503 with Retry-After stops the export; the unsent points are retried no sooner than it says",
          arguments: [429, 503])
    func retryAfter(status: Int) async throws {
        let server = try LoopbackHTTPServer { _ in .text(status, "busy", headers: [("Retry-After", "7")]) }
        let sink = OTLPSink(endpoint: server.url, options: Self.options { $0.maxDataPointsPerRequest = 2 })
        let result = await sink.export(Self.counters(5), attempt: .first)
        #expect(server.requests.count == 1)
        #expect(result.unsent.count == 5 && result.delivered == 0)
        let error = try #require(result.error)
        #expect(error as? HTTPStatusError == HTTPStatusError(server: "the collector", statusCode: status, message: "busy",
                                                             retryAfter: .seconds(7), isTransient: status == 503))
        guard case .retry(let delay) = sink.retryPolicy.decision(afterAttempt: 1, error: error) else {
            Issue.record("not retried")
            return
        }
        #expect(delay == .seconds(7))
    }

    @Test("401, 403 and 408 are not retried and stop the export; a 500 is not retried either (OTLP retries 429, 502, 503, 504 only)",
          arguments: [401, 403, 408, 500])
    func notRetried(status: Int) async throws {
        let server = try LoopbackHTTPServer { _ in .text(status, "no") }
        let sink = OTLPSink(endpoint: server.url, options: Self.options { $0.maxDataPointsPerRequest = 2 })
        let result = await sink.export(Self.counters(5), attempt: .first)
        let error = try #require(result.error)
        #expect(sink.retryPolicy.decision(afterAttempt: 1, error: error) == .notRetryable)
        #expect(result.delivered == 0)
        if status != 500 {
            #expect(server.requests.count == 1, "the export stops at the first refusal of the client")
        }
    }

    @Test("502 and 504 are retried without a Retry-After, the points kept for the retry", arguments: [502, 504])
    func gatewayErrorsRetried(status: Int) async throws {
        let server = try LoopbackHTTPServer { _ in .text(status, "gateway") }
        let sink = OTLPSink(endpoint: server.url, options: Self.options())
        let result = await sink.export(Self.counters(3), attempt: .first)
        #expect(result.unsent.count == 3 && result.delivered == 0)
        guard case .retry = sink.retryPolicy.decision(afterAttempt: 1, error: try #require(result.error)) else {
            Issue.record("\(status) not retried")
            return
        }
    }

    @Test("no collector listening: retried as a connection failure")
    func refused() async throws {
        let sink = OTLPSink(endpoint: try LoopbackHTTPServer.refusingURL(), options: Self.options())
        let result = await sink.export(Self.counters(2), attempt: .first)
        #expect(result.unsent.count == 2)
        guard case .retry = sink.retryPolicy.decision(afterAttempt: 1, error: try #require(result.error)) else {
            Issue.record("not retried")
            return
        }
    }

    @Test("a non-http endpoint fails start() with a typed error")
    func badEndpoint() async {
        let sink = OTLPSink(endpoint: URL(string: "ftp://collector/v1/metrics")!, options: Self.options())
        await #expect(throws: OTLPSinkError.invalidEndpoint("ftp://collector/v1/metrics")) { try await sink.start() }
    }

    @Test("the CloudWatch variant signs as monitoring, appends /v1/metrics to a base endpoint, keeps the secret out")
    func cloudWatch() async throws {
        let server = try LoopbackHTTPServer { _ in .respond(status: 200) }
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        let sink = OTLPSink.cloudWatch(region: "eu-west-1", accessKeyId: "AKIDEXAMPLE", secretAccessKey: secret,
                                       options: Self.options { $0.environment = ["AWS_ENDPOINT_URL": server.url.absoluteString] })
        #expect(sink.name == "otlp-cloudwatch")
        #expect(await sink.export(Self.counters(2), attempt: .first).delivered == 2)
        let request = try #require(server.requests.first)
        #expect(request.path == "/v1/metrics")
        let authorization = try #require(request.header("Authorization"))
        #expect(authorization.contains("/eu-west-1/monitoring/aws4_request"))
        #expect(request.header("X-Amz-Content-SHA256") != nil)   // gzipped bodies sign their hash
        #expect(!sink.description.contains(secret) && !"\(Mirror(reflecting: sink).children.map(\.value))".contains(secret))
    }

    @Test("the CloudWatch variant without a region fails start() with a typed error; one key alone too")
    func cloudWatchConfiguration() async {
        let noRegion = OTLPSink.cloudWatch(options: Self.options { $0.environment = ["HOME": "/nonexistent"] })
        await #expect(throws: EndpointError.missingRegion(service: "monitoring")) { try await noRegion.start() }
        let oneKey = OTLPSink.cloudWatch(region: "us-east-1", accessKeyId: "AKID", options: Self.options())
        await #expect(throws: CredentialsError.incompleteKeys) { try await oneKey.start() }
    }

    @Test("resource attributes come from OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES")
    func resource() {
        let options = OTLPSink.Options(environment: ["OTEL_SERVICE_NAME": "checkout",
                                                     "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=prod,team=a%20b,bad"])
        #expect(options.resourceAttributes == ["service.name": "checkout", "deployment.environment": "prod", "team": "a b"])
        #expect(OTLPSink.Options(environment: [:]).resourceAttributes["service.name"]?.hasPrefix("unknown_service:") == true)
    }
}

/// Counts a server's requests, from its handler's thread.
final class RequestCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}
