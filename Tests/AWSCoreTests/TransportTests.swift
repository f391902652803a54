import AWSCore
import Foundation
import CWMHTTPTestSupport
import Testing

/// The transports of this platform: libcurl everywhere, URLSession on Darwin.
enum TransportKind: String, CaseIterable, CustomStringConvertible, Sendable {
    #if canImport(Darwin)
    case urlSession
    #endif
    case curl
    var description: String { rawValue }
    func make(tls: TLSOptions = .default) -> any HTTPTransport {
        switch self {
        #if canImport(Darwin)
        case .urlSession: return URLSessionTransport(tls: tls)
        #endif
        case .curl: return CurlTransport(tls: tls)
        }
    }
}

@Suite("HTTP transports", .timeLimit(.minutes(3)))
struct TransportTests {
    @Test("a response of any status comes back with headers and body", arguments: TransportKind.allCases)
    func response(kind: TransportKind) async throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/fail"
                ? .text(503, "<Error/>", headers: [("X-Custom", "yes")])
                : .text(200, "echo:" + String(decoding: request.body, as: UTF8.self), headers: [("X-Amzn-RequestId", "r-1")])
        }
        defer { server.stop() }
        let transport = kind.make()
        let ok = try await transport.send(HTTPRequest(
            method: "POST", url: server.url.appendingPathComponent("ok"),
            headers: [("Content-Type", "text/plain"), ("X-Test", "1")], body: Data("hello".utf8)))
        #expect(ok.status == 200)
        #expect(String(decoding: ok.body, as: UTF8.self) == "echo:hello")
        #expect(ok.header("x-amzn-requestid") == "r-1")
        let failed = try await transport.send(HTTPRequest(method: "GET", url: server.url.appendingPathComponent("fail")))
        #expect(failed.status == 503)
        #expect(failed.header("X-Custom") == "yes")
        let seen = try #require(server.requests.first)
        #expect(seen.method == "POST")
        #expect(seen.header("X-Test") == "1")
        #expect(seen.header("Expect") == nil)
    }

    @Test("a refused connection is connectionFailed", arguments: TransportKind.allCases)
    func refused(kind: TransportKind) async throws {
        let url = try LoopbackHTTPServer.refusingURL()
        await #expect {
            _ = try await kind.make().send(HTTPRequest(method: "GET", url: url, timeout: .seconds(2)))
        } throws: { error in
            if case .connectionFailed = error as? HTTPTransportError { return true }
            return false
        }
    }

    @Test("a server that never answers hits the request's deadline", arguments: TransportKind.allCases)
    func hangs(kind: TransportKind) async throws {
        let server = try LoopbackHTTPServer { _ in .hang }
        defer { server.stop() }
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: HTTPTransportError.timedOut) {
            _ = try await kind.make().send(HTTPRequest(method: "GET", url: server.url, timeout: .seconds(1)))
        }
        // A request that ignored its deadline would wait for the server
        // forever; the bound leaves room for a loaded 2-core machine, where
        // the CPU-bound suites beside this one delayed it to 9.4 s once.
        #expect(started.duration(to: clock.now) < .seconds(30))
    }

    @Test("a reset mid-response is an error, not a truncated success", arguments: TransportKind.allCases)
    func reset(kind: TransportKind) async throws {
        let server = try LoopbackHTTPServer { _ in .resetMidResponse }
        defer { server.stop() }
        await #expect(throws: HTTPTransportError.self) {
            _ = try await kind.make().send(HTTPRequest(method: "GET", url: server.url, timeout: .seconds(3)))
        }
    }

    @Test("unsupported schemes fail at once instead of hanging", arguments: TransportKind.allCases)
    func schemes(kind: TransportKind) async throws {
        await #expect(throws: HTTPTransportError.unsupportedScheme("ftp")) {
            _ = try await kind.make().send(HTTPRequest(method: "GET", url: URL(string: "ftp://127.0.0.1/")!))
        }
    }

    @Test("cancelling the task aborts a transfer in progress", arguments: TransportKind.allCases)
    func cancellation(kind: TransportKind) async throws {
        let server = try LoopbackHTTPServer { _ in .hang }
        defer { server.stop() }
        let transport = kind.make()
        let task = Task { try await transport.send(HTTPRequest(method: "GET", url: server.url, timeout: .seconds(30))) }
        try await server.waitForRequests(1)
        task.cancel()
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: (any Error).self) { _ = try await task.value }
        #expect(started.duration(to: clock.now) < .seconds(10))
    }
}

