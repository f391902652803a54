@testable import AWSCore
import Foundation
import CWMHTTPTestSupport
import CWMLocking
import Testing

private let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
private let token = "FQoGZXIvYXdzEXAMPLESESSIONTOKEN+/="

/// An environment with no credentials anywhere.
private func bareEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
    ["HOME": "/nonexistent-home", "AWS_EC2_METADATA_DISABLED": "true"].merging(extra) { $1 }
}

private func credentialsJSON(_ keyId: String, expiration: String = "2099-01-01T00:00:00Z") -> Data {
    Data(#"{"Code":"Success","AccessKeyId":"\#(keyId)","SecretAccessKey":"\#(secret)","Token":"\#(token)","Expiration":"\#(expiration)"}"#.utf8)
}

@Suite("Credentials", .timeLimit(.minutes(3)))
struct CredentialTests {
    @Test("descriptions, debug output and mirrors never show the secret or the token")
    func redaction() {
        let credentials = AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: secret, sessionToken: token)
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in ["\(credentials)", String(reflecting: credentials), dumped, "\([credentials])", String(describing: Optional(credentials))] {
            #expect(!text.contains(secret), "\(text)")
            #expect(!text.contains(token), "\(text)")
            #expect(!text.contains("AKIAIOSFODNN7EXAMPLE"), "\(text)")
        }
        #expect("\(credentials)".contains("****MPLE"))
    }

    @Test("environment: full, partial, absent")
    func environment() async throws {
        let full = EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": secret,
                                                               "AWS_SESSION_TOKEN": token])
        #expect(try await full.credentials() == AWSCredentials(accessKeyId: "AKID", secretAccessKey: secret, sessionToken: token))
        await #expect(throws: CredentialsError.failed(provider: "environment",
                                                      reason: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together")) {
            _ = try await EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": "AKID"]).credentials()
        }
        await #expect(throws: CredentialsError.self) { _ = try await EnvironmentCredentialProvider(environment: [:]).credentials() }
    }

    @Test("profiles from the credentials and config files")
    func profiles() async throws {
        let files = try TemporaryFiles([
            "credentials": "[default]\naws_access_key_id = DEFAULTKEY\naws_secret_access_key = \(secret)\n",
            "config": "[profile ci]\naws_access_key_id = CIKEY\naws_secret_access_key = \(secret)\naws_session_token = \(token)\n",
        ])
        let base = ["HOME": "/x", "AWS_SHARED_CREDENTIALS_FILE": files.path("credentials"), "AWS_CONFIG_FILE": files.path("config")]
        let standard = ProfileCredentialProvider(files: SharedConfigFiles(environment: base))
        #expect(try await standard.credentials().accessKeyId == "DEFAULTKEY")
        let ci = ProfileCredentialProvider(files: SharedConfigFiles(environment: base.merging(["AWS_PROFILE": "ci"]) { $1 }))
        #expect(try await ci.credentials().sessionToken == token)
        #expect(ci.name == "profile ci")
    }

    @Test("the chain: environment before profile, a misconfigured source stops it, none lists what it tried")
    func chainOrder() async throws {
        let files = try TemporaryFiles(["credentials": "[default]\naws_access_key_id = PROFILEKEY\naws_secret_access_key = \(secret)\n"])
        let withProfile = bareEnvironment(["AWS_SHARED_CREDENTIALS_FILE": files.path("credentials")])
        let refusing = try LoopbackHTTPServer.refusingURL()

        let fromProfile = DefaultCredentialProvider(environment: withProfile, imdsEndpoint: refusing)
        #expect(try await fromProfile.credentials().accessKeyId == "PROFILEKEY")

        let fromEnvironment = DefaultCredentialProvider(
            environment: withProfile.merging(["AWS_ACCESS_KEY_ID": "ENVKEY", "AWS_SECRET_ACCESS_KEY": secret]) { $1 },
            imdsEndpoint: refusing)
        #expect(try await fromEnvironment.credentials().accessKeyId == "ENVKEY")

        let explicit = DefaultCredentialProvider(explicit: AWSCredentials(accessKeyId: "CODEKEY", secretAccessKey: secret),
                                                 environment: withProfile, imdsEndpoint: refusing)
        #expect(try await explicit.credentials().accessKeyId == "CODEKEY")

        let broken = DefaultCredentialProvider(environment: withProfile.merging(["AWS_ACCESS_KEY_ID": "ONLYID"]) { $1 })
        await #expect(throws: CredentialsError.self) { _ = try await broken.credentials() }

        // Nothing configured; IMDS enabled but nothing listening.
        let none = DefaultCredentialProvider(environment: ["HOME": "/nonexistent-home"], imdsEndpoint: refusing)
        do {
            _ = try await none.credentials()
            Issue.record("expected no credentials")
        } catch let error as CredentialsError {
            let text = "\(error)"
            #expect(text.hasPrefix("no credentials found: tried environment"))
            for source in ["profile default", "web identity", "container credentials", "EC2 instance metadata"] {
                #expect(text.contains(source), "\(text)")
            }
        }
    }

    @Test("web identity: the token goes to STS unsigned; STS's credentials come back")
    func webIdentity() async throws {
        let files = try TemporaryFiles(["token": "eyJ.header.payload\n"])
        let sts = try LoopbackHTTPServer { _ in
            .text(200, """
                <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                <AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAWEB</AccessKeyId>
                <SecretAccessKey>\(secret)</SecretAccessKey><SessionToken>\(token)</SessionToken>
                <Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult>
                </AssumeRoleWithWebIdentityResponse>
                """)
        }
        defer { sts.stop() }
        let environment = bareEnvironment(["AWS_WEB_IDENTITY_TOKEN_FILE": files.path("token"),
                                           "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/metrics",
                                           "AWS_ROLE_SESSION_NAME": "agent", "AWS_ENDPOINT_URL_STS": sts.url.absoluteString])
        let credentials = try await DefaultCredentialProvider(environment: environment).credentials()
        #expect(credentials.accessKeyId == "ASIAWEB")
        #expect(credentials.sessionToken == token)
        #expect(credentials.expiration == AWSDate.parseISO8601("2099-01-01T00:00:00Z"))
        let request = try #require(sts.requests.first)
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(body.contains("Action=AssumeRoleWithWebIdentity"))
        #expect(body.contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fmetrics"))
        #expect(body.contains("WebIdentityToken=eyJ.header.payload"))
        #expect(body.contains("RoleSessionName=agent"))
        #expect(request.header("Authorization") == nil)
    }

    @Test("web identity: an STS refusal is a failure that does not echo the token")
    func webIdentityRefused() async throws {
        let files = try TemporaryFiles(["token": "SECRET-WEB-TOKEN"])
        let sts = try LoopbackHTTPServer { request in
            .text(403, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>bad token \(String(decoding: request.body, as: UTF8.self))</Message></Error></ErrorResponse>")
        }
        defer { sts.stop() }
        let provider = WebIdentityCredentialProvider(
            environment: bareEnvironment(["AWS_WEB_IDENTITY_TOKEN_FILE": files.path("token"), "AWS_ROLE_ARN": "arn:role"]),
            stsEndpoint: sts.url)
        do {
            _ = try await provider.credentials()
            Issue.record("expected a failure")
        } catch {
            #expect("\(error)".contains("AccessDenied"))
            #expect(!"\(error)".contains("SECRET-WEB-TOKEN"))
        }
    }

    @Test("container: relative URI, full URI with a token file, and the safety checks")
    func container() async throws {
        let files = try TemporaryFiles(["auth": "Bearer pod-identity-token\n", "bad": "line1\r\nline2"])
        let agent = try LoopbackHTTPServer { request in
            request.path == "/v2/credentials/abc" || request.header("Authorization") == "Bearer pod-identity-token"
                ? .respond(status: 200, body: credentialsJSON("ASIACONTAINER")) : .text(401, "no")
        }
        defer { agent.stop() }
        let relative = ContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"], relativeBase: agent.url)
        #expect(try await relative.credentials().accessKeyId == "ASIACONTAINER")

        let full = ContainerCredentialProvider(environment: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": agent.url.appendingPathComponent("creds").absoluteString,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": files.path("auth"),
        ])
        #expect(try await full.credentials().sessionToken == token)
        #expect(agent.requests.last?.header("Authorization") == "Bearer pod-identity-token")

        let crlf = ContainerCredentialProvider(environment: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": agent.url.absoluteString,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": files.path("bad"),
        ])
        await #expect(throws: CredentialsError.self) { _ = try await crlf.credentials() }
        let remotePlain = ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://example.com/creds"])
        await #expect(throws: CredentialsError.self) { _ = try await remotePlain.credentials() }
    }

    @Test("IMDSv2: token, then role, then credentials, each with the token")
    func imdsV2() async throws {
        let imds = try LoopbackHTTPServer { request in
            switch (request.method, request.path) {
            case ("PUT", "/latest/api/token"):
                return request.header("x-aws-ec2-metadata-token-ttl-seconds") == "21600" ? .text(200, "TOKEN123") : .text(400, "")
            case (_, _) where request.header("x-aws-ec2-metadata-token") != "TOKEN123":
                return .text(401, "")
            case ("GET", "/latest/meta-data/iam/security-credentials/"):
                return .text(200, "metrics-role\n")
            case ("GET", "/latest/meta-data/iam/security-credentials/metrics-role"):
                return .respond(status: 200, body: credentialsJSON("ASIAIMDS"))
            default:
                return .text(404, "")
            }
        }
        defer { imds.stop() }
        let provider = IMDSCredentialProvider(environment: [:], client: IMDSClient(environment: [:], endpoint: imds.url))
        #expect(try await provider.credentials().accessKeyId == "ASIAIMDS")
        #expect(imds.requests.map(\.method) == ["PUT", "GET", "GET"])
    }

    @Test("IMDS: falls back to v1 when the token call is refused, unless v1 is disabled")
    func imdsV1() async throws {
        let imds = try LoopbackHTTPServer { request in
            switch (request.method, request.path) {
            case ("PUT", _): return .text(405, "")
            case ("GET", "/latest/meta-data/iam/security-credentials/"): return .text(200, "role")
            case ("GET", "/latest/meta-data/iam/security-credentials/role"): return .respond(status: 200, body: credentialsJSON("ASIAV1"))
            default: return .text(404, "")
            }
        }
        defer { imds.stop() }
        let v1 = IMDSCredentialProvider(environment: [:], client: IMDSClient(environment: [:], endpoint: imds.url))
        #expect(try await v1.credentials().accessKeyId == "ASIAV1")
        #expect(imds.requests.last?.header("x-aws-ec2-metadata-token") == nil)
        let strict = IMDSCredentialProvider(environment: [:], client: IMDSClient(
            environment: ["AWS_EC2_METADATA_V1_DISABLED": "true"], endpoint: imds.url))
        await #expect(throws: CredentialsError.self) { _ = try await strict.credentials() }
    }

    @Test("IMDS: unreachable or disabled is 'not configured', so the chain moves on")
    func imdsAbsent() async throws {
        let unreachable = IMDSCredentialProvider(environment: [:], client: IMDSClient(environment: [:], endpoint: try LoopbackHTTPServer.refusingURL()))
        await #expect { _ = try await unreachable.credentials() } throws: { error in
            if case .notConfigured = error as? CredentialsError { return true }
            return false
        }
        let disabled = IMDSCredentialProvider(environment: ["AWS_EC2_METADATA_DISABLED": "true"])
        await #expect(throws: CredentialsError.notConfigured(provider: "EC2 instance metadata (IMDS)", reason: "AWS_EC2_METADATA_DISABLED=true")) {
            _ = try await disabled.credentials()
        }
    }
}

