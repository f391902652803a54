import CWMHTTP
import Foundation
import CWMHTTPTestSupport
import MetricsCore
import CloudWatchMetricsTestKit
import Testing
@testable import DatadogSink

@Suite("DatadogSink", .timeLimit(.minutes(3)))
struct DatadogSinkTests {
    @Test("Options keep only the environment keys the sink reads, and printing, dumping or mirroring them shows no secret")
    func optionsRedacted() {
        let options = DatadogSink.Options(environment: ["AWS_SECRET_ACCESS_KEY": "SECRET-ENV-1", "AWS_SESSION_TOKEN": "SECRET-ENV-2", "HTTPS_PROXY": "http://u:SECRET-ENV-3@proxy:3128", "PATH": "/bin", "DD_API_KEY": "SECRET-DD"])
        var dumped = ""
        dump(options, to: &dumped)
        for text in ["\(options)", String(reflecting: options), dumped, "\(Mirror(reflecting: options).children.map(\.value))"] {
            for secret in ["SECRET-ENV-1", "SECRET-ENV-2", "SECRET-ENV-3", "SECRET-DD"] { #expect(!text.contains(secret), "\(text)") }
            #expect(text.contains("DD_API_KEY") && text.contains("HTTPS_PROXY"), "a key is shown by its name")
        }
        // Datadog reads its own variables and the proxies; nothing of AWS.
        #expect(options.environment.keys.sorted() == ["DD_API_KEY", "HTTPS_PROXY"])
    }

    static let start = Date(timeIntervalSince1970: 1_700_000_000)
    static let end = Date(timeIntervalSince1970: 1_700_000_060)

    static func snapshot(_ name: String, _ kind: MetricSnapshot.Kind = .histogram, count: Int = 1, sum: Double = 1,
                         max: Double = 1, last: Double? = nil, distribution: [MetricSnapshot.Bucket] = []) -> MetricSnapshot {
        MetricSnapshot(name: name, kind: kind, dimensions: [("stream", "orders")], windowStart: start, windowEnd: end,
                       count: count, sum: sum, min: 1, max: max, last: last, distribution: distribution)
    }

    static let encoder = DatadogEncoder(prefix: "aiokpl.", host: nil, tags: [], maxValuesPerDistribution: 10_000)

    static func options(_ change: (inout DatadogSink.Options) -> Void = { _ in }) -> DatadogSink.Options {
        var options = DatadogSink.Options(retryPolicy: RetryPolicy(quota: nil, random: { 0 }), environment: [:])
        change(&options)
        return options
    }

    static func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test("types: every metric goes by the instrument that recorded it; asked, the original's names keep its choice")
    func kinds() {
        let byKind = Self.encoder
        #expect(byKind.kind(of: Self.snapshot("UserRecordsPut")) == .distribution, "put records a histogram")
        #expect(byKind.kind(of: Self.snapshot("UserRecordsPending")) == .distribution)
        #expect(byKind.kind(of: Self.snapshot("BufferedTime", .counter)) == .count)
        #expect(byKind.kind(of: Self.snapshot("Requests", .counter)) == .count)
        #expect(byKind.kind(of: Self.snapshot("Depth", .gauge)) == .gauge)
        #expect(byKind.kind(of: Self.snapshot("Latency")) == .distribution)

        let original = DatadogEncoder(prefix: "aiokpl.", host: nil, tags: [], maxValuesPerDistribution: 10_000,
                                      kinesisProducerTypes: true)
        #expect(original.kind(of: Self.snapshot("UserRecordsPut")) == .count)
        #expect(original.kind(of: Self.snapshot("UserRecordsPending")) == .gauge)
        #expect(original.kind(of: Self.snapshot("BufferedTime", .counter)) == .distribution)
        #expect(original.kind(of: Self.snapshot("Requests", .counter)) == .count)
        #expect(original.kind(of: Self.snapshot("Depth", .gauge)) == .gauge)
        #expect(original.kind(of: Self.snapshot("Latency")) == .distribution)
    }

    @Test("a count is the window's sum with the window as interval; a gauge its last value; tags key:value")
    func series() throws {
        let encoder = DatadogEncoder(prefix: "aiokpl.", host: "web-1", tags: ["env:prod"], maxValuesPerDistribution: 10)
        let (requests, rejected) = encoder.requests([Self.snapshot("Requests", .counter, count: 7, sum: 7),
                                                     Self.snapshot("Depth", .gauge, max: 9, last: 4)], maxBytes: 100_000)
        #expect(rejected.isEmpty && requests.count == 1 && requests[0].api == .series)
        let series = try #require(try Self.json(requests[0].body)["series"] as? [[String: Any]])
        #expect(series[0]["metric"] as? String == "aiokpl.Requests" && series[0]["type"] as? String == "count")
        #expect(series[0]["interval"] as? Int == 60)
        #expect(series[0]["points"] as? [[Double]] == [[1_700_000_060, 7]])
        #expect(series[0]["tags"] as? [String] == ["stream:orders", "env:prod"] && series[0]["host"] as? String == "web-1")
        #expect(series[1]["type"] as? String == "gauge" && series[1]["points"] as? [[Double]] == [[1_700_000_060, 4]])
    }

    @Test("a distribution carries each bucket's value repeated by its count, so percentiles and count are right")
    func distribution() throws {
        let snapshot = Self.snapshot("Latency", count: 5, sum: 70,
                                     distribution: [.init(value: 10, count: 3), .init(value: 20, count: 2)])
        let (requests, _) = Self.encoder.requests([snapshot], maxBytes: 100_000)
        #expect(requests.map(\.api) == [.distributionPoints])
        let series = try #require(try Self.json(requests[0].body)["series"] as? [[String: Any]])
        let point = try #require((series[0]["points"] as? [[Any]])?.first)
        #expect(point[1] as? [Double] == [10, 10, 10, 20, 20])
        #expect(series[0]["type"] as? String == "distribution")
    }

    @Test("JSON pieces: a number repeated byte for byte after separators, a tag written as one string of escaped parts")
    func jsonPieces() {
        var json = JSONBytes(capacity: 4)
        json.raw(0x5B)
        json.number(0.0001234)
        json.repeatLast(json.count - 1, times: 2, separator: 0x2C)
        json.repeatLast(json.count, times: 0, separator: 0x2C)     // nothing to repeat
        json.raw(0x5D)
        #expect(String(decoding: json.bytes, as: UTF8.self) == "[0.0001234,0.0001234,0.0001234]")
        var tag = JSONBytes()
        tag.string("k\"", ":", "v\\")
        #expect(String(decoding: tag.bytes, as: UTF8.self) == #""k\":v\\""#)
    }

    @Test("formatted numbers copied from one pass's table are the bytes formatting writes, through collisions and a full table")
    func formattedNumbers() {
        // 600 distinct values (more than the table's 256 slots), each written three times in
        // three rounds, and a few that are not finite or do not fit a slot.
        var values = (0..<600).map { Double($0) * 0.37 + 1e-3 } + [-0.0, .nan, .infinity, -.infinity, 1e300, -2.5e-308]
        values += values + values.reversed()
        var numbers = FormattedNumbers()
        var cached = JSONBytes()
        var plain = JSONBytes()
        for value in values {
            numbers.append(value, to: &cached)
            cached.raw(0x2C)
            plain.number(value)
            plain.raw(0x2C)
        }
        #expect(cached.bytes == plain.bytes)
    }

    @Test("over the value limit, repetitions scale down in proportion; without a distribution, the mean count times")
    func capped() {
        let encoder = DatadogEncoder(prefix: "", host: nil, tags: [], maxValuesPerDistribution: 100)
        let values = encoder.values(of: Self.snapshot("L", count: 10_000, sum: 1,
                                                      distribution: [.init(value: 1, count: 9_000), .init(value: 2, count: 999),
                                                                     .init(value: 3, count: 1)]))
        #expect(values.map(\.repeats) == [90, 10, 1])
        #expect(Self.encoder.values(of: Self.snapshot("L", count: 4, sum: 10)).map { [$0.value, Double($0.repeats)] } == [[2.5, 4]])
    }

    @Test("requests are packed up to the byte limit; a series too large alone is rejected, typed")
    func packing() throws {
        let snapshots = (0..<50).map { Self.snapshot("Requests\($0)", .counter) }
        let (requests, _) = Self.encoder.requests(snapshots, maxBytes: 1024)
        #expect(requests.count > 1 && requests.allSatisfy { $0.body.count <= 1024 })
        #expect(requests.flatMap(\.snapshots) == Array(0..<50))
        for request in requests { _ = try Self.json(request.body) }
        let big = Self.snapshot("Big", count: 500, distribution: [.init(value: 123.456, count: 500)])
        let (_, rejected) = Self.encoder.requests([big], maxBytes: 1024)
        let error = try #require(rejected.first?.1 as? DatadogSinkError)
        guard case .seriesTooLarge("Big", let bytes, 1024) = error else { Issue.record("\(error)"); return }
        #expect(bytes > 1024)
    }

    @Test("the key goes in DD-API-KEY only: not in the URL, the description, reflection or errors")
    func apiKey() async throws {
        let key = "0123456789abcdef0123456789abcdef"
        let server = try LoopbackHTTPServer { _ in .text(403, "{\"errors\":[\"Forbidden: bad key \(key)\"]}") }
        let sink = DatadogSink(apiKey: key, site: "datadoghq.com", endpoint: server.url, options: Self.options())
        let result = await sink.export([Self.snapshot("Requests", .counter)], attempt: .first)
        let request = try #require(server.requests.first)
        #expect(request.path == "/api/v1/series" && !request.path.contains(key))
        #expect(request.header("DD-API-KEY") == key)
        let error = try #require(result.error)
        #expect(!"\(error)".contains(key) && "\(error)".contains("<redacted>"))
        #expect(sink.retryPolicy.decision(afterAttempt: 1, error: error) == .notRetryable)
        #expect(!sink.description.contains(key) && !String(reflecting: sink).contains(key))
        #expect(!"\(Mirror(reflecting: sink).children.map(\.value))".contains(key))
    }

    @Test("no key passed and no DD_API_KEY: start() fails with a typed error; DD_API_KEY is read")
    func missingKey() async throws {
        let sink = DatadogSink(apiKey: nil, site: "datadoghq.com", options: Self.options())
        await #expect(throws: DatadogSinkError.missingAPIKey) { try await sink.start() }
        let server = try LoopbackHTTPServer { _ in .respond(status: 202) }
        let fromEnvironment = DatadogSink(apiKey: nil, site: "datadoghq.com", endpoint: server.url,
                                          options: Self.options { $0.environment = ["DD_API_KEY": "env-key", "DD_APP_KEY": "app"] })
        #expect(await fromEnvironment.export([Self.snapshot("Requests", .counter)], attempt: .first).delivered == 1)
        #expect(server.requests.first?.header("DD-API-KEY") == "env-key")
        #expect(server.requests.first?.header("DD-APPLICATION-KEY") == "app")
    }

    @Test("an API key with a line break fails start() with a typed error, the key not shown")
    func keyWithLineBreak() async throws {
        let sink = DatadogSink(apiKey: "secret\r\nX-Other: 1", site: "datadoghq.com",
                               endpoint: URL(string: "http://127.0.0.1:1")!, options: Self.options())
        await #expect(throws: HTTPTransportError.invalidHeader(name: "DD-API-KEY")) { try await sink.start() }
    }

    @Test("the site makes the URL https://api.{site}")
    func site() {
        #expect(DatadogSink(apiKey: "k", site: "datadoghq.eu").baseURL.absoluteString == "https://api.datadoghq.eu")
    }

    @Test("a 400 on the series drops only them; the distributions still go")
    func partialRefusal() async throws {
        let server = try LoopbackHTTPServer { request in
            request.path.hasSuffix("/series") ? .text(400, "{\"errors\":[\"Payload is not in the expected format\"]}")
                : .respond(status: 202)
        }
        let sink = DatadogSink(apiKey: "k", site: "datadoghq.com", endpoint: server.url, options: Self.options())
        let result = await sink.export([Self.snapshot("Requests", .counter), Self.snapshot("Latency")], attempt: .first)
        #expect(result.delivered == 1 && result.refusedCount == 1 && result.unsent.isEmpty)
        #expect(result.refused.first?.error as? HTTPStatusError
            == HTTPStatusError(server: "Datadog", statusCode: 400, message: "Payload is not in the expected format",
                               retryAfter: nil, isTransient: false))
    }

