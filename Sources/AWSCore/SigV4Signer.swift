import CWMHTTP
import Foundation

/// Signs HTTP requests with AWS Signature Version 4.
///
/// ```swift
/// let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "monitoring")
/// let headers = signer.signedHeaders(
///     method: "POST", url: URL(string: "https://monitoring.us-east-1.amazonaws.com/")!,
///     headers: [("Content-Type", "application/x-amz-json-1.0")], body: body, date: Date())
/// ```
///
/// The result is the request's headers plus `Host` (with the port when it
/// is not the scheme's default, as HTTP clients send it), `X-Amz-Date`,
/// `X-Amz-Security-Token` when the credentials have a session token, and
/// `Authorization`. Send exactly those headers and exactly that body.
///
/// The intermediate values (canonical request, string to sign, signature)
/// are available from `sign(method:url:headers:payloadHash:date:)` for
/// tests and debugging.
public struct SigV4Signer: Sendable {
    /// How the path enters the canonical request.
    package enum PathEncoding: Sendable {
        /// AWS's rule for every service but S3, as botocore applies it: the
        /// path as sent (already percent-encoded) is encoded once more, so
        /// `%20` becomes `%2520`. Dot segments and repeated slashes are
        /// normalised first.
        case doubleEncoded
        /// The decoded path is encoded once, without normalisation (S3's
        /// rule). Also how the 2015 aws-sig-v4-test-suite files, whose paths
        /// are raw text, are meant: use it with `normalizesPath: true` there.
        case singleEncoded
    }

