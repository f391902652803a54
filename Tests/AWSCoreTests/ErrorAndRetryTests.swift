@testable import AWSCore
import Foundation
import CWMLocking
import Testing

@Suite("AWS errors", .timeLimit(.minutes(3)))
struct AWSErrorTests {
    @Test("Query XML errors")
    func queryXML() {
        let body = """
            <ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type>\
            <Code>Throttling</Code><Message>Rate exceeded &amp; more</Message></Error><RequestId>req-1</RequestId></ErrorResponse>
            """
        let error = AWSError.parse(HTTPResponse(status: 400, body: Data(body.utf8)))
        #expect(error == AWSError(code: "Throttling", message: "Rate exceeded & more", statusCode: 400,
                                  requestId: "req-1", faultType: "Sender"))
        #expect(error.isThrottling && error.isRetryable)
    }

    @Test("moto's nested auth errors")
    func motoAuth() {
        let body = "<?xml version=\"1.0\"?><ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code>"
            + "<Message>The request signature we calculated does not match</Message></Error></Errors></ErrorResponse>"
        let error = AWSError.parse(HTTPResponse(status: 403, body: Data(body.utf8)))
        #expect(error.code == "SignatureDoesNotMatch")
        #expect(!error.isRetryable)
    }

    @Test("JSON errors; x-amzn-query-error wins for query-compatible services")
    func json() {
        let plain = AWSError.parse(HTTPResponse(
            status: 400, headers: [("x-amzn-RequestId", "abc")],
            body: Data(#"{"__type":"com.amazonaws.logs#ResourceNotFoundException","message":"gone"}"#.utf8)))
        #expect(plain.code == "ResourceNotFoundException")
        #expect(plain.message == "gone")
        #expect(plain.requestId == "abc")
        let compatible = AWSError.parse(HTTPResponse(
            status: 400, headers: [("x-amzn-query-error", "InvalidParameterValue;Sender")],
            body: Data(#"{"__type":"com.amazonaws.cloudwatch#InvalidParameterValueException","message":"bad"}"#.utf8)))
        #expect(compatible.code == "InvalidParameterValue")
        #expect(compatible.faultType == "Sender")
        #expect(!compatible.isRetryable)
    }

    @Test("5xx without a body is transient; retry-after is read")
    func fallback() {
        let error = AWSError.parse(HTTPResponse(status: 503, headers: [("x-amz-retry-after", "1500")]))
        #expect(error.code == "HTTP503")
        #expect(error.isTransient)
        #expect(error.retryAfter == .milliseconds(1500))
    }

    @Test("secrets echoed by the service are removed from the message")
    func redaction() {
        let body = "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>canonical: "
            + "x-amz-security-token:TOKEN-123456 secret SECRET-abcdef</Message></Error></ErrorResponse>"
        let error = AWSError.parse(HTTPResponse(status: 403, body: Data(body.utf8)),
                                   redacting: ["TOKEN-123456", "SECRET-abcdef"])
        #expect(!"\(error)".contains("TOKEN-123456"))
        #expect(!"\(error)".contains("SECRET-abcdef"))
        #expect("\(error)".contains("<redacted>"))
    }
}

@Suite("Standard retry mode", .timeLimit(.minutes(3)))
struct RetryPolicyTests {
    private let throttled = AWSError(code: "Throttling", message: "", statusCode: 400)
    private let invalid = AWSError(code: "InvalidParameterValue", message: "", statusCode: 400)

    @Test("classification")
    func classification() {
        #expect(RetryPolicy.classify(throttled) == .throttling)
        #expect(RetryPolicy.classify(AWSError(code: "HTTP500", message: "", statusCode: 500)) == .transient)
        #expect(RetryPolicy.classify(AWSError(code: "HTTP429", message: "", statusCode: 429)) == .throttling)
        #expect(RetryPolicy.classify(HTTPTransportError.timedOut) == .timeout)
        #expect(RetryPolicy.classify(HTTPTransportError.connectionFailed("x")) == .transient)
        #expect(RetryPolicy.classify(HTTPTransportError.connectionReset("x")) == .transient)
        #expect(RetryPolicy.classify(invalid) == nil)
        #expect(RetryPolicy.classify(HTTPTransportError.tlsFailure("x")) == nil)
        #expect(RetryPolicy.classify(AWSError(code: "LimitExceededException", message: "", statusCode: 400)) == nil)
        #expect(RetryPolicy.classify(CancellationError()) == nil)
    }

    @Test("full jitter under a doubling cap, capped at 20 s")
    func delays() {
        let top = RetryPolicy(maxAttempts: 10, quota: nil, random: { 0.999999 })
        #expect(top.delay(beforeRetry: 1, after: throttled)! <= .seconds(1))
        #expect(top.delay(beforeRetry: 2, after: throttled)! > .seconds(1.9))
        #expect(top.delay(beforeRetry: 3, after: throttled)! > .seconds(3.9))
        #expect(top.delay(beforeRetry: 9, after: throttled)! <= .seconds(20))
        #expect(top.delay(beforeRetry: 9, after: throttled)! > .seconds(19.9))
        let zero = RetryPolicy(quota: nil, random: { 0 })
        #expect(zero.delay(beforeRetry: 1, after: throttled) == .zero)
        let modern = RetryPolicy(backoff: .v2026, quota: nil, random: { 0.999999 })
        #expect(modern.delay(beforeRetry: 1, after: HTTPTransportError.connectionReset(""))! <= .milliseconds(50))
        #expect(modern.delay(beforeRetry: 1, after: throttled)! > .milliseconds(999))
    }

    @Test("a server's retry-after hint raises the delay, within 5 s of the computed one")
    func retryAfter() {
        let policy = RetryPolicy(quota: nil, random: { 0.5 })
        let hinted = AWSError(code: "Throttling", message: "", statusCode: 400, retryAfter: .seconds(3))
        #expect(policy.delay(beforeRetry: 1, after: hinted) == .seconds(3))
        let huge = AWSError(code: "Throttling", message: "", statusCode: 400, retryAfter: .seconds(60))
        #expect(policy.delay(beforeRetry: 1, after: huge) == .milliseconds(500) + .seconds(5))
    }

    @Test("attempts are bounded and non-retryable errors are not retried; sleeps are injected")
    func run() async throws {
        let slept = Locked<[Duration]>([])
        let attempts = Locked(0)
        let policy = RetryPolicy(maxAttempts: 3, quota: nil, random: { 0.5 }, sleep: { delay in slept.withLock { $0.append(delay) } })
        await #expect(throws: AWSError.self) {
            try await policy.run { () async throws -> Int in
                attempts.withLock { $0 += 1 }
                throw AWSError(code: "Throttling", message: "", statusCode: 400)
            }
        }
        #expect(attempts.withLock { $0 } == 3)
        #expect(slept.withLock { $0 } == [.milliseconds(500), .seconds(1)])

        attempts.withLock { $0 = 0 }
        let invalid = self.invalid
        await #expect(throws: AWSError.self) {
            try await policy.run { () async throws -> Int in
                attempts.withLock { $0 += 1 }
                throw invalid
            }
        }
        #expect(attempts.withLock { $0 } == 1)

        attempts.withLock { $0 = 0 }
        let value = try await policy.run { () async throws -> Int in
            let attempt = attempts.withLock { $0 += 1; return $0 }
            if attempt < 3 { throw HTTPTransportError.connectionFailed("refused") }
            return 42
        }
        #expect(value == 42)
    }

    @Test("the retry quota stops retries when spent and refills on success")
    func quota() {
        let quota = RetryQuota(capacity: 12)
        let policy = RetryPolicy(maxAttempts: 10, quota: quota, random: { 0 })
        #expect(policy.delay(beforeRetry: 1, after: throttled) != nil)              // 12 -> 7
        #expect(policy.delay(beforeRetry: 1, after: HTTPTransportError.timedOut) == nil)  // needs 10
        #expect(policy.delay(beforeRetry: 1, after: throttled) != nil)              // 7 -> 2
        #expect(policy.delay(beforeRetry: 1, after: throttled) == nil)
        policy.recordSuccess(afterRetries: 1, lastKind: .throttling)                 // +5
        #expect(quota.available == 7)
        policy.recordSuccess(afterRetries: 0)
        #expect(quota.available == 8)
    }
}

@Suite("gzip", .timeLimit(.minutes(3)))
struct GzipTests {
    @Test("round trip, gzip header, real compression")
    func roundTrip() throws {
        let text = Data(String(repeating: "MetricData.member.1.Dimensions.member.1.Name=StreamName&", count: 500).utf8)
        let compressed = try Gzip.compress(text)
        #expect(compressed.prefix(2) == Data([0x1F, 0x8B]))
        #expect(compressed.count < text.count / 10)
        #expect(try Gzip.decompress(compressed) == text)
        #expect(try Gzip.decompress(try Gzip.compress(Data())) == Data())
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(compressed.prefix(compressed.count / 2)) }
    }
}
