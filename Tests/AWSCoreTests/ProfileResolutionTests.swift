@testable import AWSCore
import Foundation
import CWMHTTPTestSupport
import Testing

/// A named profile means that identity or an error: never a silent fall
/// through to the container's or the instance's role.
@Suite("Named profiles", .timeLimit(.minutes(1)))
struct ProfileResolutionTests {
    @Test("AWS_PROFILE naming a profile in neither file: a typed error naming it, before any request; a sink's connection throws it too")
    func missingProfile() async throws {
        let files = try TemporaryFiles(["config": "[profile dev]\nregion = eu-west-1\n"])
        let server = try fakeIMDS(accessKeyId: "ASIAINSTANCE")
        defer { server.stop() }
        let environment = ["HOME": "/nonexistent-home", "AWS_CONFIG_FILE": files.path("config"), "AWS_PROFILE": "prdo"]
        let chain = DefaultCredentialProvider(environment: environment, imdsEndpoint: server.url)
        #expect(chain.configurationProblem == .profileNotFound("prdo", files: [files.path("config")]))
        await #expect(throws: CredentialsError.profileNotFound("prdo", files: [files.path("config")])) {
            _ = try await chain.credentials()
        }
        #expect(server.requests.isEmpty)
        #expect(throws: CredentialsError.profileNotFound("prdo", files: [files.path("config")])) {
            _ = try AWSConnection.test(environment: environment).credentials()
        }
        #expect("\(CredentialsError.profileNotFound("prdo", files: []))".contains("'prdo'"))
        let inCode = DefaultCredentialProvider(profile: "nope", environment: ["HOME": "/nonexistent-home"])
        #expect(inCode.configurationProblem == .profileNotFound("nope", files: []))
    }

    @Test("a named profile that exists but holds no credentials fails; it does not publish as the instance role")
    func namedProfileWithoutCredentials() async throws {
        let files = try TemporaryFiles(["config": "[profile dev]\nregion = eu-west-1\n"])
        let server = try fakeIMDS(accessKeyId: "ASIAINSTANCE")
        defer { server.stop() }
        let environment = ["HOME": "/nonexistent-home", "AWS_CONFIG_FILE": files.path("config"), "AWS_PROFILE": "dev"]
        let chain = DefaultCredentialProvider(environment: environment, imdsEndpoint: server.url)
        #expect(chain.configurationProblem == nil)
        do {
            let credentials = try await chain.credentials()
            Issue.record("published as \(credentials.accessKeyId)")
        } catch let error as CredentialsError {
            if case .failed(let provider, _) = error {
                #expect(provider == "profile dev")
            } else {
                Issue.record("\(error)")
            }
        }
        #expect(server.requests.isEmpty)
    }

    @Test("without a named profile, an empty default still falls through to the instance role, as botocore does")
    func defaultProfileFallsThrough() async throws {
        let server = try fakeIMDS(accessKeyId: "ASIAINSTANCE")
        defer { server.stop() }
        let chain = DefaultCredentialProvider(environment: ["HOME": "/nonexistent-home"], imdsEndpoint: server.url)
        #expect(try await chain.credentials().accessKeyId == "ASIAINSTANCE")
    }
}