    /// The parts of one signature. Its `description` and mirror leave out
    /// the session token (a header the signature adds).
    package struct Signature: Sendable, CustomStringConvertible, CustomReflectable {
        package let canonicalRequest: String
        package let stringToSign: String
        package let signature: String
        package let signedHeaderNames: String
        package let authorization: String
        /// The request's headers plus those the signature adds, in order.
        package let headers: [(String, String)]

        package var description: String {
            "Signature(signedHeaders: \(signedHeaderNames), signature: \(signature), headers: \(redactedHeaders(headers)))"
        }

        package var customMirror: Mirror {
            let canonical = canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.lowercased().hasPrefix("x-amz-security-token:") ? "x-amz-security-token:<redacted>" : String($0) }
                .joined(separator: "\n")
            return Mirror(self, children: [
                "canonicalRequest": canonical, "stringToSign": stringToSign, "signature": signature,
                "signedHeaderNames": signedHeaderNames, "headers": redactedHeaders(headers),
            ], displayStyle: .struct)
        }
    }

    package let credentials: AWSCredentials
    package let region: String
    package let service: String
    package var pathEncoding: PathEncoding
    package var normalizesPath: Bool
    /// Adds `X-Amz-Security-Token` before signing (true: what botocore does
    /// for CloudWatch and Logs) or after (false: unsigned, as some services want).
    package var signsSecurityToken: Bool
    /// Also sends (and signs) `X-Amz-Content-SHA256` with the payload hash.
    package var sendsContentSHA256: Bool

    /// A signer for `service` (its signing name, such as `monitoring`) in
    /// `region`, with botocore's defaults for CloudWatch and Logs.
    public init(credentials: AWSCredentials, region: String, service: String) {
        self.init(credentials: credentials, region: region, service: service, pathEncoding: .doubleEncoded,
                  normalizesPath: true)
    }

    /// A signer with every option (the SigV4 test suite and S3-style services).
    package init(
        credentials: AWSCredentials,
        region: String,
        service: String,
        pathEncoding: PathEncoding = .doubleEncoded,
        normalizesPath: Bool = true,
        signsSecurityToken: Bool = true,
        sendsContentSHA256: Bool = false
    ) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.pathEncoding = pathEncoding
        self.normalizesPath = normalizesPath
        self.signsSecurityToken = signsSecurityToken
        self.sendsContentSHA256 = sendsContentSHA256
    }

    /// The headers to send with a request of `body` at `date`.
    public func signedHeaders(
        method: String, url: URL, headers: [(String, String)], body: Data, date: Date
    ) -> [(String, String)] {
        sign(method: method, url: url, headers: headers, payloadHash: SHA256.hexHash(body), date: date).headers
    }

    /// The headers to send with a request whose body hashes to
    /// `payloadHash` (lower-case hex SHA-256), at `date`.
    package func signedHeaders(
        method: String, url: URL, headers: [(String, String)], payloadHash: String, date: Date
    ) -> [(String, String)] {
        sign(method: method, url: url, headers: headers, payloadHash: payloadHash, date: date).headers
    }

    /// Signs and returns every intermediate value.
    package func sign(
        method: String, url: URL, headers: [(String, String)], payloadHash: String, date: Date
    ) -> Signature {
        let amzDate = AWSDate.amzDate(date)
        let scope = "\(AWSDate.scopeDate(date))/\(region)/\(service)/aws4_request"

        var outgoing = headers.filter { $0.0.lowercased() != "authorization" }
        if !outgoing.contains(where: { $0.0.lowercased() == "host" }) {
            outgoing.append(("Host", Self.hostHeader(for: url)))
        }
        outgoing.removeAll { $0.0.lowercased() == "x-amz-date" }
        outgoing.append(("X-Amz-Date", amzDate))
        if sendsContentSHA256, !outgoing.contains(where: { $0.0.lowercased() == "x-amz-content-sha256" }) {
            outgoing.append(("X-Amz-Content-SHA256", payloadHash))
        }
        if let token = credentials.sessionToken, signsSecurityToken {
            outgoing.append(("X-Amz-Security-Token", token))
        }

        let (canonicalHeaders, signedNames) = Self.canonicalHeaders(outgoing)
        let canonicalRequest = [
            method.uppercased(),
            canonicalURI(url),
            Self.canonicalQuery(url),
            canonicalHeaders,
            signedNames,
            payloadHash,
        ].joined(separator: "\n")
        let stringToSign = [
            "AWS4-HMAC-SHA256",
            amzDate,
            scope,
            SHA256.hexHash(Data(canonicalRequest.utf8)),
        ].joined(separator: "\n")
        let key = Self.signingKey(secret: credentials.secretAccessKey, date: AWSDate.scopeDate(date),
                                  region: region, service: service)
        let signature = Hex.encode(HMACSHA256.authenticationCode(for: Data(stringToSign.utf8), key: key))
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), "
            + "SignedHeaders=\(signedNames), Signature=\(signature)"

        if let token = credentials.sessionToken, !signsSecurityToken {
            outgoing.append(("X-Amz-Security-Token", token))
        }
        outgoing.append(("Authorization", authorization))
        return Signature(canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
                         signedHeaderNames: signedNames, authorization: authorization, headers: outgoing)
    }

    /// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    package static func signingKey(secret: String, date: String, region: String, service: String) -> [UInt8] {
        let kDate = HMACSHA256.authenticationCode(for: Data(date.utf8), key: Data(("AWS4" + secret).utf8))
        let kRegion = HMACSHA256.authenticationCode(for: Data(region.utf8), key: kDate)
        let kService = HMACSHA256.authenticationCode(for: Data(service.utf8), key: kRegion)
        return HMACSHA256.authenticationCode(for: Data("aws4_request".utf8), key: kService)
    }

    /// `host` or `host:port` when the port is not the scheme's default.
    package static func hostHeader(for url: URL) -> String {
        var host = url.host ?? ""
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }  // IPv6 literal
        guard let port = url.port else { return host }
        let scheme = url.scheme?.lowercased()
        if (scheme == "https" && port == 443) || (scheme == "http" && port == 80) { return host }
        return "\(host):\(port)"
    }

    // MARK: Canonical parts

    func canonicalURI(_ url: URL) -> String {
        let wirePath = URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? "/"
        switch pathEncoding {
        case .doubleEncoded:
            let path = normalizesPath ? Self.normalize(wirePath) : wirePath
            return URIEncoding.encode(path.isEmpty ? "/" : path, keepSlash: true)
        case .singleEncoded:
            let decoded = URIEncoding.decode(wirePath)
            let path = normalizesPath ? Self.normalize(decoded) : decoded
            return URIEncoding.encode(path.isEmpty ? "/" : path, keepSlash: true)
        }
    }

    /// Removes `.` and `..` segments and empty segments (repeated slashes),
    /// keeping a leading and a trailing slash.
    static func normalize(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        var result = "/" + segments.joined(separator: "/")
        let last = path.split(separator: "/", omittingEmptySubsequences: false).last
        let endsInDirectory = path.hasSuffix("/") || last == "." || last == ".."
        if endsInDirectory, !segments.isEmpty { result += "/" }
        return result
    }

    /// Names and values decoded, then encoded per SigV4 and sorted by name,
    /// then value; `name=` for an empty value.
    static func canonicalQuery(_ url: URL) -> String {
        guard let query = URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedQuery,
              !query.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = URIEncoding.encode(URIEncoding.decode(parts[0]))
            let value = parts.count > 1 ? URIEncoding.encode(URIEncoding.decode(parts[1])) : ""
            pairs.append((name, value))
        }
        pairs.sort { $0.0 != $1.0 ? Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8))
                                  : Array($0.1.utf8).lexicographicallyPrecedes(Array($1.1.utf8)) }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Headers botocore never signs: hop-by-hop headers and those proxies
    /// or the HTTP stack may change.
    static let unsignedHeaders: Set<String> = [
        "authorization", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id", "content-length",
    ]

    /// Lower-case names, values trimmed with inner whitespace runs collapsed,
    /// repeated headers joined with `,` in order, sorted by name.
    static func canonicalHeaders(_ headers: [(String, String)]) -> (block: String, signedNames: String) {
        var values: [String: [String]] = [:]
        var order: [String] = []
        for (name, value) in headers {
            let lower = name.lowercased()
            guard !unsignedHeaders.contains(lower) else { continue }
            if values[lower] == nil { order.append(lower) }
            values[lower, default: []].append(collapseWhitespace(value))
        }
        let names = order.sorted()
        let block = names.map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }

    static func collapseWhitespace(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for character in value {
            if character == " " || character == "\t" || character == "\n" || character == "\r" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(character)
            }
        }
        return out
    }
}
