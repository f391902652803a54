import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP server on 127.0.0.1 that refuses every request with a 403 whose
/// error message echoes the whole request, headers included: the worst
/// case of a backend (or proxy) reflecting what it was sent. Whatever the
/// SDK then reports must still hold no secret.
public final class EchoingServer: @unchecked Sendable {
    public let port: Int
    private let listener: Int32

    public init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(listener, pointer, length) == 0 && listen(listener, 16) == 0
                    && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw TimeLimitExceeded(description: "the echoing server could not listen")
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [listener] in Self.serve(listener) }.start()
    }

    public var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Stops accepting; connections in progress end on their own.
    public func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

    private static func serve(_ listener: Int32) {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 { break }
            Thread { answer(connection) }.start()
        }
        close(listener)
    }

    private static func answer(_ connection: Int32) {
        defer { close(connection) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        // Headers, then as much body as Content-Length says.
        while true {
            let count = read(connection, &buffer, buffer.count)
            if count <= 0 { return }
            request += buffer[0..<count]
            let text = String(decoding: request, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else { continue }
            let length = text[..<end.lowerBound].split(separator: "\r\n")
                .first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            if request.count - text[..<end.upperBound].utf8.count >= length { break }
        }
        let echoed = String(decoding: request, as: UTF8.self)
            .replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
        let body = "{\"__type\":\"AccessDeniedException\",\"message\":\"refused: \(echoed)\"}"
        let response = "HTTP/1.1 403 Forbidden\r\nContent-Type: application/x-amz-json-1.0\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        let bytes = Array(response.utf8)
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a client that hung up is EPIPE here, not a SIGPIPE for the test process.
            let written = bytes[offset...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return }
            offset += written
        }
    }
}
