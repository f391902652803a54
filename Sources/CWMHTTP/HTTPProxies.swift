import Foundation

/// The proxies requests go through, read from an environment as botocore
/// reads them (Python's `urllib.request.getproxies_environment` and
/// `proxy_bypass_environment`):
///
/// - `HTTPS_PROXY`/`https_proxy` for `https` URLs, `HTTP_PROXY`/`http_proxy`
///   for `http` ones, the lower-case name winning when both are set; a proxy
///   without a scheme is `http://`;
/// - `NO_PROXY`/`no_proxy`: `*`, or host names separated by commas; a name
///   matches the host and its subdomains (a leading dot is ignored), with or
///   without the port;
/// - under CGI (`REQUEST_METHOD` set) `HTTP_PROXY` is ignored, as the
///   "httpoxy" advisory asks.
///
/// Requests to instance metadata and to the container credentials endpoint
/// never use a proxy, whatever this says (``HTTPRequest/usesProxy``).
/// Printing a value shows the proxies without their user or password.
package struct HTTPProxies: Sendable, Equatable, CustomStringConvertible {
    package var http: URL?
    package var https: URL?
    /// The `NO_PROXY` entries, `*` included.
    package var bypass: [String]

    /// No proxy at all.
    package static let none = HTTPProxies()

    package init(http: URL? = nil, https: URL? = nil, bypass: [String] = []) {
        self.http = http
        self.https = https
        self.bypass = bypass
    }

    package init(environment: [String: String]) {
        var byScheme: [String: String] = [:]
        // Any case first, then the exact lower-case names over them.
        for (name, value) in environment where name.lowercased().hasSuffix("_proxy") && name != name.lowercased() {
            if !value.isEmpty { byScheme[String(name.lowercased().dropLast(6))] = value }
        }
        for (name, value) in environment where name.hasSuffix("_proxy") && name == name.lowercased() {
            if !value.isEmpty { byScheme[String(name.dropLast(6))] = value }
        }
        if environment["REQUEST_METHOD"] != nil { byScheme["http"] = nil }
        self.init(http: byScheme["http"].flatMap(Self.proxyURL), https: byScheme["https"].flatMap(Self.proxyURL),
                  bypass: (byScheme["no"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                      .filter { !$0.isEmpty })
    }

    /// The proxy for a request to `url`, or `nil` to go direct.
    package func proxy(for url: URL) -> URL? {
        let proxy: URL?
        switch url.scheme?.lowercased() {
        case "https": proxy = https
        case "http": proxy = http
        default: proxy = nil
        }
        guard let proxy, let host = url.host?.lowercased() else { return nil }
        return bypasses(host: host, port: url.port) ? nil : proxy
    }

    private func bypasses(host: String, port: Int?) -> Bool {
        let hostAndPort = port.map { "\(host):\($0)" } ?? host
        for entry in bypass {
            if entry == "*" { return true }
            var name = entry.lowercased()
            while name.hasPrefix(".") { name.removeFirst() }
            guard !name.isEmpty else { continue }
            for candidate in [host, hostAndPort] where candidate == name || candidate.hasSuffix("." + name) {
                return true
            }
        }
        return false
    }

    private static func proxyURL(_ text: String) -> URL? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return URL(string: trimmed.contains("://") ? trimmed : "http://" + trimmed)
    }

    package var description: String {
        func shown(_ url: URL?) -> String { url.map { redactedURL($0) } ?? "none" }
        return "HTTPProxies(http: \(shown(http)), https: \(shown(https)), noProxy: \(bypass))"
    }
}

