import Foundation

// What keeps secrets out of text (AWSCore's credentials have their own
// `description`): for every type that carries a secret somewhere inside (a provider's
// environment, a request's headers or body), a `description` and a
// `customMirror` of its own, so that `print`, `dump` and `Mirror` never
// reach the secret. `debugPrint` and `String(reflecting:)` use the
// `description` of a type that has no `debugDescription`.

extension Dictionary where Key == String, Value == String {
    /// The entries of `keys` only: a type keeps the environment variables
    /// it needs, not the whole environment.
    package func only(_ keys: some Sequence<String>) -> [String: String] {
        var kept: [String: String] = [:]
        for key in keys { if let value = self[key] { kept[key] = value } }
        return kept
    }

    /// The proxy settings (`*_proxy` in any case, and `REQUEST_METHOD`,
    /// which turns `HTTP_PROXY` off as Python does under CGI): what
    /// ``HTTPProxies/init(environment:)`` reads.
    package var proxySettings: [String: String] {
        filter { $0.key.lowercased().hasSuffix("_proxy") || $0.key == "REQUEST_METHOD" }
    }
}

/// Header values that are secrets or bearer tokens, shown as `<redacted>`.
let sensitiveHeaderNames: Set<String> = [
    "authorization", "x-amz-security-token", "x-aws-ec2-metadata-token", "dd-api-key", "dd-application-key",
]

/// Whether a header's value is a secret: ``sensitiveHeaderNames``, and any
/// name that speaks of a key, token, secret, password, session or cookie
/// (`x-api-key`, `api-key`, `x-auth-token`, `proxy-authorization`, ...).
package func isSensitiveHeader(_ name: String) -> Bool {
    let lowered = name.lowercased()
    if sensitiveHeaderNames.contains(lowered) { return true }
    return ["key", "token", "secret", "password", "auth", "session", "cookie", "signature"].contains {
        lowered.contains($0)
    }
}

/// `headers` with the values of sensitive headers (``isSensitiveHeader(_:)``) replaced.
package func redactedHeaders(_ headers: [(String, String)]) -> [(String, String)] {
    headers.map { isSensitiveHeader($0.0) ? ($0.0, "<redacted>") : $0 }
}

/// How an options value shows its settings: every field by name, an
/// environment by its keys alone, headers by their names alone, and the
/// rest as they describe themselves (credential providers never show a
/// secret). Used by the sinks' `Options` for `description`, `dump` and
/// `Mirror`, which must never print a key that the environment or a
/// header holds.
package enum OptionsRendering {
    /// The value shown for `field`.
    package static func shown(_ value: Any, field: String) -> Any {
        switch value {
        case let environment as [String: String] where field == "environment":
            return environment.keys.sorted().map { "\($0)=<redacted>" }
        case let headers as [String: String] where field == "headers":
            return headers.keys.sorted().map { "\($0): <redacted>" }
        case let url as URL:
            return redactedURL(url)
        default:
            return value
        }
    }

    package static func mirror(_ subject: Any, _ fields: [(String, Any)]) -> Mirror {
        Mirror(subject, children: fields.map { (label: $0.0 as String?, value: shown($0.1, field: $0.0)) },
               displayStyle: .struct)
    }

    package static func description(_ typeName: String, _ fields: [(String, Any)]) -> String {
        typeName + "(" + fields.map { "\($0.0): \(describe(shown($0.1, field: $0.0)))" }.joined(separator: ", ") + ")"
    }

    /// An optional by its value (`nil`, or what it wraps), anything else as it describes itself.
    private static func describe(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return "nil" }
            return String(describing: wrapped)
        }
        return String(describing: value)
    }
}

/// `url` as text for messages and descriptions: a user and password become
/// `<redacted>@`, and every query value `<redacted>` (`?api_key=...`), so an
/// endpoint with a secret in it can be printed.
package func redactedURL(_ url: URL) -> String {
    guard url.user != nil || url.password != nil || url.query != nil,
          var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.absoluteString }
    let hadUser = components.user != nil || components.password != nil
    components.user = nil
    components.password = nil
    if let items = components.queryItems {
        components.queryItems = items.map { URLQueryItem(name: $0.name, value: $0.value == nil ? nil : "REDACTEDVALUE") }
    }
    var text = (components.string ?? url.absoluteString).replacingOccurrences(of: "REDACTEDVALUE", with: "<redacted>")
    if hadUser, let range = text.range(of: "://") { text.replaceSubrange(range, with: "://<redacted>@") }
    return text
}

/// ``redactedURL(_:)`` for text that may or may not parse as a URL.
package func redactedURLText(_ text: String) -> String {
    if let url = URL(string: text), url.scheme != nil { return redactedURL(url) }
    // Unparseable: cut anything that looks like user info or a query.
    var shown = text
    if let at = shown.lastIndex(of: "@"), let scheme = shown.range(of: "://"), scheme.upperBound <= at {
        shown.replaceSubrange(scheme.upperBound...at, with: "<redacted>@")
    }
    if let query = shown.firstIndex(of: "?") { shown = String(shown[..<query]) + "?<redacted>" }
    return shown
}
