import AWSCore
import Foundation
import Testing

extension AWSConnection {
    /// A connection with every setting at the sinks' defaults unless given.
    static func test(region: String? = nil, endpoint: URL? = nil, accessKeyId: String? = nil,
                     secretAccessKey: String? = nil, sessionToken: String? = nil,
                     credentialProvider: (any CredentialProvider)? = nil,
                     environment: [String: String] = ["HOME": "/nonexistent-home"]) -> AWSConnection {
        AWSConnection(region: region, endpoint: endpoint, verifySSL: true, accessKeyId: accessKeyId,
                      secretAccessKey: secretAccessKey, sessionToken: sessionToken,
                      credentialProvider: credentialProvider, caBundlePath: nil, timeout: .seconds(10),
                      environment: environment)
    }
}

/// The one way every AWS sink turns its parameters into a signed client.
@Suite("AWS connection")
struct AWSConnectionTests {
    @Test("the region: given, else AWS_REGION, else none, which names the service")
    func region() throws {
        #expect(try AWSConnection.test(region: "eu-west-1").resolvedRegion(for: .cloudWatch) == "eu-west-1")
        let fromEnvironment = AWSConnection.test(environment: ["HOME": "/nonexistent-home", "AWS_REGION": "ap-south-1"])
        #expect(try fromEnvironment.resolvedRegion(for: .cloudWatch) == "ap-south-1")
        #expect(throws: EndpointError.missingRegion(service: "logs")) {
            try AWSConnection.test().resolvedRegion(for: .cloudWatchLogs)
        }
        #expect("\(EndpointError.missingRegion(service: "logs"))".contains("pass region:"))
    }

    @Test("credentials: both keys, the provider given, or the default chain; one key alone is an error")
    func credentials() async throws {
        let keys = try AWSConnection.test(accessKeyId: "AKID", secretAccessKey: "SECRET", sessionToken: "TOKEN").credentials()
        #expect(try await keys.credentials() == AWSCredentials(accessKeyId: "AKID", secretAccessKey: "SECRET",
                                                               sessionToken: "TOKEN"))
        let given = StaticCredentialProvider(AWSCredentials(accessKeyId: "GIVEN", secretAccessKey: "S"))
        #expect(try await AWSConnection.test(credentialProvider: given).credentials().credentials().accessKeyId == "GIVEN")
        #expect(try AWSConnection.test().credentials() is DefaultCredentialProvider)
        for connection in [AWSConnection.test(accessKeyId: "AKID"), .test(secretAccessKey: "SECRET")] {
            #expect(throws: CredentialsError.incompleteKeys) { try connection.credentials() }
        }
        #expect(!"\(CredentialsError.incompleteKeys)".contains("SECRET"))
    }

    @Test("the endpoint: explicit as given; AWS's own host, or the environment's, with the path appended")
    func endpoint() throws {
        let keys = (accessKeyId: "AKID", secretAccessKey: "SECRET")
        let explicit = try AWSConnection.test(region: "us-east-1", endpoint: URL(string: "http://127.0.0.1:4566"),
                                              accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey)
            .client(for: .cloudWatch, path: ["v1", "metrics"])
        #expect(explicit.endpoint.url.absoluteString == "http://127.0.0.1:4566")
        let aws = try AWSConnection.test(region: "us-east-1", accessKeyId: keys.accessKeyId,
                                         secretAccessKey: keys.secretAccessKey)
            .client(for: .cloudWatch, path: ["v1", "metrics"])
        #expect(aws.endpoint.url.absoluteString == "https://monitoring.us-east-1.amazonaws.com/v1/metrics")
        #expect(aws.region == "us-east-1" && aws.service == .cloudWatch)
        let logs = try AWSConnection.test(region: "us-east-1", accessKeyId: keys.accessKeyId,
                                          secretAccessKey: keys.secretAccessKey,
                                          environment: ["AWS_ENDPOINT_URL_LOGS": "http://127.0.0.1:5000"])
            .client(for: .cloudWatchLogs)
        #expect(logs.endpoint.url.absoluteString == "http://127.0.0.1:5000")
    }

    @Test("it keeps only the AWS settings of the environment, and describes itself without secrets")
    func redaction() {
        let connection = AWSConnection.test(region: "us-east-1", endpoint: URL(string: "http://user:pass@127.0.0.1:4566"),
                                            accessKeyId: "AKIDSECRETISH", secretAccessKey: "SECRET",
                                            environment: ["AWS_REGION": "eu-west-1", "DD_API_KEY": "dd-secret",
                                                          "HOME": "/home/x"])
        #expect(connection.environment == ["AWS_REGION": "eu-west-1", "HOME": "/home/x"])
        let text = connection.descriptionFields
        #expect(text.contains("region: us-east-1") && text.contains("credentials: explicit, <redacted>"))
        for secret in ["AKIDSECRETISH", "SECRET", "pass"] { #expect(!text.contains(secret), "\(secret)") }
    }

    /// Options of a sink of one's own, with what every HTTP sink has.
    private struct Options: AWSSinkOptions {
        var retryPolicy = RetryPolicy()
        var requestTimeout: Duration = .seconds(3)
        var caBundlePath: String? = "/etc/ca.pem"
        var name = "mine"
        var environment = ["AWS_REGION": "eu-west-1", "OTHER": "x"]
        var credentialProvider: (any CredentialProvider)? = StaticCredentialProvider(
            AWSCredentials(accessKeyId: "FROMOPTIONS", secretAccessKey: "S"))
    }

    @Test("a sink's options give its connection their provider, CA bundle, timeout and environment")
    func fromOptions() async throws {
        let connection = Options().connection(region: nil, endpoint: nil, verifySSL: false, accessKeyId: nil,
                                              secretAccessKey: nil, sessionToken: nil)
        #expect(connection.caBundlePath == "/etc/ca.pem" && connection.timeout == .seconds(3) && !connection.verifySSL)
        #expect(connection.environment == ["AWS_REGION": "eu-west-1"])
        #expect(try connection.resolvedRegion(for: .cloudWatch) == "eu-west-1")
        #expect(try await connection.credentials().credentials().accessKeyId == "FROMOPTIONS")
    }

    @Test("the shared files are read once per client: region, endpoint, CA bundle and keys all from that reading")
    func filesReadOnce() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cwm-once-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".aws"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try """
            [default]
            region = eu-central-1
            use_fips_endpoint = true
            ca_bundle = /etc/profile-ca.pem
            """.write(to: home.appendingPathComponent(".aws/config"), atomically: true, encoding: .utf8)
        try """
            [default]
            aws_access_key_id = AKIDFROMFILE
            aws_secret_access_key = SECRETFROMFILE
            """.write(to: home.appendingPathComponent(".aws/credentials"), atomically: true, encoding: .utf8)
        let connection = AWSConnection.test(environment: ["HOME": home.path])
        let files = SharedConfigFiles(environment: connection.environment)
        // Gone before the client is made: whatever it resolves came from `files`.
        try FileManager.default.removeItem(at: home)
        let client = try connection.client(for: .cloudWatch, transport: FailingTransport(), files: files)
        #expect(client.region == "eu-central-1")
        #expect(client.endpoint.url.absoluteString == "https://monitoring-fips.eu-central-1.amazonaws.com")
        #expect(connection.tls(files: files).caBundlePath == "/etc/profile-ca.pem")
        #expect(try await client.credentials.credentials().accessKeyId == "AKIDFROMFILE")
        // Read now, the files say nothing: no region at all.
        #expect(throws: EndpointError.missingRegion(service: "monitoring")) {
            try connection.client(for: .cloudWatch, transport: FailingTransport())
        }
    }

    /// A transport that is never reached in these tests.
    private struct FailingTransport: HTTPTransport {
        func send(_ request: HTTPRequest) async throws -> HTTPResponse { throw HTTPTransportError.cancelled }
    }
}
