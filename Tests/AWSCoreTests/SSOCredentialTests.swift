@testable import AWSCore
import Foundation
import CWMHTTPTestSupport
import Testing

/// IAM Identity Center profiles against a fake portal on loopback, with a
/// token cache laid out as the AWS CLI writes it.
@Suite("SSO profiles", .timeLimit(.minutes(1)))
struct SSOCredentialTests {
    @Test("SHA-1 as the CLI's cache names files with it")
    func sha1() {
        #expect(SHA1.hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA1.hex(String(repeating: "a", count: 1000)) == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
        // botocore's cache keys, from hashlib: a start URL and a session name.
        #expect(SHA1.hex("https://d-abc123.awsapps.com/start") == "40a89917e3175433e361b710a9d43528d7f1890a")
        #expect(SHA1.hex("my-sso") == "0ad374308c5a4e22f723adf10145eafad7c4031c")
    }

    /// A fake portal: role credentials for the right token, 401 otherwise.
    private func portal() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            guard request.path.hasPrefix("/federation/credentials"),
                  request.path.contains("account_id=111122223333"), request.path.contains("role_name=Deployer") else {
                return .text(404, "")
            }
            guard request.header("x-amz-sso_bearer_token") == "cached-token" else {
                return .text(401, #"{"message":"Session token not found or invalid"}"#)
            }
            return .text(200, #"{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"sso-secret","sessionToken":"sso-token","expiration":4070908800000}}"#)
        }
    }

    /// A home folder with a config file and the CLI's token cache.
    private func home(config: String, cacheKey: String, expiresAt: String?) throws -> URL {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("sso-\(UUID().uuidString)")
        let aws = home.appendingPathComponent(".aws")
        try FileManager.default.createDirectory(at: aws.appendingPathComponent("sso/cache"), withIntermediateDirectories: true)
        try config.write(to: aws.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        if let expiresAt {
            try #"{"accessToken":"cached-token","expiresAt":"\#(expiresAt)","region":"eu-west-1"}"#
                .write(to: aws.appendingPathComponent("sso/cache/\(cacheKey).json"), atomically: true, encoding: .utf8)
        }
        return home
    }

    private func provider(_ home: URL, profile: String, portal: LoopbackHTTPServer) -> DefaultCredentialProvider {
        DefaultCredentialProvider(
            environment: ["HOME": home.path, "AWS_PROFILE": profile, "AWS_ENDPOINT_URL_SSO": portal.url.absoluteString],
            imdsEndpoint: try? LoopbackHTTPServer.refusingURL())
    }

    static let sessionConfig = """
        [profile dev]
        sso_session = my-sso
        sso_account_id = 111122223333
        sso_role_name = Deployer
        region = eu-west-1
        [sso-session my-sso]
        sso_start_url = https://d-abc123.awsapps.com/start
        sso_region = eu-west-1
        """

    @Test("the sso_session form: the cached token (named by the session), then GetRoleCredentials")
    func sessionForm() async throws {
        let server = try portal()
        defer { server.stop() }
        let home = try home(config: Self.sessionConfig, cacheKey: SHA1.hex("my-sso"), expiresAt: "2099-01-01T00:00:00Z")
        defer { try? FileManager.default.removeItem(at: home) }
        let credentials = try await provider(home, profile: "dev", portal: server).credentials()
        #expect(credentials.accessKeyId == "ASIASSO" && credentials.sessionToken == "sso-token")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 4_070_908_800))
        #expect(server.requests.count == 1)
    }

    @Test("the legacy form: the token named by the start URL (the CLI v1's UTC suffix read too)")
    func legacyForm() async throws {
        let server = try portal()
        defer { server.stop() }
        let config = """
            [profile old]
            sso_start_url = https://d-abc123.awsapps.com/start
            sso_region = us-east-1
            sso_account_id = 111122223333
            sso_role_name = Deployer
            """
        let home = try home(config: config, cacheKey: SHA1.hex("https://d-abc123.awsapps.com/start"),
                            expiresAt: "2099-01-01T00:00:00UTC")
        defer { try? FileManager.default.removeItem(at: home) }
        #expect(try await provider(home, profile: "old", portal: server).credentials().accessKeyId == "ASIASSO")
    }

    @Test("a missing or expired token, or one the portal refuses: an error that says to run aws sso login, no fall-through")
    func loginNeeded() async throws {
        let server = try portal()
        defer { server.stop() }
        let missing = try home(config: Self.sessionConfig, cacheKey: SHA1.hex("my-sso"), expiresAt: nil)
        let expired = try home(config: Self.sessionConfig, cacheKey: SHA1.hex("my-sso"), expiresAt: "2001-01-01T00:00:00Z")
        let refused = try home(config: Self.sessionConfig, cacheKey: SHA1.hex("my-sso"), expiresAt: "2099-01-01T00:00:00Z")
        try #"{"accessToken":"stale-token","expiresAt":"2099-01-01T00:00:00Z"}"#.write(
            to: refused.appendingPathComponent(".aws/sso/cache/\(SHA1.hex("my-sso")).json"), atomically: true, encoding: .utf8)
        defer { for home in [missing, expired, refused] { try? FileManager.default.removeItem(at: home) } }
        for home in [missing, expired, refused] {
            do {
                let credentials = try await provider(home, profile: "dev", portal: server).credentials()
                Issue.record("published as \(credentials.accessKeyId)")
            } catch let error as CredentialsError {
                #expect("\(error)".contains("aws sso login --profile dev"), "\(error)")
                #expect(!"\(error)".contains("stale-token"))
            }
        }
        #expect(server.requests.count == 1, "only the refused token reached the portal")
    }

    @Test("an incomplete SSO profile or a missing sso-session section: typed errors naming what is missing")
    func incomplete() async throws {
        let server = try portal()
        defer { server.stop() }
        let cases = [("[profile a]\nsso_session = nowhere\nsso_account_id = 1\nsso_role_name = R\n", "[sso-session nowhere]"),
                     ("[profile a]\nsso_start_url = https://x/start\nsso_account_id = 1\nsso_role_name = R\n", "sso_region")]
        for (config, expected) in cases {
            let home = try home(config: config, cacheKey: "unused", expiresAt: nil)
            defer { try? FileManager.default.removeItem(at: home) }
            do {
                _ = try await provider(home, profile: "a", portal: server).credentials()
                Issue.record("no error for \(expected)")
            } catch let error as CredentialsError {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
        #expect(server.requests.isEmpty)
    }
}
