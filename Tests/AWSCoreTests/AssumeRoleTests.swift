@testable import AWSCore
import Foundation
import CWMHTTPTestSupport
import Testing

/// `role_arn` profiles against a fake STS on loopback: which credentials
/// sign which call, chains, cycles, and what is refused.
@Suite("Assume role from a profile", .timeLimit(.minutes(1)))
struct AssumeRoleTests {
    /// A fake STS: each role gets keys named after it; records each call.
    private func sts() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            let form = String(decoding: request.body, as: UTF8.self)
            guard form.contains("Action=AssumeRole"),
                  let role = form.split(separator: "&").first(where: { $0.hasPrefix("RoleArn=") })?
                    .dropFirst("RoleArn=".count).removingPercentEncoding?.split(separator: "/").last else {
                return .text(400, "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>")
            }
            return .text(200, """
                <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>\
                <AccessKeyId>ASIA\(role.uppercased())</AccessKeyId><SecretAccessKey>secret-\(role)</SecretAccessKey>\
                <SessionToken>token-\(role)</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>\
                </Credentials></AssumeRoleResult></AssumeRoleResponse>
                """)
        }
    }

    /// The access key id a request was signed with.
    private func signer(_ request: LoopbackHTTPServer.Request) -> String? {
        guard let authorization = request.header("Authorization"),
              let range = authorization.range(of: "Credential=") else { return nil }
        return authorization[range.upperBound...].split(separator: "/").first.map(String.init)
    }

    private func chain(_ config: String, profile: String, sts: LoopbackHTTPServer,
                       environment: [String: String] = [:]) throws -> (DefaultCredentialProvider, TemporaryFiles) {
        let files = try TemporaryFiles(["config": config])
        let provider = DefaultCredentialProvider(
            environment: ["HOME": "/nonexistent-home", "AWS_CONFIG_FILE": files.path("config"), "AWS_PROFILE": profile]
                .merging(environment) { $1 },
            imdsEndpoint: try LoopbackHTTPServer.refusingURL(), stsEndpoint: sts.url)
        return (provider, files)
    }

    @Test("role_arn + source_profile: AssumeRole signed with the source's keys, with the profile's session name, external id and duration")
    func sourceProfile() async throws {
        let server = try sts()
        defer { server.stop() }
        let (provider, files) = try chain("""
            [profile base]
            aws_access_key_id = AKIDBASE
            aws_secret_access_key = base-secret
            [profile deploy]
            role_arn = arn:aws:iam::123456789012:role/deploy
            source_profile = base
            role_session_name = nightly
            external_id = ext-42
            duration_seconds = 900
            """, profile: "deploy", sts: server)
        _ = files
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyId == "ASIADEPLOY" && credentials.sessionToken == "token-deploy")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 4_070_908_800))
        let call = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(signer(call) == "AKIDBASE")
        let form = String(decoding: call.body, as: UTF8.self)
        for part in ["Action=AssumeRole", "Version=2011-06-15", "RoleSessionName=nightly", "ExternalId=ext-42",
                     "DurationSeconds=900", "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdeploy"] {
            #expect(form.contains(part), "\(part) in \(form)")
        }
        _ = try await provider.credentials()
        #expect(server.requests.count == 1, "cached until shortly before it expires")
    }

    @Test("a chain of roles: each assumed with the previous role's credentials")
    func chainOfRoles() async throws {
        let server = try sts()
        defer { server.stop() }
        let (provider, files) = try chain("""
            [profile a]
            aws_access_key_id = AKIDA
            aws_secret_access_key = a-secret
            [profile b]
            role_arn = arn:aws:iam::123456789012:role/b
            source_profile = a
            [profile c]
            role_arn = arn:aws:iam::123456789012:role/c
            source_profile = b
            """, profile: "c", sts: server)
        _ = files
        #expect(try await provider.credentials().accessKeyId == "ASIAC")
        #expect(server.requests.map(signer) == ["AKIDA", "ASIAB"])
    }

    @Test("credential_source = Environment signs with the environment's keys")
    func credentialSourceEnvironment() async throws {
        let server = try sts()
        defer { server.stop() }
        let files = try TemporaryFiles(["config": """
            [profile ci]
            role_arn = arn:aws:iam::123456789012:role/ci
            credential_source = Environment
            """])
        let alone = AssumeRoleCredentialProvider(
            files: SharedConfigFiles(environment: ["HOME": "/nonexistent-home", "AWS_CONFIG_FILE": files.path("config")],
                                     profile: "ci"),
            environment: ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret"], transport: nil,
            stsEndpoint: server.url)
        #expect(try await alone.credentials().accessKeyId == "ASIACI")
        #expect(server.requests.map(signer) == ["AKIDENV"])
    }

    @Test("a cycle, mfa_serial, a missing source profile, both sources, an unknown credential_source: typed errors, no call")
    func refused() async throws {
        let server = try sts()
        defer { server.stop() }
        let cases: [(String, String, String)] = [
            ("[profile x]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = y\n[profile y]\nrole_arn = arn:aws:iam::1:role/y\nsource_profile = x\n",
             "x", "loops"),
            ("[profile m]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = m\nmfa_serial = arn:aws:iam::1:mfa/me\naws_access_key_id = K\naws_secret_access_key = S\n",
             "m", "MFA"),
            ("[profile o]\nrole_arn = arn:aws:iam::1:role/o\nsource_profile = gone\n", "o", "neither shared file"),
            ("[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = b\ncredential_source = Environment\n", "b", "both"),
            ("[profile u]\nrole_arn = arn:aws:iam::1:role/u\ncredential_source = Laptop\n", "u", "Laptop"),
        ]
        for (config, profile, expected) in cases {
            let (provider, files) = try chain(config, profile: profile, sts: server)
            _ = files
            do {
                _ = try await provider.credentials()
                Issue.record("\(profile): no error")
            } catch let error as CredentialsError {
                #expect("\(error)".contains(expected), "\(profile): \(error)")
            }
        }
        #expect(server.requests.isEmpty)
    }

    @Test("a profile that names itself uses its own static keys to assume its role")
    func selfSource() async throws {
        let server = try sts()
        defer { server.stop() }
        let (provider, files) = try chain("""
            [profile self]
            aws_access_key_id = AKIDSELF
            aws_secret_access_key = self-secret
            role_arn = arn:aws:iam::123456789012:role/self
            source_profile = self
            """, profile: "self", sts: server)
        _ = files
        #expect(try await provider.credentials().accessKeyId == "ASIASELF")
        #expect(server.requests.map(signer) == ["AKIDSELF"])
    }
}
