import CCWMCurlShim
import Foundation
import Synchronization

/// Sends requests through libcurl (loaded at run time), for the TLS options
/// URLSession on Linux cannot apply per session: turning verification off
/// (`verifySSL: false`, for a local endpoint with a self-signed
/// certificate) or trusting a private CA bundle.
///
/// Each transfer runs on a thread of its own, never on the cooperative pool;
/// cancelling the task aborts the transfer.
package struct CurlTransport: HTTPTransport {
    package let tls: TLSOptions
    /// The largest response body accepted (AWS error bodies are small); a
    /// longer one fails with ``HTTPTransportError/responseTooLarge(limit:)``,
    /// unless it is a 2xx: the request was taken, and the response comes
    /// back with its body cut (``HTTPResponse/isBodyTruncated``).
    package let maxResponseBytes: Int

    /// The proxies of requests that may use one (libcurl's own reading of
    /// the process's environment is always off).
    package let proxies: HTTPProxies

    /// The system's bundle and `tls.caBundlePath`'s certificates together,
    /// when a CA bundle is given and the system's is found.
    private let trust: Data?

    /// Where Linux distributions keep the system's CA bundle (Debian and
    /// Ubuntu, Fedora and RHEL, openSUSE, CentOS 7, Alpine), after
    /// `SSL_CERT_FILE`.
    package static let systemTrustPaths = [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem",
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/ssl/cert.pem",
    ]

    /// - parameter systemTrustPaths: where to look for the system's CA bundle
    ///   (tests inject their own).
    package init(tls: TLSOptions = .default, maxResponseBytes: Int = 1 << 20, proxies: HTTPProxies = .none,
                 systemTrustPaths: [String]? = nil) {
        self.tls = tls
        self.maxResponseBytes = max(1, maxResponseBytes)
        self.proxies = proxies
        trust = tls.caBundlePath.flatMap { Self.trust(adding: $0, systemPaths: systemTrustPaths) }
    }

    /// A CA bundle adds trust, it does not replace the system's: libcurl's
    /// CA file option replaces its default file, so both are handed to it
    /// in memory. `nil` (the file alone) when the system's bundle or the
    /// given file cannot be read.
    private static func trust(adding path: String, systemPaths: [String]?) -> Data? {
        var candidates = systemPaths ?? systemTrustPaths
        if systemPaths == nil, let file = ProcessInfo.processInfo.environment["SSL_CERT_FILE"], !file.isEmpty {
            candidates.insert(file, at: 0)
        }
        guard let system = candidates.lazy.compactMap({ FileManager.default.contents(atPath: $0) }).first,
              let mine = FileManager.default.contents(atPath: path) else { return nil }
        return system + Data("\n".utf8) + mine
    }

    /// Whether libcurl can be loaded on this machine (and why not).
    package static func availability() -> (available: Bool, reason: String) {
        var buffer = [CChar](repeating: 0, count: 256)
        let available = mcurl_available(&buffer, buffer.count) == 1
        return (available, available ? "" : String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    package func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try HTTPTransportError.validate(request)
        let flag = CancellationFlag()
        let tls = self.tls
        let trust = self.trust
        let limit = maxResponseBytes
        let proxy = request.usesProxy ? proxies.proxy(for: request.url) : nil
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                let thread = Thread {
                    continuation.resume(with: Result {
                        try Self.perform(request, tls: tls, trust: trust, proxy: proxy, maxResponseBytes: limit,
                                         cancelled: flag)
                    })
                }
                thread.stackSize = 512 << 10
                thread.start()
            }
        } onCancel: {
            flag.cancel()
        }
    }

    private static func perform(
        _ request: HTTPRequest, tls: TLSOptions, trust: Data?, proxy: URL?, maxResponseBytes: Int,
        cancelled: CancellationFlag
    ) throws -> HTTPResponse {
        let headerLines = request.headers.map { "\($0.0): \($0.1)" }
        let timeout = max(1000, request.timeout.clampedMilliseconds)
        var response = mcurl_response()
        defer { mcurl_response_free(&response) }

        let code: Int32 = withCStrings(headerLines) { headerPointers in
            request.method.withCString { method in
                request.url.absoluteString.withCString { url in
                    withOptionalCString(tls.caBundlePath) { caFile in
                      withOptionalCString(proxy?.absoluteString) { proxyURL in
                       (trust ?? Data()).withUnsafeBytes { trustBytes in
                        request.body.withUnsafeBytes { body in
                            cancelled.withPointer { flag in
                                var curlRequest = mcurl_request(
                                    method: method, url: url, headers: headerPointers, header_count: headerLines.count,
                                    body: body.baseAddress?.assumingMemoryBound(to: UInt8.self), body_length: body.count,
                                    timeout_ms: timeout, connect_timeout_ms: min(timeout, 5000),
                                    verify_peer: tls.verifyPeer ? 1 : 0, verify_host: tls.verifyPeer ? 1 : 0,
                                    ca_file: caFile, cancelled: flag, max_response_bytes: maxResponseBytes,
                                    ca_blob: trust == nil ? nil : trustBytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                    ca_blob_length: trust == nil ? 0 : trustBytes.count,
                                    proxy: proxyURL)
                                return mcurl_perform(&curlRequest, &response)
                            }
                        }
                       }
                      }
                    }
                }
            }
        }
        let message = withUnsafeBytes(of: response.error) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        // A 2xx whose body passed the cap: the server took the request, and
        // that it talks too much afterwards must not make a delivered batch
        // count as failed (or be sent twice). Curl stopped the transfer
        // itself (a write error), so its code says nothing more.
        let truncated = response.too_large == 1 && (200..<300).contains(response.status)
        if response.too_large != 0 && !truncated { throw HTTPTransportError.responseTooLarge(limit: maxResponseBytes) }
        switch truncated ? 0 : code {
        case 0: break
        case 2: throw HTTPTransportError.unavailable(message)  // libcurl not loadable, or a handle not made
        case 42 where cancelled.isCancelled: throw HTTPTransportError.cancelled
        case 6, 7: throw HTTPTransportError.connectionFailed(message)  // resolve, connect
        case 28: throw HTTPTransportError.timedOut
        case 35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91:
            throw HTTPTransportError.tlsFailure(message)
        case 52, 55, 56, 18: throw HTTPTransportError.connectionReset(message)  // empty reply, send/recv failure, partial
        default: throw HTTPTransportError.other("curl error \(code): \(message)")
        }
        let body = response.body.map { Data(bytes: $0, count: response.body_length) } ?? Data()
        let rawHeaders = response.headers.map { String(cString: $0) } ?? ""
        return HTTPResponse(status: response.status, headers: Self.parseHeaders(rawHeaders), body: body,
                            isBodyTruncated: truncated)
    }

    /// Header lines of the last response in `raw` (after redirects or a
    /// `100 Continue`, curl reports every block; the last one is the answer).
    static func parseHeaders(_ raw: String) -> [(String, String)] {
        var headers: [(String, String)] = []
        for line in raw.split(separator: "\r\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("HTTP/") {
                headers.removeAll()
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                headers.append((name, value))
            }
        }
        return headers
    }
}

/// A cancellation flag the C transfer polls (with an atomic load).
private final class CancellationFlag: @unchecked Sendable {
    // @unchecked: the only state is an atomic that never moves.
    private let storage = UnsafeMutablePointer<Atomic<Int32>>.allocate(capacity: 1)

    init() { storage.initialize(to: Atomic(0)) }

    deinit {
        storage.deinitialize(count: 1)
        storage.deallocate()
    }

    func cancel() { storage.pointee.store(1, ordering: .relaxed) }

    var isCancelled: Bool { storage.pointee.load(ordering: .relaxed) == 1 }

    /// The flag as C sees it: an `int` read atomically.
    func withPointer<R>(_ body: (UnsafePointer<Int32>) -> R) -> R {
        body(UnsafeRawPointer(storage).assumingMemoryBound(to: Int32.self))
    }
}

private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let duplicated = strings.map { strdup($0) }
    defer { duplicated.forEach { free($0) } }
    let pointers = duplicated.map { UnsafePointer<CChar>($0) }
    return pointers.withUnsafeBufferPointer { buffer in
        body(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
    }
}

private func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let string else { return body(nil) }
    return string.withCString { body($0) }
}
