@testable import AWSCore
import CWMUTCTime
import Foundation
import CWMHTTPTestSupport
import CWMLocking
import Testing

/// A transport that answers from a script and records what it was sent.
final class ScriptedTransport: HTTPTransport, Sendable {
    private let replies: Locked<[HTTPResponse]>
    private let sent = Locked<[HTTPRequest]>([])

    /// Answers with `replies` in order, then 200 with an empty JSON body.
    init(_ replies: [HTTPResponse] = []) {
        self.replies = Locked(replies)
    }

    var requests: [HTTPRequest] { sent.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        sent.withLock { $0.append(request) }
        return replies.withLock { $0.isEmpty ? HTTPResponse(status: 200, body: Data("{}".utf8)) : $0.removeFirst() }
    }
}

/// A provider that hands out numbered credentials and counts invalidations.
final class CountingCredentialProvider: CredentialProvider {
    private let state = Locked((fetches: 0, invalidations: 0))
    var name: String { "counting" }
    var fetches: Int { state.withLock { $0.fetches } }
    var invalidations: Int { state.withLock { $0.invalidations } }

    func credentials() async throws -> AWSCredentials {
        let number = state.withLock { state -> Int in
            state.fetches += 1
            return state.fetches
        }
        return AWSCredentials(accessKeyId: "AKID\(number)", secretAccessKey: "secret-number-\(number)")
    }

    func invalidate() { state.withLock { $0.invalidations += 1 } }
}

private func awsErrorResponse(_ code: String, status: Int = 403, date: Date? = nil) -> HTTPResponse {
    var headers = [("x-amzn-query-error", "\(code);Sender")]
    if let date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        headers.append(("Date", formatter.string(from: date)))
    }
    return HTTPResponse(status: status, headers: headers, body: Data(#"{"__type":"\#(code)","message":"no"}"#.utf8))
}

private func client(_ transport: ScriptedTransport, credentials: any CredentialProvider, now: Date) throws -> AWSServiceClient {
    AWSServiceClient(
        service: .cloudWatch, region: "us-east-1",
        endpoint: try AWSEndpoint(url: URL(string: "https://monitoring.us-east-1.amazonaws.com")!),
        credentials: credentials, transport: transport, now: { now })
}

@Suite("Region names that could redirect a signed request", .timeLimit(.minutes(3)))
struct RegionValidationTests {
    @Test("botocore's rule: one DNS label of letters, digits and inner hyphens", arguments: [
        ("us-east-1", true), ("eu-isoe-west-1", true), ("a", true), ("US-EAST-1", true),
        (String(repeating: "a", count: 63), true), (String(repeating: "a", count: 64), false),
        ("", false), ("-us-east-1", false), ("us-east-1-", false), ("x@evil.example/", false),
        ("us-east-1.evil.example", false), ("us east 1", false), ("us-east-1\n", false), ("évian", false),
    ])
    func rule(region: String, valid: Bool) {
        #expect(AWSRegion.isValid(region) == valid)
    }

    @Test("a bad region is a typed error from endpoint resolution, even with an explicit endpoint")
    func endpoint() {
        #expect(throws: EndpointError.invalidRegion("x@evil.example/")) {
            try AWSEndpoint.resolve(service: .cloudWatch, region: "x@evil.example/", environment: [:])
        }
        #expect(throws: EndpointError.invalidRegion("x@evil.example/")) {
            try AWSEndpoint.resolve(service: .cloudWatch, region: "x@evil.example/",
                                    explicit: URL(string: "http://127.0.0.1:4566")!, environment: [:])
        }
    }

    @Test("a bad AWS_REGION never sends the web identity token anywhere")
    func webIdentity() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("webid-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token")
        try Data("the-web-identity-token".utf8).write(to: tokenFile)
        let transport = ScriptedTransport()
        let provider = WebIdentityCredentialProvider(
            environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "AWS_ROLE_ARN": "arn:aws:iam::1:role/r",
                          "AWS_REGION": "x@evil.example/", "HOME": directory.path],
            transport: transport)
        await #expect(throws: CredentialsError.self) { _ = try await provider.credentials() }
        #expect(transport.requests.isEmpty)
    }
}

@Suite("Container credentials endpoint", .timeLimit(.minutes(3)))
struct ContainerEndpointTests {
    @Test("only the container agents, localhost and loopback addresses", arguments: [
        ("169.254.170.2", true), ("169.254.170.23", true), ("[fd00:ec2::23]", true), ("fd00:ec2:0::23", true),
        ("127.0.0.1", true), ("127.200.3.4", true), ("[::1]", true), ("localhost", true),
        ("127.0.0.1.evil.example", false), ("127.a.b.c", false), ("127.0.0.1.nip.io", false), ("evil.example", false),
        ("169.254.169.254", false), ("[fd00:ec2::254]", false), ("10.0.0.1", false), ("128.0.0.1", false),
    ])
    func hosts(host: String, allowed: Bool) {
        #expect(ContainerCredentialProvider.isAllowedHost(host) == allowed)
    }

