// A scriptable HTTP/1.1 server on 127.0.0.1 for tests: fake IMDS, container
// and STS endpoints, and a backend that fails on purpose (refuses, hangs,
// answers 5xx or throttles, resets mid-response). Blocking sockets, one
// thread per connection, `Connection: close` on every response.

import Foundation
import CWMLocking
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class LoopbackHTTPServer: @unchecked Sendable {
    /// A request as the server read it.
    public struct Request: Sendable {
        public let method: String
        public let path: String
        public let headers: [(String, String)]
        public let body: Data

        public func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }
    }

    /// What the server does with a request.
    public enum Reply: Sendable {
        /// A complete response.
        case respond(status: Int, headers: [(String, String)] = [], body: Data = Data())
        /// Waits, then replies.
        indirect case delayed(Duration, Reply)
        /// Never answers (until the server stops).
        case hang
        /// Closes the connection without a response.
        case close
        /// Sends the status line, headers with a longer Content-Length, and
        /// part of the body, then closes: a reset mid-response.
        case resetMidResponse

        public static func text(_ status: Int, _ body: String, headers: [(String, String)] = []) -> Reply {
            .respond(status: status, headers: headers, body: Data(body.utf8))
        }
    }

    public let port: Int
    public var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private let listener: Int32
    private let handler: @Sendable (Request) -> Reply
    private let state = Locked((requests: [Request](), connections: Set<Int32>(), stopped: false))
    private let stopSignal = DispatchSemaphore(value: 0)

    /// Starts listening on 127.0.0.1, on `port` or a free one.
    public init(port requested: Int = 0, handler: @escaping @Sendable (Request) -> Reply) throws {
        self.handler = handler
        let (fd, bound) = try Self.bindLoopback(port: requested)
        guard listen(fd, 64) == 0 else {
            close(fd)
            throw ServerError.socket(errno)
        }
        listener = fd
        port = bound
        Thread { [self] in acceptLoop() }.start()
    }

    deinit { stop() }

    /// Every request received so far.
    public var requests: [Request] { state.withLock { $0.requests } }

    /// Waits until at least `count` requests have arrived and returns them,
    /// or throws after `timeout`: a server that is never called fails the
    /// test with a message instead of stalling it.
    @discardableResult
    public func waitForRequests(_ count: Int = 1, timeout: Duration = .seconds(10)) async throws -> [Request] {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let received = requests
            if received.count >= count { return received }
            guard clock.now < deadline else { throw WaitTimeout(expected: count, received: received.count, timeout: timeout) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    public struct WaitTimeout: Error, CustomStringConvertible {
        public let expected: Int
        public let received: Int
        public let timeout: Duration
        public var description: String { "expected \(expected) request(s), got \(received) in \(timeout)" }
    }

    /// Stops listening, closes every connection and releases hanging replies.
    public func stop() {
        let connections = state.withLock { state -> Set<Int32>? in
            if state.stopped { return nil }
            state.stopped = true
            return state.connections
        }
        guard let connections else { return }
        // Only shut sockets down here; the thread that owns each descriptor
        // closes it. Closing here would free the number for reuse by another
        // server while this one's threads still use it.
        shutdown(listener, Int32(SHUT_RDWR))
        for fd in connections { shutdown(fd, Int32(SHUT_RDWR)) }
        for _ in 0..<1000 { stopSignal.signal() }
    }

    /// A URL that refuses connections: a port that was just free.
    public static func refusingURL() throws -> URL {
        // The port stays bound (never listening) for the rest of the process,
        // so the kernel hands it to no other test's server while connections
        // to it are refused. A server may still bind it with SO_REUSEADDR
        // (FaultyBackend's recovery does): Linux allows that beside a socket
        // that does not listen.
        let (_, port) = try bindLoopback(port: 0)
        return URL(string: "http://127.0.0.1:\(port)")!
    }

    /// A TCP socket bound to 127.0.0.1:`port` (0: a free one), with
    /// SO_REUSEADDR, and the port it got. Close-on-exec: a child process
    /// spawned by another test must not inherit (and keep open) it.
    private static func bindLoopback(port requested: Int) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ServerError.socket(errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(requested).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            throw ServerError.socket(errno)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let client = accept(listener, nil, nil)
            if client >= 0 { _ = fcntl(client, F_SETFD, FD_CLOEXEC) }
            if client < 0 {
                if state.withLock({ $0.stopped }) { return }
                continue
            }
            let accepted = state.withLock { state -> Bool in
                if state.stopped { return false }
                state.connections.insert(client)
                return true
            }
            guard accepted else {
                close(client)
                return
            }
            Thread { [self] in serve(client) }.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            state.withLock { _ = $0.connections.remove(fd) }
            close(fd)
        }
        guard let request = readRequest(fd) else { return }
        state.withLock { $0.requests.append(request) }
        perform(handler(request), on: fd)
    }

    private func perform(_ reply: Reply, on fd: Int32) {
        switch reply {
        case .respond(let status, let headers, let body):
            var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            write(fd, Data(head.utf8) + body)
        case .delayed(let delay, let next):
            let deadline = DispatchTime.now() + .nanoseconds(Int(delay.components.seconds) * 1_000_000_000
                                                             + Int(delay.components.attoseconds / 1_000_000_000))
            if stopSignal.wait(timeout: deadline) == .success { return }
            perform(next, on: fd)
        case .hang:
            stopSignal.wait()
        case .close:
            return
        case .resetMidResponse:
            write(fd, Data("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n<partial".utf8))
            var linger = linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
        }
    }

    private func write(_ fd: Int32, _ data: Data) {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return }
                offset += sent
            }
        }
    }

    private func readRequest(_ fd: Int32) -> Request? {
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var headerEnd: Range<Data.Index>?
        while headerEnd == nil {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<count])
            headerEnd = buffer.range(of: Data("\r\n\r\n".utf8))
        }
        let head = String(decoding: buffer[..<headerEnd!.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers.first { $0.0.lowercased() == "content-length" }?.1 ?? "0") ?? 0
        var body = Data(buffer[headerEnd!.upperBound...])
        while body.count < length {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { return nil }
            body.append(contentsOf: chunk[0..<count])
        }
        return Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body)
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }

    public enum ServerError: Error {
        case socket(Int32)
    }
}