    @Test("401 (a bad key) stops the export without retrying; nothing after it is sent")
    func unauthorised() async throws {
        let server = try LoopbackHTTPServer { _ in .text(401, "{\"errors\":[\"Forbidden\"]}") }
        let sink = DatadogSink(apiKey: "k", site: "datadoghq.com", endpoint: server.url, options: Self.options())
        let result = await sink.export([Self.snapshot("Requests", .counter), Self.snapshot("Latency")], attempt: .first)
        #expect(result.delivered == 0)
        #expect(server.requests.count == 1, "the distributions are not sent after a 401 on the series")
        #expect(sink.retryPolicy.decision(afterAttempt: 1, error: try #require(result.error)) == .notRetryable)
    }

    @Test("408 is retried, the series kept for the retry")
    func requestTimeoutRetried() async throws {
        let server = try LoopbackHTTPServer { _ in .text(408, "{}") }
        let sink = DatadogSink(apiKey: "k", site: "datadoghq.com", endpoint: server.url, options: Self.options())
        let result = await sink.export([Self.snapshot("Requests", .counter)], attempt: .first)
        #expect(result.unsent.count == 1 && result.delivered == 0)
        guard case .retry = sink.retryPolicy.decision(afterAttempt: 1, error: try #require(result.error)) else {
            Issue.record("408 not retried")
            return
        }
    }

