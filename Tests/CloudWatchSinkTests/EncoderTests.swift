import AWSCore
@testable import CloudWatchSink
import Foundation
import CWMHTTPTestSupport
import MetricsCore
import Testing

/// The botocore vectors (Tests/AWSCoreTests/Fixtures) carry the call's
/// parameters and the body botocore serialised: our encoder must produce
/// the same bytes.
struct BotocoreBody: Decodable, CustomStringConvertible, Sendable {
    let name: String
    let service: String
    let `protocol`: String
    let body_base64: String
    let params: Params
    let expected: Expected

    struct Expected: Decodable, Sendable { let content_encoding: String? }

    struct Params: Decodable, Sendable {
        let Namespace: String?
        let MetricData: [Datum]?
    }

    struct Datum: Decodable, Sendable {
        struct Dimension: Decodable, Sendable { let Name: String; let Value: String }
        struct Statistics: Decodable, Sendable { let SampleCount, Sum, Minimum, Maximum: Double }
        struct Timestamp: Decodable, Sendable { let epoch_seconds: Double }
        let MetricName: String
        let Dimensions: [Dimension]
        let StatisticValues: Statistics?
        let Values: [Double]?
        let Counts: [Double]?
        let Timestamp: Timestamp?
        let Unit: String?
        let StorageResolution: Int?
    }

    var description: String { name }

    var datums: [MetricDatum] {
        (params.MetricData ?? []).map { datum in
            MetricDatum(
                metricName: datum.MetricName,
                dimensions: datum.Dimensions.map { .init(name: $0.Name, value: $0.Value) },
                statisticValues: datum.StatisticValues.map { .init(sampleCount: $0.SampleCount, sum: $0.Sum, minimum: $0.Minimum, maximum: $0.Maximum) },
                values: datum.Values ?? [], counts: datum.Counts ?? [],
                unit: datum.Unit, timestamp: datum.Timestamp.map { Date(timeIntervalSince1970: $0.epoch_seconds) },
                storageResolution: datum.StorageResolution)
        }
    }

    static func load() -> [BotocoreBody] {
        struct File: Decodable { let vectors: [BotocoreBody] }
        let url = URL(fileURLWithPath: TestEnvironment.path("Tests/AWSCoreTests/Fixtures/botocore_sigv4_vectors.json"))
        guard let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data) else { return [] }
        return file.vectors.filter { $0.service == "monitoring" && $0.expected.content_encoding == nil }
    }
}

@Suite("PutMetricData encoding", .timeLimit(.minutes(3)))
struct EncoderTests {
    static let vectors = BotocoreBody.load()

    @Test("the vectors are there")
    func present() { #expect(Self.vectors.count == 7) }

    @Test("byte for byte what botocore sends", arguments: vectors)
    func matchesBotocore(_ vector: BotocoreBody) throws {
        var body = PutMetricDataBody(protocol: vector.protocol == "json" ? .json : .query,
                                     namespace: try #require(vector.params.Namespace))
        for datum in vector.datums { body.append(datum) }
        let expected = try #require(Data(base64Encoded: vector.body_base64))
        #expect(String(decoding: body.finished(), as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(body.finishedSize == expected.count)
    }

    @Test("query timestamps: whole seconds, each datum its own, also when they alternate (the encoder keeps the last one)")
    func queryTimestamps() {
        let first = Date(timeIntervalSince1970: 1_795_437_300)
        let second = Date(timeIntervalSince1970: 1_795_437_360.5)
        var body = PutMetricDataBody(protocol: .query, namespace: "N s")
        for time in [first, first, second, first, nil] {
            body.append(MetricDatum(metricName: "m", value: 1, timestamp: time))
        }
        let fields = String(decoding: body.finished(), as: UTF8.self).split(separator: "&").filter { $0.contains("Timestamp") }
        #expect(fields == [
            "MetricData.member.1.Timestamp=2026-11-23T12%3A35%3A00Z",
            "MetricData.member.2.Timestamp=2026-11-23T12%3A35%3A00Z",
            "MetricData.member.3.Timestamp=2026-11-23T12%3A36%3A00Z",
            "MetricData.member.4.Timestamp=2026-11-23T12%3A35%3A00Z",
        ])
        #expect(String(decoding: body.finished(), as: UTF8.self).hasPrefix("Action=PutMetricData&Version=2010-08-01&Namespace=N+s&"))
    }