/// A provider that counts calls and returns scripted results.
final class ScriptedProvider: CredentialProvider {
    let calls = Locked(0)
    let results: Locked<[Result<AWSCredentials, CredentialsError>]>
    let gate: Locked<CheckedContinuation<Void, Never>?> = Locked(nil)
    init(_ results: [Result<AWSCredentials, CredentialsError>]) { self.results = Locked(results) }
    var name: String { "scripted" }
    func credentials() async throws -> AWSCredentials {
        calls.withLock { $0 += 1 }
        await Task.yield()
        return try results.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }.get()
    }
}

@Suite("Credential caching", .timeLimit(.minutes(3)))
struct CachingTests {
    final class Now: @unchecked Sendable {
        let value = Locked(Date(timeIntervalSince1970: 1_000_000))
        func advance(_ seconds: TimeInterval) { value.withLock { $0 += seconds } }
        var date: Date { value.withLock { $0 } }
    }

    private func credentials(_ id: String, expiresAt: Date) -> AWSCredentials {
        AWSCredentials(accessKeyId: id, secretAccessKey: "s", sessionToken: "t", expiration: expiresAt)
    }

    @Test("concurrent callers share one refresh")
    func singleFlight() async throws {
        let now = Now()
        let base = ScriptedProvider([.success(credentials("A", expiresAt: now.date + 3600))])
        let cache = CachingCredentialProvider(base, now: { now.date })
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 { group.addTask { try await cache.credentials().accessKeyId } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(ids == Array(repeating: "A", count: 50))
        #expect(base.calls.withLock { $0 } == 1)
    }

    @Test("refresh 15 min before expiry; keep the old ones on failure until 10 min before")
    func windows() async throws {
        let now = Now()
        let expiry = now.date + 3600
        let base = ScriptedProvider([
            .success(credentials("A", expiresAt: expiry)),
            .failure(.failed(provider: "scripted", reason: "down")),
            .failure(.failed(provider: "scripted", reason: "down")),
            .success(credentials("B", expiresAt: expiry + 3600)),
        ])
        let cache = CachingCredentialProvider(base, now: { now.date })
        #expect(try await cache.credentials().accessKeyId == "A")
        now.advance(3600 - 16 * 60)
        #expect(try await cache.credentials().accessKeyId == "A")
        #expect(base.calls.withLock { $0 } == 1)              // still fresh
        now.advance(2 * 60)                                    // 14 min left: advisory
        #expect(try await cache.credentials().accessKeyId == "A")
        #expect(base.calls.withLock { $0 } == 2)              // tried, failed, kept A
        now.advance(5 * 60)                                    // 9 min left: mandatory
        await #expect(throws: CredentialsError.self) { _ = try await cache.credentials() }
        #expect(try await cache.credentials().accessKeyId == "B")
        #expect(base.calls.withLock { $0 } == 4)
    }

    @Test("long-term keys are fetched once")
    func staticKeys() async throws {
        let base = ScriptedProvider([.success(AWSCredentials(accessKeyId: "K", secretAccessKey: "s"))])
        let cache = CachingCredentialProvider(base)
        for _ in 0..<5 { _ = try await cache.credentials() }
        #expect(base.calls.withLock { $0 } == 1)
    }
}

@Suite("AWS service client", .timeLimit(.minutes(3)))
struct ServiceClientTests {
    @Test("signs, sends, gzips with a signed payload hash, and scrubs secrets from errors")
    func client() async throws {
        let server = try LoopbackHTTPServer { request in
            request.header("Content-Encoding") == "gzip"
                ? .text(200, "{}")
                : .text(403, "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>expected x-amz-security-token:\(token)</Message></Error></ErrorResponse>")
        }
        defer { server.stop() }
        let client = AWSServiceClient(
            service: .cloudWatch, region: "us-east-1", endpoint: try AWSEndpoint(url: server.url),
            credentials: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKID", secretAccessKey: secret, sessionToken: token)))
        let body = Data(String(repeating: "x", count: 20_000).utf8)
        _ = try await client.send(headers: [("Content-Type", "application/x-amz-json-1.0")], body: body, compression: .gzip(minimumBytes: 0))
        let sent = try #require(server.requests.first)
        #expect(try Gzip.decompress(sent.body) == body)
        #expect(sent.header("X-Amz-Content-SHA256") == SHA256.hexHash(sent.body))
        #expect(sent.header("Host") == "127.0.0.1:\(server.port)")
        let authorization = try #require(sent.header("Authorization"))
        #expect(authorization.contains("SignedHeaders=content-encoding;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token"))

        do {
            _ = try await client.send(headers: [], body: Data("{}".utf8))
            Issue.record("expected an AWSError")
        } catch let error as AWSError {
            #expect(error.code == "SignatureDoesNotMatch")
            #expect(!"\(error)".contains(token))
        }
    }
}
