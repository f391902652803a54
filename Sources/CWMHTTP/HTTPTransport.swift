import Foundation

/// An HTTP request, as the transports send it: exactly these headers
/// (the signer's output) and exactly this body.
///
/// Its `description` and mirror show the method, the URL, the header names
/// (the values of `Authorization` and token headers redacted) and the body's
/// length, never the body: it can carry a token.
package struct HTTPRequest: Sendable, CustomStringConvertible, CustomReflectable {
    package var method: String
    package var url: URL
    package var headers: [(String, String)]
    package var body: Data
    /// Deadline of the whole exchange, connect included. Under a second is
    /// raised to one (URLSession truncates timeouts to whole seconds).
    package var timeout: Duration
    /// Whether the transport's proxies apply. False for instance metadata
    /// and container credentials, which must never go through a proxy.
    package var usesProxy: Bool

    package init(method: String, url: URL, headers: [(String, String)] = [], body: Data = Data(),
                 timeout: Duration = .seconds(10), usesProxy: Bool = true) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.usesProxy = usesProxy
    }

    package var description: String {
        "HTTPRequest(\(method) \(redactedURL(url)), headers: \(redactedHeaders(headers)), body: \(body.count) bytes)"
    }

    package var customMirror: Mirror {
        Mirror(self, children: ["method": method, "url": redactedURL(url), "headers": redactedHeaders(headers),
                                "body": "\(body.count) bytes", "timeout": timeout], displayStyle: .struct)
    }
}

/// An HTTP response of any status: transports do not throw for 4xx/5xx.
///
/// Its `description` and mirror show the status, the headers and the body's
/// length, never the body: a credentials endpoint answers with secrets.
package struct HTTPResponse: Sendable, CustomStringConvertible, CustomReflectable {
    package var status: Int
    package var headers: [(String, String)]
    package var body: Data
    /// The server answered 2xx with a body over the transport's cap: the
    /// request was taken, `body` holds only its first bytes and is not to
    /// be parsed.
    package var isBodyTruncated: Bool

    package init(status: Int, headers: [(String, String)] = [], body: Data = Data(), isBodyTruncated: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.isBodyTruncated = isBodyTruncated
    }

    /// The first header named `name`, case-insensitively.
    package func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    package var isSuccess: Bool { (200..<300).contains(status) }

    package var description: String {
        "HTTPResponse(status: \(status), headers: \(redactedHeaders(headers)), body: \(body.count) bytes)"
    }

    package var customMirror: Mirror {
        Mirror(self, children: ["status": status, "headers": redactedHeaders(headers), "body": "\(body.count) bytes"],
               displayStyle: .struct)
    }
}

/// Sends HTTP requests. Implementations must be safe to share between tasks.
package protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the response, whatever its status.
    /// Throws ``HTTPTransportError`` for anything that is not a response.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// Why no HTTP response came back.
public enum HTTPTransportError: Error, Equatable, CustomStringConvertible {
    /// The URL is not `http` or `https` (other schemes can hang URLSession).
    case unsupportedScheme(String)
    /// The URL has no host.
    case invalidURL(String)
    /// Nothing listens there, or the host is unreachable.
    case connectionFailed(String)
    /// The request's deadline passed.
    case timedOut
    /// The connection broke before a whole response arrived.
    case connectionReset(String)
    /// TLS failed: an untrusted certificate, a name mismatch, a handshake error.
    case tlsFailure(String)
    /// The task was cancelled.
    case cancelled
    /// The response was larger than the transport accepts.
    case responseTooLarge(limit: Int)
    /// A header's name is not an HTTP token, or its value holds a CR, LF or
    /// NUL (which would end the header early and start another). Found
    /// before anything is sent; the value itself is never shown.
    case invalidHeader(name: String)
    /// The transport the TLS options need cannot be used here (libcurl missing).
    case unavailable(String)
    /// Anything else the HTTP stack reported.
    case other(String)

    public var description: String {
        switch self {
        case .unsupportedScheme(let scheme): return "unsupported URL scheme '\(scheme)': use http or https"
        case .invalidURL(let url): return "invalid URL: \(url)"
        case .connectionFailed(let detail): return "could not connect: \(detail)"
        case .timedOut: return "the request timed out"
        case .connectionReset(let detail): return "the connection was reset: \(detail)"
        case .tlsFailure(let detail): return "TLS failure: \(detail)"
        case .cancelled: return "the request was cancelled"
        case .responseTooLarge(let limit): return "the response is larger than \(limit) bytes"
        case .invalidHeader(let name):
            return "the value of header \(name) holds a line break or NUL (or the name is not a token): nothing was sent"
        case .unavailable(let detail): return "no HTTP transport: \(detail)"
        case .other(let detail): return "HTTP failure: \(detail)"
        }
    }

