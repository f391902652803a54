import AWSCore
import Foundation
import HTTPTestSupport
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

@Suite("HTTP transports")
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
        #expect(started.duration(to: clock.now) < .seconds(8))
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
        while server.requests.isEmpty { await Task.yield() }
        task.cancel()
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: (any Error).self) { _ = try await task.value }
        #expect(started.duration(to: clock.now) < .seconds(10))
    }
}

/// The HTTPS fixture (scripts/https_fixture.py) in the test virtualenv's Python.
final class HTTPSFixture: @unchecked Sendable {
    let process = Process()
    /// Held open while the fixture should live; closing it makes it exit.
    let input = Pipe()
    let port: Int
    let certificatePath: String
    let directory: URL

    static var python: String? { ProcessInfo.processInfo.environment["METRICS_TEST_PYTHON"] }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/https_fixture.py")
        process.executableURL = URL(fileURLWithPath: Self.python!)
        process.arguments = [script.path, directory.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let fields = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard fields.count == 2, let port = Int(fields[0]) else {
            process.terminate()
            throw HTTPTransportError.other("https fixture did not start")
        }
        self.port = port
        certificatePath = fields[1].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var url: URL { URL(string: "https://127.0.0.1:\(port)/")! }

    /// Stops the fixture. `Process.waitUntilExit()` can hang when called
    /// from the cooperative pool on Linux, so this kills and reaps directly.
    func stop() {
        try? input.fileHandleForWriting.close()
        let pid = process.processIdentifier
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: directory)
    }
}

@Suite("TLS verification", .enabled(if: HTTPSFixture.python != nil, "needs METRICS_TEST_PYTHON (scripts/test.sh sets it)"))
struct TLSTests {
    @Test("verification on: a self-signed certificate is a clear TLS error", arguments: TransportKind.allCases)
    func verified(kind: TransportKind) async throws {
        let fixture = try HTTPSFixture()
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
        let fixture = try HTTPSFixture()
        defer { fixture.stop() }
        let transport = try makeHTTPTransport(tls: TLSOptions(verifyPeer: false))
        let response = try await transport.send(HTTPRequest(method: "POST", url: fixture.url, body: Data("x".utf8)))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "ok")
    }

    @Test("a CA bundle trusts the server without turning verification off")
    func caBundle() async throws {
        let fixture = try HTTPSFixture()
        defer { fixture.stop() }
        let transport = try makeHTTPTransport(tls: TLSOptions(verifyPeer: true, caBundlePath: fixture.certificatePath))
        let response = try await transport.send(HTTPRequest(method: "GET", url: fixture.url))
        #expect(response.status == 200)
    }
}