    @Test("numbers print as Python's repr")
    func numbers() {
        let cases: [(Double, String)] = [(3, "3.0"), (-0.0, "-0.0"), (0.5, "0.5"), (1e-05, "1e-05"), (1e15, "1000000000000000.0"),
                                         (9999999999999998, "9999999999999998.0"), (1e16, "1e+16"), (1.174271e108, "1.174271e+108"),
                                         (-8.51592e-109, "-8.51592e-109"), (0.1, "0.1"), (123456.789, "123456.789")]
        for (value, text) in cases {
            let storage = ByteStorage(capacity: 64)
            #expect(storage.append(room: 32) { $0.writeNumber(value) })
            #expect(String(decoding: storage.array(), as: UTF8.self) == text)
        }
    }

    @Test("a write past the cursor's room appends nothing and says so; the bytes before it stay")
    func cursorRoom() {
        let storage = ByteStorage(capacity: 8)
        #expect(storage.append(room: 4) { $0.write("abcd") })
        var overflowedAtThirdByte = false
        let appended = storage.append(room: 4) { out in
            out.write("ef")
            out.write("ghi")   // two bytes of room left
            overflowedAtThirdByte = out.overflowed
            out.write(0x6A)    // fits, but the attempt is dropped as a whole
        }
        #expect(!appended)
        #expect(overflowedAtThirdByte)
        #expect(storage.append(room: 1) { $0.writeDecimal(7) })
        #expect(!storage.append(room: 2) { $0.writeDecimal(12345) })
        #expect(storage.append(room: 8) { $0.writeDecimal(12345) })
        #expect(String(decoding: storage.array(), as: UTF8.self) == "abcd712345")
    }

    @Test("datums far bigger than the first room (long, escaped, non-ASCII text; 150 values) come out whole",
          arguments: [CloudWatchProtocol.json, .query])
    func bigDatums(_ wireProtocol: CloudWatchProtocol) throws {
        let escaped = String(repeating: "\"\\\u{1}東😀", count: 100)
        let datums = [
            MetricDatum(metricName: escaped, dimensions: (0..<30).map { .init(name: "D\($0)\(escaped)", value: escaped) },
                        statisticValues: .init(sampleCount: 1, sum: 0.1, minimum: 1e-05, maximum: 1.174271e108),
                        unit: "Count"),
            MetricDatum(metricName: "H", values: (0..<150).map { 1.0 / Double($0 + 3) }, counts: Array(repeating: 3, count: 150)),
        ]
        var body = PutMetricDataBody(protocol: wireProtocol, namespace: "N")
        for datum in datums { body.append(datum) }
        let bytes = body.finished()
        #expect(bytes.count == body.finishedSize)
        #expect(bytes.count > 30 * 2 * 100 * 14)
        switch wireProtocol {
        case .json:
            let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            let data = try #require(object["MetricData"] as? [[String: Any]])
            #expect(data.count == 2)
            #expect(data[0]["MetricName"] as? String == escaped)
            let dimensions = try #require(data[0]["Dimensions"] as? [[String: String]])
            #expect(dimensions.count == 30)
            #expect(dimensions[29] == ["Name": "D29\(escaped)", "Value": escaped])
            #expect((data[1]["Values"] as? [Double])?.count == 150)
        case .query:
            let text = String(decoding: bytes, as: UTF8.self)
            let fields = text.split(separator: "&")
            #expect(fields.contains("MetricData.member.1.Dimensions.member.30.Value=\(formEncoded(escaped))"))
            #expect(fields.contains("MetricData.member.2.Counts.member.150=3.0"))
        }
    }