    @Test("413 on the series drops only them, counted as refused; the distributions still go")
    func payloadTooLarge() async throws {
        let server = try LoopbackHTTPServer { request in
            request.path.hasSuffix("/series") ? .text(413, "{\"errors\":[\"Request too large\"]}") : .respond(status: 202)
        }
        let sink = DatadogSink(apiKey: "k", site: "datadoghq.com", endpoint: server.url, options: Self.options())
        let result = await sink.export([Self.snapshot("Requests", .counter), Self.snapshot("Latency")], attempt: .first)
        #expect(result.delivered == 1 && result.refusedCount == 1 && result.unsent.isEmpty)
    }

    @Test("413 on a request of several series: it is split in halves and sent again until each part fits; every series delivered once")
    func payloadTooLargeSplit() async throws {
        // The server takes at most 2 series a request.
        let server = try LoopbackHTTPServer { request in
            let series = (try? JSONSerialization.jsonObject(with: request.body) as? [String: Any])?["series"] as? [Any]
            return (series?.count ?? 0) > 2 ? .text(413, "{\"errors\":[\"Request too large\"]}") : .respond(status: 202)
        }
        let sink = DatadogSink(apiKey: "k", site: "datadoghq.com", endpoint: server.url,
                               options: Self.options { $0.compression = .none })
        let names = (0..<5).map { "Requests\($0)" }
        let result = await sink.export(names.map { Self.snapshot($0, .counter) }, attempt: .first)
        #expect(result.delivered == 5 && result.refusedCount == 0 && result.unsent.isEmpty)
        var delivered: [String] = []
        for request in server.requests {
            let series = try Self.json(Array(request.body))["series"] as? [[String: Any]] ?? []
            if series.count <= 2 { delivered += series.compactMap { $0["metric"] as? String } }
        }
        #expect(delivered.sorted() == names.map { "aiokpl.\($0)" }.sorted())
    }