    /// Failures worth retrying: no response, or no complete one.
    public var isTransient: Bool {
        switch self {
        case .connectionFailed, .timedOut, .connectionReset: return true
        default: return false
        }
    }

    /// Checks that `request` can be sent at all: its URL, and every header
    /// (a token for a name; no CR, LF or NUL in a value).
    package static func validate(_ request: HTTPRequest) throws {
        try validate(request.url)
        try validate(headers: request.headers)
    }

    /// Checks header names and values (see ``invalidHeader(name:)``).
    package static func validate(headers: [(String, String)]) throws {
        for (name, value) in headers {
            let nameIsToken = !name.isEmpty && name.utf8.allSatisfy { byte in
                byte > 0x20 && byte < 0x7F && !"()<>@,;:\\\"/[]?={}".utf8.contains(byte)
            }
            guard nameIsToken, !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw HTTPTransportError.invalidHeader(name: nameIsToken ? name : "(a name that is not a token)")
            }
        }
    }

    /// Checks that `url` can be sent at all: http(s) with a host.
    package static func validate(_ url: URL) throws {
        guard let scheme = url.scheme?.lowercased() else { throw HTTPTransportError.invalidURL(redactedURL(url)) }
        guard scheme == "http" || scheme == "https" else { throw HTTPTransportError.unsupportedScheme(scheme) }
        guard let host = url.host, !host.isEmpty else { throw HTTPTransportError.invalidURL(redactedURL(url)) }
    }
}

/// TLS settings of a transport.
package struct TLSOptions: Sendable, Equatable {
    /// Verify the server's certificate and host name (default true).
    package var verifyPeer: Bool
    /// A PEM file of extra trusted certificates (a private CA, LocalStack's).
    package var caBundlePath: String?

    package init(verifyPeer: Bool = true, caBundlePath: String? = nil) {
        self.verifyPeer = verifyPeer
        self.caBundlePath = caBundlePath
    }

    /// The defaults: system trust store, full verification.
    package static let `default` = TLSOptions()
}

/// The transport for `tls`: on Darwin URLSession (with a delegate for TLS
/// options); on Linux libcurl, loaded at run time (see ``CurlTransport``),
/// so that no program needs FoundationNetworking or libcurl's development
/// files to link.
///
/// Throws ``HTTPTransportError/unavailable(_:)`` at once when libcurl is
/// needed and cannot be loaded, so a sink fails at `start()`, not at its
/// first export.
package func makeHTTPTransport(tls: TLSOptions = .default, proxies: HTTPProxies = .none) throws -> any HTTPTransport {
    #if canImport(Darwin)
    if tls.caBundlePath != nil {
        // URLSession trusts the keychain; a PEM file is not applied there (yet).
        throw HTTPTransportError.unavailable(
            "caBundlePath (or AWS_CA_BUNDLE) is not applied on Darwin: add the CA to the keychain instead")
    }
    return tls == .default ? URLSessionTransport() : URLSessionTransport(tls: tls)
    #else
    let curl = CurlTransport.availability()
    guard curl.available else {
        throw HTTPTransportError.unavailable(
            "sending needs libcurl (libcurl.so.4, Debian's libcurl4), which cannot be loaded: \(curl.reason)")
    }
    return CurlTransport(tls: tls, proxies: proxies)
    #endif
}

/// The default transport where a caller cannot handle an error at
/// construction (a default argument): as ``makeHTTPTransport(tls:)``, and on
/// Linux without libcurl, a transport whose every request fails with
/// ``HTTPTransportError/unavailable(_:)``.
package func defaultHTTPTransport(proxies: HTTPProxies = .none) -> any HTTPTransport {
    #if canImport(Darwin)
    return URLSessionTransport()
    #else
    return CurlTransport(proxies: proxies)
    #endif
}

extension HTTPTransportError: RetryClassifiedError {
    /// A timeout costs the retry quota more than a refused or reset connection.
    package var retryKind: RetryPolicy.Kind? {
        self == .timedOut ? .timeout : isTransient ? .transient : nil
    }
}