    private func formEncoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        URIEncoding.appendFormEncoded(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

@Suite("AWSCloudWatchClient on the wire", .timeLimit(.minutes(3)))
struct AWSCloudWatchClientTests {
    /// Ten datums whose JSON body is exactly `bodySize` bytes (the last
    /// dimension value takes up the difference).
    private static func datums(bodySize: Int) throws -> [MetricDatum] {
        func make(_ lastLength: Int) -> [MetricDatum] {
            (0..<10).map { index in
                MetricDatum(metricName: "M\(index)",
                            dimensions: [.init(name: "D", value: String(repeating: "v", count: index == 9 ? lastLength : 950))],
                            statisticValues: .init(sampleCount: 1, sum: 1, minimum: 1, maximum: 1))
            }
        }
        func size(_ datums: [MetricDatum]) -> Int {
            var body = PutMetricDataBody(protocol: .json, namespace: "NS")
            datums.forEach { body.append($0) }
            return body.finished().count
        }
        let lastLength = 500 + bodySize - size(make(500))
        try #require((1...1024).contains(lastLength))
        let datums = make(lastLength)
        try #require(size(datums) == bodySize)
        return datums
    }

    @Test("the default options gzip from 10,240 bytes: a 10,239-byte body is sent as it is, a 10,240-byte one compressed")
    func gzipThreshold() async throws {
        let server = try LoopbackHTTPServer { _ in .text(200, "{}") }
        defer { server.stop() }
        let compression = CloudWatchSink.Options().compression
        guard case .gzip(let minimumBytes) = compression else {
            Issue.record("the default is not gzip: \(compression)")
            return
        }
        #expect(minimumBytes == 10_240)
        let client = try AWSCloudWatchClient(
            region: "us-east-1", endpoint: server.url,
            credentials: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKID", secretAccessKey: "SECRET")),
            compression: compression, environment: [:])
        try await client.putMetricData(namespace: "NS", metricData: try Self.datums(bodySize: 10_239))
        try await client.putMetricData(namespace: "NS", metricData: try Self.datums(bodySize: 10_240))
        let requests = server.requests
        try #require(requests.count == 2)
        #expect(requests[0].header("Content-Encoding") == nil)
        #expect(requests[0].body.count == 10_239)
        #expect(requests[1].header("Content-Encoding") == "gzip")
        #expect(try Gzip.decompress(requests[1].body).count == 10_240)
    }

    @Test("JSON headers and body, gzipped above the threshold, signed for the endpoint's host and port")
    func wire() async throws {
        let server = try LoopbackHTTPServer { _ in .text(200, "{}") }
        defer { server.stop() }
        let client = try AWSCloudWatchClient(
            region: "us-east-1", endpoint: server.url,
            credentials: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKID", secretAccessKey: "SECRET")))
        let small = [MetricDatum(metricName: "A", statisticValues: .init(sampleCount: 1, sum: 1, minimum: 1, maximum: 1))]
        try await client.putMetricData(namespace: "NS", metricData: small)
        let big = (0..<100).map { MetricDatum(metricName: "Metric\($0)", dimensions: [.init(name: "StreamName", value: "s\($0)")],
                                              statisticValues: .init(sampleCount: 1, sum: 1, minimum: 1, maximum: 1)) }
        try await client.putMetricData(namespace: "NS", metricData: big)
        let requests = server.requests
        #expect(requests.count == 2)
        #expect(requests[0].header("Content-Type") == "application/x-amz-json-1.0")
        #expect(requests[0].header("X-Amz-Target") == "GraniteServiceVersion20100801.PutMetricData")
        #expect(requests[0].header("x-amzn-query-mode") == "true")
        #expect(requests[0].header("Content-Encoding") == nil)
        #expect(String(decoding: requests[0].body, as: UTF8.self).hasPrefix("{\"Namespace\": \"NS\", \"MetricData\": [{\"MetricName\": \"A\""))
        #expect(requests[1].header("Content-Encoding") == "gzip")
        let inflated = try Gzip.decompress(requests[1].body)
        #expect(inflated.count >= 10_240)
        var expected = PutMetricDataBody(protocol: .json, namespace: "NS")
        big.forEach { expected.append($0) }
        #expect(Array(inflated) == expected.finished())
        #expect(requests[1].header("Authorization")?.contains("SignedHeaders=content-encoding;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target;x-amzn-query-mode") == true)
    }

    @Test("rejected requests become AWSError with the Query code")
    func errors() async throws {
        let server = try LoopbackHTTPServer { _ in
            .text(400, #"{"__type":"com.amazonaws.cloudwatch#InvalidParameterValueException","message":"The value NaN is not valid"}"#,
                  headers: [("x-amzn-query-error", "InvalidParameterValue;Sender")])
        }
        defer { server.stop() }
        let client = try AWSCloudWatchClient(
            region: "us-east-1", endpoint: server.url,
            credentials: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKID", secretAccessKey: "SECRET")))
        await #expect(throws: AWSError(code: "InvalidParameterValue", message: "The value NaN is not valid", statusCode: 400, faultType: "Sender")) {
            try await client.putMetricData(namespace: "NS", metricData: [MetricDatum(metricName: "A")])
        }
    }
}

@Suite("Dimension text classification", .timeLimit(.minutes(3)))
struct ClassificationTests {
    @Test("the eight-bytes-at-a-time scan agrees with a byte-by-byte definition")
    func classifyLongStrings() {
        func reference(_ text: String) -> CloudWatchNames.TextClass {
            let bytes = Array(text.utf8)
            if bytes.contains(where: { $0 >= 0x80 }) { return .nonASCII }
            if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return .control }
            if bytes.allSatisfy({ $0 == 0x20 }) { return .blank }
            return bytes.contains(where: { $0 == 0x22 || $0 == 0x5C }) ? .printableNeedingEscapes : .printable
        }
        var cases = ["", " ", String(repeating: " ", count: 16), String(repeating: " ", count: 17), "shardId-000000000001",
                     String(repeating: "a", count: 1024), "a b/c+d=e~f%g&h-longer", "~~~~~~~~}}}}}}}}!!!!!!!!"]
        for position in 0..<24 {
            for special in ["\"", "\\", "\t", "\n", "\u{7F}", "\u{1F}", "é", "東", " "] {
                var characters = Array(String(repeating: "x", count: 24))
                characters[position] = Character(special)
                cases.append(String(characters))
            }
        }
        for text in cases {
            #expect(CloudWatchNames.classify(text) == reference(text), "\(text.debugDescription)")
        }
    }
}

@Suite("Queue size estimates", .timeLimit(.minutes(3)))
struct EstimateTests {
    static let shapes: [(String, MetricSnapshot)] = {
        let end = Date(timeIntervalSince1970: 1_795_437_300)
        func make(_ name: String, unit: MetricUnit = .none, dimensions: [(String, String)] = [], sum: Double = 6,
                  buckets: Int = 0) -> MetricSnapshot {
            let distribution: [MetricSnapshot.Bucket] = (0..<buckets).map { index in
                MetricSnapshot.Bucket(value: 1.0 + Double(index) * 0.0078125, count: index % 7 + 1)
            }
            return MetricSnapshot(name: name, kind: .histogram, unit: unit, dimensions: dimensions, windowStart: end - 60,
                                  windowEnd: end, count: max(3, buckets), sum: sum, min: 0.25, max: 1234.5,
                                  distribution: distribution)
        }
        return [
            ("bare counter", make("Requests")),
            ("KPL put", make("UserRecordsPut", dimensions: [("stream", "orders"), ("shard", "shardId-000000000001")])),
            ("three dimensions, fractional sum", make("RequestTime", unit: .milliseconds,
                dimensions: [("stream", "s1"), ("shard", "shardId-000000000123"), ("error_code", "none")], sum: 0.3333333333333333)),
            ("ten long dimensions", make("Wide", dimensions: (0..<10).map { ("Dimension\($0)", String(repeating: "v", count: 60)) })),
            ("30 dimensions", make("Widest", dimensions: (0..<30).map { ("D\($0)", "value-\($0)") })),
            ("histogram, 20 buckets", make("Latency", unit: .milliseconds, dimensions: [("stream", "s1")], buckets: 20)),
            ("histogram, 150 buckets", make("Latency", unit: .milliseconds, dimensions: [("stream", "s1")], buckets: 150)),
            ("histogram, 400 buckets", make("Latency", unit: .milliseconds, dimensions: [("stream", "s1")], buckets: 400)),
        ]
    }()

    @Test("MetricSnapshot.estimatedSize is within 25 % of the encoded JSON datum(s)", arguments: shapes.map(\.0))
    func estimate(shape: String) throws {
        let snapshot = try #require(Self.shapes.first { $0.0 == shape }?.1)
        let sink = CloudWatchSink(region: "us-east-1", namespace: "N")
        let datums = try sink.datums(for: snapshot)
        // Bytes the datums add to a request body (the envelope is per request, not per snapshot).
        var body = PutMetricDataBody(protocol: .json, namespace: "N")
        let empty = body.finishedSize
        for datum in datums { body.append(datum) }
        let encoded = body.finishedSize - empty
        let error = abs(Double(snapshot.estimatedSize - encoded)) / Double(encoded)
        #expect(error <= 0.25, "\(shape): estimate \(snapshot.estimatedSize), encoded \(encoded) bytes (\(Int(error * 100)) %)")
    }
}
