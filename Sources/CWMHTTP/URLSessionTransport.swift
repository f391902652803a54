// URLSession on Darwin only. On Linux, FoundationNetworking would tie every
// program that sends to CloudWatch to libcurl's development files for a
// static build (its archive links -lcurl) and cost ~15 MB of memory more;
// CurlTransport loads the same libcurl at run time instead.
#if canImport(Darwin)
import Foundation

/// Sends requests with URLSession, TLS verified against the system's trust
/// store. Adds its own overall deadline, since URLSession on Linux does not
/// enforce `timeoutIntervalForResource` and truncates timeouts to whole seconds.
///
/// Redirects are never followed: a 3xx comes back as the response, like any
/// other status. (Following one would resend a signed request, with its
/// `Authorization` header, to wherever the `Location` points, and report a
/// body-less 2xx from there as a delivery.)
package final class URLSessionTransport: HTTPTransport, @unchecked Sendable {
    // @unchecked: URLSession is thread-safe but not marked Sendable on Linux.
    private let session: URLSession

    /// - parameter tls: on Darwin, `verifyPeer: false` is honoured through
    ///   the session delegate; on Linux, use ``CurlTransport`` for TLS options.
    package init(tls: TLSOptions = .default) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration, delegate: SessionDelegate(verifyPeer: tls.verifyPeer),
                             delegateQueue: nil)
    }

    deinit { session.finishTasksAndInvalidate() }

    package func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try HTTPTransportError.validate(request)
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = max(1, (Double(request.timeout.clampedMilliseconds) / 1000).rounded(.up))
        for (name, value) in request.headers where name.lowercased() != "host" {
            urlRequest.addValue(value, forHTTPHeaderField: name)
        }
        if !request.body.isEmpty || request.method != "GET" { urlRequest.httpBody = request.body }
        let session = self.session
        let sendable = SendableRequest(request: urlRequest)
        return try await withRequestDeadline(request.timeout) {
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

/// Refuses every redirect (the 3xx response is handed back as it is) and,
/// on Darwin with `verifyPeer: false` only, accepts any server certificate.
private final class SessionDelegate: NSObject, URLSessionTaskDelegate, Sendable {
    let verifyPeer: Bool

    init(verifyPeer: Bool) { self.verifyPeer = verifyPeer }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    #if canImport(Darwin)
    func urlSession(_ session: URLSession, didReceive challenge: URLAuthenticationChallenge,
                    completionHandler: @escaping (URLSession.AuthChallengeDisposition, URLCredential?) -> Void) {
        if !verifyPeer, let trust = challenge.protectionSpace.serverTrust {
            completionHandler(.useCredential, URLCredential(trust: trust))
        } else {
            completionHandler(.performDefaultHandling, nil)
        }
    }
    #endif
}
#endif