@Suite("TLS verification", .enabled(if: TestEnvironment.runs(HTTPSFixture.available), "needs python3 on PATH"),
       .timeLimit(.minutes(2)))
struct TLSTests {
    @Test("verification on: a self-signed certificate is a clear TLS error", arguments: TransportKind.allCases)
    func verified(kind: TransportKind) async throws {
        let fixture = try await HTTPSFixture()
        defer { fixture.stop() }
        await #expect {
            _ = try await kind.make().send(HTTPRequest(method: "GET", url: fixture.url, timeout: .seconds(5)))
        } throws: { error in
            guard case .tlsFailure(let detail) = error as? HTTPTransportError else { return false }
            return !detail.isEmpty
        }
    }

    @Test("verification off: the request goes through")
    func unverified() async throws {
        let fixture = try await HTTPSFixture()
        defer { fixture.stop() }
        let transport = try makeHTTPTransport(tls: TLSOptions(verifyPeer: false))
        let response = try await transport.send(HTTPRequest(method: "POST", url: fixture.url, body: Data("x".utf8)))
        #expect(response.status == 200)
        #expect(await fixture.nextRequest() == "POST /")
    }

    @Test("AWS_CA_BUNDLE, else the profile's ca_bundle, applies when the sink gives none; the sink's own wins")
    func awsCABundle() async throws {
        let fixture = try await HTTPSFixture()
        defer { fixture.stop() }
        let home = ["HOME": "/nonexistent-home"]
        let fromEnvironment = TLSOptions.aws(verifyPeer: true, caBundlePath: nil,
                                             environment: home.merging(["AWS_CA_BUNDLE": fixture.certificatePath]) { $1 })
        #expect(fromEnvironment.caBundlePath == fixture.certificatePath)
        let response = try await makeHTTPTransport(tls: fromEnvironment).send(HTTPRequest(method: "GET", url: fixture.url))
        #expect(response.status == 200)
        let files = try TemporaryFiles(["config": "[profile lab]\nca_bundle = \(fixture.certificatePath)\n"])
        let fromProfile = TLSOptions.aws(verifyPeer: true, caBundlePath: nil,
                                         environment: home.merging(["AWS_CONFIG_FILE": files.path("config"),
                                                                    "AWS_PROFILE": "lab"]) { $1 })
        #expect(fromProfile.caBundlePath == fixture.certificatePath)
        #expect(TLSOptions.aws(verifyPeer: true, caBundlePath: "/mine.pem",
                               environment: ["AWS_CA_BUNDLE": "/theirs.pem"]).caBundlePath == "/mine.pem")
        #expect(TLSOptions.aws(verifyPeer: true, caBundlePath: nil, environment: home).caBundlePath == nil)
    }

    @Test("a CA bundle adds trust to the system's, it does not replace it (libcurl gets both, in memory)")
    func caBundleAddsTrust() async throws {
        let fixture = try await HTTPSFixture()
        defer { fixture.stop() }
        let unrelated = TestEnvironment.path("Tests/Fixtures/tls/other-ca.pem")
        // A "system" bundle that trusts the server, and a user's bundle that does not.
        let adding = CurlTransport(tls: TLSOptions(verifyPeer: true, caBundlePath: unrelated),
                                   systemTrustPaths: [fixture.certificatePath])
        let response = try await adding.send(HTTPRequest(method: "GET", url: fixture.url, timeout: .seconds(5)))
        #expect(response.status == 200)
        // No system bundle to add to: the user's alone, which does not trust the server.
        let alone = CurlTransport(tls: TLSOptions(verifyPeer: true, caBundlePath: unrelated), systemTrustPaths: [])
        await #expect {
            _ = try await alone.send(HTTPRequest(method: "GET", url: fixture.url, timeout: .seconds(5)))
        } throws: { error in
            if case .tlsFailure = error as? HTTPTransportError { return true }
            return false
        }
    }

    @Test("a CA bundle trusts the server without turning verification off")
    func caBundle() async throws {
        let fixture = try await HTTPSFixture()
        defer { fixture.stop() }
        let transport = try makeHTTPTransport(tls: TLSOptions(verifyPeer: true, caBundlePath: fixture.certificatePath))
        let response = try await transport.send(HTTPRequest(method: "GET", url: fixture.url))
        #expect(response.status == 200)
    }
}