    @Test("a disallowed full URI fails before any request, whatever the scheme", arguments: [
        "https://evil.example/creds", "http://127.0.0.1.evil.example/creds", "https://169.254.169.254/",
    ])
    func fullURI(uri: String) async {
        let transport = ScriptedTransport()
        let provider = ContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "tok"],
            transport: transport)
        await #expect(throws: CredentialsError.self) { _ = try await provider.credentials() }
        #expect(transport.requests.isEmpty)
    }

    @Test("a relative URI must start with /", arguments: ["@evil.example/creds", ".evil.example/x", "creds"])
    func relativeURI(relative: String) async {
        let transport = ScriptedTransport()
        let provider = ContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": relative], transport: transport)
        await #expect(throws: CredentialsError.self) { _ = try await provider.credentials() }
        #expect(transport.requests.isEmpty)
    }

    @Test("the token file is read with a size cap")
    func tokenFileCap() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        try Data(repeating: UInt8(ascii: "t"), count: (64 << 10) + 1).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let transport = ScriptedTransport()
        let provider = ContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/creds",
                          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": file.path],
            transport: transport)
        await #expect {
            _ = try await provider.credentials()
        } throws: { error in
            "\(error)".contains("larger than 65536 bytes")
        }
        #expect(transport.requests.isEmpty)
    }
}

@Suite("Clock skew and expired credentials", .timeLimit(.minutes(3)))
struct SkewAndExpiryTests {
    @Test("a skewed signature is re-signed with the server's time, once, and the offset is kept")
    func clockSkew() async throws {
        let ours = Date(timeIntervalSince1970: 1_795_000_000)
        let servers = ours.addingTimeInterval(3600)
        let transport = ScriptedTransport([awsErrorResponse("SignatureDoesNotMatch", date: servers)])
        let client = try client(transport, credentials: CountingCredentialProvider(), now: ours)
        _ = try await client.send(headers: [], body: Data("{}".utf8))
        #expect(transport.requests.count == 2)
        #expect(client.clockSkew == 3600)
        let resent = try #require(transport.requests.last)
        #expect(resent.headers.first { $0.0 == "X-Amz-Date" }?.1 == AWSDate.amzDate(servers))
        _ = try await client.send(headers: [], body: Data("{}".utf8))  // the next request uses the offset at once
        #expect(transport.requests.count == 3)
        #expect(transport.requests[2].headers.first { $0.0 == "X-Amz-Date" }?.1 == AWSDate.amzDate(servers))
    }

    @Test("a skew error with a server date close to ours, or twice in a row, is thrown")
    func skewNotCorrected() async throws {
        let ours = Date(timeIntervalSince1970: 1_795_000_000)
        let close = ScriptedTransport([awsErrorResponse("SignatureDoesNotMatch", date: ours.addingTimeInterval(60))])
        await #expect { _ = try await client(close, credentials: CountingCredentialProvider(), now: ours)
            .send(headers: [], body: Data()) } throws: { ($0 as? AWSError)?.code == "SignatureDoesNotMatch" }
        #expect(close.requests.count == 1)
        let far = ours.addingTimeInterval(-7200)
        let twice = ScriptedTransport([awsErrorResponse("RequestTimeTooSkewed", date: far),
                                       awsErrorResponse("RequestTimeTooSkewed", date: far)])
        await #expect { _ = try await client(twice, credentials: CountingCredentialProvider(), now: ours)
            .send(headers: [], body: Data()) } throws: { ($0 as? AWSError)?.code == "RequestTimeTooSkewed" }
        #expect(twice.requests.count == 2)
    }

    @Test("expired credentials are refreshed once and the request is resent",
          arguments: ["ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId"])
    func expired(code: String) async throws {
        let credentials = CountingCredentialProvider()
        let transport = ScriptedTransport([awsErrorResponse(code)])
        _ = try await client(transport, credentials: credentials, now: Date()).send(headers: [], body: Data())
        #expect(credentials.invalidations == 1)
        #expect(transport.requests.count == 2)
        let authorization = transport.requests[1].headers.first { $0.0 == "Authorization" }?.1 ?? ""
        #expect(authorization.contains("Credential=AKID2/"))
        let again = ScriptedTransport([awsErrorResponse(code), awsErrorResponse(code)])
        await #expect { _ = try await client(again, credentials: credentials, now: Date()).send(headers: [], body: Data()) }
            throws: { ($0 as? AWSError)?.code == code }
        #expect(again.requests.count == 2)
    }

    @Test("the caching provider forgets credentials when invalidated")
    func cacheInvalidation() async throws {
        let base = CountingCredentialProvider()
        let cache = CachingCredentialProvider(base)
        _ = try await cache.credentials()
        _ = try await cache.credentials()
        #expect(base.fetches == 1)
        cache.invalidate()
        #expect(try await cache.credentials().accessKeyId == "AKID2")
        #expect(base.invalidations == 1)
    }

    @Test("credentials without an expiry are fetched again after 15 minutes, and kept if that fails")
    func noExpiry() async throws {
        let clock = Locked(Date(timeIntervalSince1970: 1_795_000_000))
        let base = CountingCredentialProvider()
        let cache = CachingCredentialProvider(base, now: { clock.withLock { $0 } })
        #expect(try await cache.credentials().accessKeyId == "AKID1")
        clock.withLock { $0 += 14 * 60 }
        #expect(try await cache.credentials().accessKeyId == "AKID1")
        clock.withLock { $0 += 2 * 60 }
        #expect(try await cache.credentials().accessKeyId == "AKID2")
        #expect(base.fetches == 2)
    }
}