    @Test("gzip: the body is compressed, marked Content-Encoding: gzip, and inflates to the same JSON")
    func gzip() async throws {
        let server = try LoopbackHTTPServer { _ in .respond(status: 202) }
        let plainServer = try LoopbackHTTPServer { _ in .respond(status: 202) }
        let snapshots = [Self.snapshot("Requests", .counter)]
        let zipped = DatadogSink(apiKey: "k", site: "datadoghq.com", endpoint: server.url, options: Self.options { $0.compression = .gzip(minimumBytes: 0) })
        let plain = DatadogSink(apiKey: "k", site: "datadoghq.com", endpoint: plainServer.url, options: Self.options())
        #expect(await zipped.export(snapshots, attempt: .first).delivered == 1)
        #expect(await plain.export(snapshots, attempt: .first).delivered == 1)
        let request = try #require(server.requests.first)
        let plainRequest = try #require(plainServer.requests.first)
        #expect(request.header("Content-Encoding") == "gzip")
        #expect(plainRequest.header("Content-Encoding") == nil)
        #expect(try Gzip.decompress(request.body) == plainRequest.body)
    }

    @Test("429 waits for X-RateLimit-Reset; 5xx is retried", arguments: [429, 503])
    func retried(status: Int) async throws {
        let server = try LoopbackHTTPServer { _ in .text(status, "{}", headers: [("X-RateLimit-Reset", "4")]) }
        let sink = DatadogSink(apiKey: "k", site: "datadoghq.com", endpoint: server.url, options: Self.options())
        let result = await sink.export([Self.snapshot("Requests", .counter), Self.snapshot("Latency")], attempt: .first)
        #expect(result.unsent.count == 2)
        guard case .retry(let delay) = sink.retryPolicy.decision(afterAttempt: 1, error: try #require(result.error)) else {
            Issue.record("not retried")
            return
        }
        #expect(status == 429 ? delay == .seconds(4) : delay == .zero)
    }
}

