import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends requests with URLSession, TLS verified against the system's trust
/// store. Adds its own overall deadline, since URLSession on Linux does not
/// enforce `timeoutIntervalForResource` and truncates timeouts to whole seconds.
public final class URLSessionTransport: HTTPTransport, @unchecked Sendable {
    // @unchecked: URLSession is thread-safe but not marked Sendable on Linux.
    private let session: URLSession

    /// - parameter tls: on Darwin, `verifyPeer: false` is honoured through
    ///   the session delegate; on Linux, use ``CurlTransport`` for TLS options.
    public init(tls: TLSOptions = .default) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        #if canImport(Darwin)
        session = URLSession(configuration: configuration, delegate: tls.verifyPeer ? nil : TrustingDelegate(),
                             delegateQueue: nil)
        #else
        session = URLSession(configuration: configuration)
        #endif
    }

    deinit { session.finishTasksAndInvalidate() }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try HTTPTransportError.validate(request.url)
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = max(1, request.timeout.timeInterval.rounded(.up))
        for (name, value) in request.headers where name.lowercased() != "host" {
            urlRequest.addValue(value, forHTTPHeaderField: name)
        }
        if !request.body.isEmpty || request.method != "GET" { urlRequest.httpBody = request.body }
        let session = self.session
        let sendable = SendableRequest(request: urlRequest)
        return try await withDeadline(request.timeout) {
            do {
                let (data, response) = try await session.data(for: sendable.request)
                guard let http = response as? HTTPURLResponse else {
                    throw HTTPTransportError.other("not an HTTP response")
                }
                let headers = http.allHeaderFields.compactMap { key, value -> (String, String)? in
                    guard let name = key as? String else { return nil }
                    return (name, "\(value)")
                }
                return HTTPResponse(status: http.statusCode, headers: headers, body: data)
            } catch let error as URLError {
                throw Self.map(error)
            }
        }
    }

    static func map(_ error: URLError) -> HTTPTransportError {
        switch error.code {
        case .cancelled: return .cancelled
        case .timedOut: return .timedOut
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet:
            return .connectionFailed(error.localizedDescription)
        case .networkConnectionLost, .badServerResponse, .zeroByteResource:
            return .connectionReset(error.localizedDescription)
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return .tlsFailure(error.localizedDescription)
        default:
            let text = error.localizedDescription
            if text.contains("SSL") || text.contains("certificate") { return .tlsFailure(text) }
            return .other("\(error.code.rawValue): \(text)")
        }
    }
}

/// URLRequest is a value type but not marked Sendable on Linux.
private struct SendableRequest: @unchecked Sendable {
    let request: URLRequest
}

#if canImport(Darwin)
/// Accepts any server certificate: only for `verifyPeer: false`.
private final class TrustingDelegate: NSObject, URLSessionDelegate, Sendable {
    func urlSession(_ session: URLSession, didReceive challenge: URLAuthenticationChallenge,
                    completionHandler: @escaping (URLSession.AuthChallengeDisposition, URLCredential?) -> Void) {
        if let trust = challenge.protectionSpace.serverTrust {
            completionHandler(.useCredential, URLCredential(trust: trust))
        } else {
            completionHandler(.performDefaultHandling, nil)
        }
    }
}
#endif

/// Runs `operation`, throwing `HTTPTransportError.timedOut` if it has not
/// finished after `timeout`; the operation is cancelled then.
func withDeadline<T: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: max(timeout, .seconds(1)) + .milliseconds(250))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw HTTPTransportError.timedOut }
        guard let value = first else { throw HTTPTransportError.timedOut }
        return value
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