@Suite("Retry quota refunds", .timeLimit(.minutes(3)))
struct RetryQuotaRefundTests {
    @Test("a success after a retry refunds the retry's cost; a first-try success refunds one token")
    func refunds() {
        let quota = RetryQuota()
        let policy = RetryPolicy(quota: quota)
        let throttled = AWSError(code: "Throttling", message: "", statusCode: 400)
        #expect(policy.delay(beforeRetry: 1, after: throttled) != nil)
        #expect(quota.available == 495)
        policy.recordSuccess(afterRetries: 1, lastKind: .throttling)
        #expect(quota.available == 500)
        #expect(policy.delay(beforeRetry: 1, after: HTTPTransportError.timedOut) != nil)
        #expect(quota.available == 490)
        policy.recordSuccess(afterRetries: 1, lastKind: .timeout)
        #expect(quota.available == 500)
    }
}

@Suite("Error text", .timeLimit(.minutes(3)))
struct ErrorTextTests {
    @Test("a secret straddling the 300-character cut of an unparsed body is still redacted")
    func redactBeforeTruncating() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        let body = String(repeating: "x", count: 280) + secret + String(repeating: "y", count: 100)
        let error = AWSError.parse(HTTPResponse(status: 500, body: Data(body.utf8)), redacting: [secret])
        #expect(!error.message.contains(secret.prefix(12)))
        #expect(error.message.contains("<redacted>"))
    }

    @Test("HTTP dates parse as RFC 9110 writes them")
    func httpDate() {
        #expect(UTCTime.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == Date(timeIntervalSince1970: 784_111_777))
        #expect(UTCTime.parseHTTPDate("Mon, 30 Nov 2026 21:51:46 GMT") == Date(timeIntervalSince1970: 1_796_075_506))
        for bad in ["", "yesterday", "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 06 Foo 1994 08:49:37 GMT",
                    "Sun, 99 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49 GMT"] {
            #expect(UTCTime.parseHTTPDate(bad) == nil, "\(bad)")
        }
    }
}

@Suite("libcurl transport limits", .timeLimit(.minutes(3)))
struct CurlLimitTests {
    @Test("a response body over the cap is a typed error, not unbounded memory")
    func bodyCap() async throws {
        let server = try LoopbackHTTPServer { _ in .respond(status: 400, body: Data(repeating: 0x41, count: 2 << 20)) }
        defer { server.stop() }
        await #expect(throws: HTTPTransportError.responseTooLarge(limit: 1 << 20)) {
            _ = try await CurlTransport().send(HTTPRequest(method: "GET", url: server.url, timeout: .seconds(5)))
        }
        let small = try await CurlTransport(maxResponseBytes: 3 << 20).send(
            HTTPRequest(method: "GET", url: server.url, timeout: .seconds(5)))
        #expect(small.body.count == 2 << 20)
    }

    @Test("a 2xx whose body is over the cap is the server's answer, with the body cut and marked, not a failure")
    func acceptedWithHugeBody() async throws {
        let server = try LoopbackHTTPServer { _ in .respond(status: 200, body: Data(repeating: 0x41, count: 2 << 20)) }
        defer { server.stop() }
        let response = try await CurlTransport().send(HTTPRequest(method: "POST", url: server.url, timeout: .seconds(5)))
        #expect(response.status == 200)
        #expect(response.isBodyTruncated)
        #expect(response.body.count <= 1 << 20)
    }

    @Test("a huge timeout does not trap", arguments: TransportKind.allCases)
    func hugeTimeout(kind: TransportKind) async throws {
        let server = try LoopbackHTTPServer { _ in .text(200, "ok") }
        defer { server.stop() }
        let response = try await kind.make().send(
            HTTPRequest(method: "GET", url: server.url, timeout: .seconds(Int64.max)))
        #expect(response.status == 200)
        #expect(Duration.seconds(Int64.max).clampedMilliseconds == 86_400_000)
        #expect(Duration.seconds(-5).clampedMilliseconds == 0)
        #expect(Duration.milliseconds(1500).clampedMilliseconds == 1500)
    }
}