@Suite("DatadogSink under the export pipeline", .timeLimit(.minutes(3)))
struct HTTPSinksInPipelineTests {
    static func policy() -> RetryPolicy { RetryPolicy(maxAttempts: 2, quota: nil, random: { 0 }) }

    @Test("a backend that keeps failing: retried, then the window is dropped and counted, recording never blocked")
    func retriesExhausted() async throws {
        let server = try LoopbackHTTPServer { _ in .text(503, "{}", headers: [("Retry-After", "0")]) }
        let observer = RecordingObserver()
        let sink = DatadogSink(apiKey: "k", site: "datadoghq.com", endpoint: server.url,
                               options: .init(retryPolicy: Self.policy(), environment: [:]))
        let manager = MetricsManager(level: .detailed, sink: sink, configuration: .init(observer: observer))
        try await manager.start()
        manager.counter("Requests").increment(by: 3)
        manager.histogram("Latency").record(12)
        try await manager.shutdown()
        #expect(observer.retries == 1)
        #expect(observer.dropped[.retriesExhausted] == 2, "\(observer.all)")
        #expect(server.requests.count == 2)
    }

    @Test("a 400 drops only its request's series, counted as invalid; the rest delivered")
    func refusedCounted() async throws {
        let server = try LoopbackHTTPServer { request in
            request.path.hasSuffix("/series") ? .text(400, "{\"errors\":[\"bad\"]}") : .respond(status: 202)
        }
        let observer = RecordingObserver()
        let sink = DatadogSink(apiKey: "k", site: "datadoghq.com", endpoint: server.url,
                               options: .init(retryPolicy: Self.policy(), environment: [:]))
        let manager = MetricsManager(level: .detailed, sink: sink, configuration: .init(observer: observer))
        try await manager.start()
        manager.counter("Requests").increment()
        manager.histogram("Latency").record(12)
        try await manager.shutdown()
        #expect(observer.exported == 1 && observer.retries == 0, "\(observer.all)")
        #expect(observer.dropped.values.reduce(0, +) == 1, "\(observer.all)")
    }
}
