@testable import AWSCore
import Foundation
import Testing

/// One case of the official aws-sig-v4-test-suite (2015 edition).
struct SuiteCase: CustomStringConvertible, Sendable {
    let name: String
    let directory: URL

    var description: String { name }

    func file(_ suffix: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent("\(name).\(suffix)"), encoding: .utf8)
    }

    /// Every case directory: the top-level ones and those nested one level
    /// down (`normalize-path/*`, `post-sts-token/*`).
    static func all() -> [SuiteCase] {
        let root = SharedVectors.url("aws-sig-v4-test-suite")
        var cases: [SuiteCase] = []
        func scan(_ directory: URL) {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for entry in entries.sorted() {
                let url = directory.appendingPathComponent(entry)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
                if FileManager.default.fileExists(atPath: url.appendingPathComponent("\(entry).req").path) {
                    cases.append(SuiteCase(name: entry, directory: url))
                } else {
                    scan(url)
                }
            }
        }
        scan(root)
        return cases
    }
}

/// A `.req` file: request line, headers (a line starting with whitespace
/// continues the previous header and becomes another of its values), body.
struct RawRequest {
    let method: String
    let rawPath: String
    let headers: [(String, String)]
    let body: Data

    init(_ text: String) {
        let (head, body) = text.range(of: "\n\n").map { (String(text[..<$0.lowerBound]), String(text[$0.upperBound...])) }
            ?? (text, "")
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst()
        let firstSpace = requestLine.firstIndex(of: " ")!
        let lastSpace = requestLine.lastIndex(of: " ")!
        method = String(requestLine[..<firstSpace])
        rawPath = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])
        var headers: [(String, String)] = []
        for line in lines where !line.isEmpty {
            if line.first == " " || line.first == "\t", let last = headers.last {
                headers.append((last.0, line.trimmingCharacters(in: .whitespaces)))
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        self.headers = headers
        self.body = Data(body.utf8)
    }

    /// The URL a client would send: the raw path and query percent-encoded once.
    var url: URL {
        let parts = rawPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var text = "https://example.amazonaws.com" + URIEncoding.encode(parts[0], keepSlash: true)
        if parts.count > 1 {
            let query = parts[1].split(separator: "&", omittingEmptySubsequences: false).map { pair in
                pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    .map { URIEncoding.encode($0) }.joined(separator: "=")
            }.joined(separator: "&")
            text += "?" + query
        }
        return URL(string: text)!
    }
}

@Suite("aws-sig-v4-test-suite", .timeLimit(.minutes(3)))
struct SigV4SuiteTests {
    static let cases = SuiteCase.all()
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 20150830T123600Z
    static let token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

    @Test("the suite has all 31 cases")
    func caseCount() {
        #expect(Self.cases.count == 31)
    }

    @Test("canonical request, string to sign and Authorization match", arguments: cases)
    func signs(_ suiteCase: SuiteCase) throws {
        let request = RawRequest(try suiteCase.file("req"))
        let tokenAfter = suiteCase.name == "post-sts-header-after"
        let credentials = AWSCredentials(
            accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: tokenAfter ? Self.token : nil)
        let signer = SigV4Signer(
            credentials: credentials, region: "us-east-1", service: "service",
            pathEncoding: .singleEncoded, signsSecurityToken: !tokenAfter)
        let signature = signer.sign(
            method: request.method, url: request.url, headers: request.headers,
            payloadHash: SHA256.hexHash(request.body), date: Self.date)
        #expect(signature.canonicalRequest == (try suiteCase.file("creq")))
        #expect(signature.stringToSign == (try suiteCase.file("sts")))
        #expect(signature.authorization == (try suiteCase.file("authz")))
        if tokenAfter {
            #expect(signature.headers.contains { $0.0 == "X-Amz-Security-Token" && $0.1 == Self.token })
            #expect(!signature.signedHeaderNames.contains("x-amz-security-token"))
        }
    }
}

@Suite("SigV4 signer", .timeLimit(.minutes(3)))
struct SigV4SignerTests {
    let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    @Test("Host carries a non-default port and drops a default one")
    func hostHeader() {
        #expect(SigV4Signer.hostHeader(for: URL(string: "http://127.0.0.1:4566/")!) == "127.0.0.1:4566")
        #expect(SigV4Signer.hostHeader(for: URL(string: "https://monitoring.us-east-1.amazonaws.com:443/")!) == "monitoring.us-east-1.amazonaws.com")
        #expect(SigV4Signer.hostHeader(for: URL(string: "http://localhost:80/")!) == "localhost")
        #expect(SigV4Signer.hostHeader(for: URL(string: "http://[::1]:4566/")!) == "[::1]:4566")
    }

    @Test("the contract's sample: headers plus Host, X-Amz-Date, token and Authorization")
    func contractSample() {
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyId: "AKID", secretAccessKey: "SECRET", sessionToken: "TOKEN"),
                                 region: "us-east-1", service: "monitoring")
        let headers: [(String, String)] = signer.signedHeaders(
            method: "POST", url: URL(string: "https://monitoring.us-east-1.amazonaws.com/")!,
            headers: [("Content-Type", "application/x-amz-json-1.0")], body: Data("{}".utf8),
            date: Date(timeIntervalSince1970: 1_440_938_160))
        #expect(headers.map(\.0) == ["Content-Type", "Host", "X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
        let authorization = headers.last!.1
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/monitoring/aws4_request, "))
        #expect(authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "))
    }

    @Test("the wire path is encoded again for non-S3 services, once for S3")
    func pathEncoding() {
        let url = URL(string: "https://example.amazonaws.com/a%20b/c")!
        let double = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
        #expect(double.canonicalURI(url) == "/a%2520b/c")
        let single = SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3", pathEncoding: .singleEncoded, normalizesPath: false)
        #expect(single.canonicalURI(url) == "/a%20b/c")
        #expect(single.canonicalURI(URL(string: "https://example.amazonaws.com/a//b/")!) == "/a//b/")
    }

    @Test("X-Amz-Content-SHA256 is sent and signed on request")
    func contentHash() {
        var signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "monitoring")
        signer.sendsContentSHA256 = true
        let signature = signer.sign(method: "POST", url: URL(string: "https://h/")!, headers: [],
                                    payloadHash: SHA256.hexHash(Data("x".utf8)), date: Date(timeIntervalSince1970: 0))
        #expect(signature.signedHeaderNames == "host;x-amz-content-sha256;x-amz-date")
        #expect(signature.headers.contains { $0 == ("X-Amz-Content-SHA256", SHA256.hexHash(Data("x".utf8))) })
    }

    @Test("date formats")
    func dates() {
        let date = Date(timeIntervalSince1970: 1_440_938_160)
        #expect(AWSDate.amzDate(date) == "20150830T123600Z")
        #expect(AWSDate.scopeDate(date) == "20150830")
        #expect(AWSDate.iso8601(date) == "2015-08-30T12:36:00Z")
        #expect(AWSDate.amzDate(Date(timeIntervalSince1970: 951_782_400)) == "20000229T000000Z")
        #expect(AWSDate.iso8601(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(AWSDate.parseISO8601("2015-08-30T12:36:00Z") == date)
        #expect(AWSDate.parseISO8601("2015-08-30T12:36:00.000Z") == date)
    }
}
