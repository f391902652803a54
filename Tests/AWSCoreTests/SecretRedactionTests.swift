import AWSCore
import Foundation
import Testing

/// Every way a value can become text by accident: `print`, `dump`,
/// `String(reflecting:)`, and walking its `Mirror` all the way down.
func renderings(of value: Any) -> [String] {
    var dumped = ""
    dump(value, to: &dumped, maxDepth: 12)
    var mirrored: [String] = []
    func walk(_ subject: Any, depth: Int) {
        guard depth < 12 else { return }
        for child in Mirror(reflecting: subject).children {
            mirrored.append("\(child.label ?? ""): \(String(describing: child.value))")
            walk(child.value, depth: depth + 1)
        }
    }
    walk(value, depth: 0)
    return [String(describing: value), String(reflecting: value), "\(value)", dumped] + mirrored
}

/// Secrets with no substring in common with the rest of the test's text.
enum KnownSecrets {
    static let secretKey = "SECRETKEY-q8Zr3LmW9vT2xK7pN4bY"
    static let sessionToken = "SESSIONTOKEN-h6Jd2Fs8Gk1Lq5Wz"
    static let containerToken = "CONTAINERTOKEN-p3Rt7Yu1Io9Pa4Sd"
    static let webIdentityToken = "WEBIDTOKEN-m2Nb6Vc4Xz8Lk1Jh"
    static let all = [secretKey, sessionToken, containerToken, webIdentityToken]

    static func assertAbsent(from value: Any, sourceLocation: SourceLocation = #_sourceLocation) {
        for text in renderings(of: value) {
            for secret in all {
                #expect(!text.contains(secret), "\(type(of: value)) shows a secret: \(text)", sourceLocation: sourceLocation)
            }
        }
    }
}

@Suite("No secret is reachable by printing, dumping or mirroring", .timeLimit(.minutes(3)))
struct SecretRedactionTests {
    @Test("URLs with a user, a password or a query print redacted; header names that speak of keys and tokens hide their values")
    func urlsAndHeaderNames() throws {
        let url = try #require(URL(string: "https://user:pw-secret@collector.example:4318/v1/metrics?api_key=q-secret&tenant=a"))
        let shown = redactedURL(url)
        #expect(!shown.contains("pw-secret") && !shown.contains("q-secret") && !shown.contains("user"))
        #expect(shown.contains("collector.example:4318/v1/metrics") && shown.contains("api_key=<redacted>"))
        #expect(redactedURL(URL(string: "https://monitoring.us-east-1.amazonaws.com")!) == "https://monitoring.us-east-1.amazonaws.com")
        #expect(!redactedURLText("ftp://u:p-secret@host/x?token=t-secret").contains("secret"))
        for name in ["x-api-key", "api-key", "Authorization", "X-Auth-Token", "proxy-authorization", "x-session-id"] {
            #expect(isSensitiveHeader(name), "\(name)")
        }
        for name in ["Content-Type", "x-tenant-id", "Accept"] { #expect(!isSensitiveHeader(name), "\(name)") }
        let request = HTTPRequest(method: "POST", url: url, headers: [("x-api-key", "h-secret"), ("Accept", "json")])
        for text in ["\(request)", "\(Mirror(reflecting: request).children.map(\.value))"] {
            #expect(!text.contains("h-secret") && !text.contains("pw-secret") && !text.contains("q-secret"), "\(text)")
        }
        #expect(String(describing: try? AWSEndpoint(string: "https://u:p-secret@host?k=v-secret")).contains("secret") == false)
    }

    let credentials = AWSCredentials(accessKeyId: "AKIAEXAMPLE", secretAccessKey: KnownSecrets.secretKey,
                                     sessionToken: KnownSecrets.sessionToken)

    var environment: [String: String] {
        ["AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": KnownSecrets.secretKey,
         "AWS_SESSION_TOKEN": KnownSecrets.sessionToken, "AWS_CONTAINER_AUTHORIZATION_TOKEN": KnownSecrets.containerToken,
         "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds", "AWS_REGION": "us-east-1",
         "HOME": "/nonexistent", "UNRELATED_SECRET": KnownSecrets.webIdentityToken]
    }

    @Test("credentials and every credential provider")
    func providers() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("redaction-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentialsFile = directory.appendingPathComponent("credentials")
        try Data("""
            [default]
            aws_access_key_id = AKIAEXAMPLE
            aws_secret_access_key = \(KnownSecrets.secretKey)
            aws_session_token = \(KnownSecrets.sessionToken)
            """.utf8).write(to: credentialsFile)
        let tokenFile = directory.appendingPathComponent("token")
        try Data(KnownSecrets.webIdentityToken.utf8).write(to: tokenFile)
        var environment = self.environment
        environment["AWS_SHARED_CREDENTIALS_FILE"] = credentialsFile.path
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile.path
        environment["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/r"
        let files = SharedConfigFiles(environment: environment)
        #expect(files.settings["aws_secret_access_key"] == KnownSecrets.secretKey)  // read, yet not shown

        let values: [Any] = [
            credentials, files,
            StaticCredentialProvider(credentials),
            EnvironmentCredentialProvider(environment: environment),
            ProfileCredentialProvider(files: files),
            WebIdentityCredentialProvider(environment: environment, files: files),
            ContainerCredentialProvider(environment: environment),
            IMDSCredentialProvider(environment: environment),
            CredentialProviderChain([StaticCredentialProvider(credentials), EnvironmentCredentialProvider(environment: environment)]),
            CachingCredentialProvider(StaticCredentialProvider(credentials)),
            DefaultCredentialProvider(explicit: credentials, environment: environment),
        ]
        for value in values { KnownSecrets.assertAbsent(from: value) }
    }

    @Test("a cache holding fetched credentials")
    func filledCache() async throws {
        let cache = CachingCredentialProvider(StaticCredentialProvider(credentials))
        _ = try await cache.credentials()
        KnownSecrets.assertAbsent(from: cache)
    }

    @Test("signer, signature, requests, responses and the service client")
    func signingAndHTTP() throws {
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "monitoring")
        let url = URL(string: "https://monitoring.us-east-1.amazonaws.com/")!
        let signature = signer.sign(method: "POST", url: url, headers: [], payloadHash: SHA256.hexHash(Data()), date: Date())
        #expect(signature.headers.contains { $0.1 == KnownSecrets.sessionToken })  // it is there to be sent
        let request = HTTPRequest(
            method: "POST", url: url,
            headers: signature.headers + [("Authorization", KnownSecrets.containerToken)],
            body: Data("WebIdentityToken=\(KnownSecrets.webIdentityToken)".utf8))
        let response = HTTPResponse(
            status: 200, headers: [("Content-Type", "application/json")],
            body: Data(#"{"AccessKeyId":"AKIAEXAMPLE","SecretAccessKey":"\#(KnownSecrets.secretKey)"}"#.utf8))
        let client = AWSServiceClient(
            service: .cloudWatch, region: "us-east-1", endpoint: try AWSEndpoint(url: url),
            credentials: StaticCredentialProvider(credentials))
        for value: Any in [signer, signature, request, response, client] { KnownSecrets.assertAbsent(from: value) }
    }

    @Test("the renderings do see what is not secret (the check can fail)")
    func control() {
        let text = renderings(of: HTTPRequest(method: "POST", url: URL(string: "https://example.com/")!,
                                              headers: [("X-Visible", KnownSecrets.secretKey)])).joined()
        #expect(text.contains(KnownSecrets.secretKey))
    }
}
