@testable import AWSCore
import Foundation
import CWMHTTPTestSupport
import Testing

/// `credential_process`, with a fixture script (Tests/Fixtures/credential_process).
@Suite("credential_process", .timeLimit(.minutes(1)))
struct ProcessCredentialTests {
    static let script = TestEnvironment.path("Tests/Fixtures/credential_process/credentials.sh")

    private func provider(_ arguments: String, timeout: Duration = .seconds(20),
                          maxOutputBytes: Int = 64 << 10) -> ProcessCredentialProvider {
        ProcessCredentialProvider(command: "\(Self.script) \(arguments)", profile: "tools", timeout: timeout,
                                  maxOutputBytes: maxOutputBytes)
    }

    @Test("words split as a shell would, without a shell")
    func splitting() {
        #expect(ProcessCredentialProvider.split(#"/bin/tool --profile 'a b' "c \"d\" \$e" f\ g  h"#)
                == ["/bin/tool", "--profile", "a b", #"c "d" $e"#, "f g", "h"])
        #expect(ProcessCredentialProvider.split(#"tool "back\slash" '$(not run)'"#) == ["tool", #"back\slash"#, "$(not run)"])
        #expect(ProcessCredentialProvider.split("   ").isEmpty)
    }

    @Test("Version 1 JSON: keys, token and expiration; the arguments arrive as split")
    func success() async throws {
        let credentials = try await provider("ok 'two words' three").credentials()
        #expect(credentials.accessKeyId == "AKIDPROCESS")
        #expect(credentials.sessionToken == "two words three")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 4_070_908_800))
    }

    @Test("a non-zero exit, bad JSON, another Version, a hang, a command that closes its output and runs on, a flood: typed errors naming the profile, stderr never shown")
    func failures() async {
        let cases: [(ProcessCredentialProvider, String)] = [
            (provider("fail"), "exited with status 3"),
            (provider("garbage"), "JSON object"),
            (provider("version2"), "Version"),
            (provider("hang", timeout: .milliseconds(300)), "did not finish"),
            (provider("linger", timeout: .milliseconds(300)), "did not finish"),
            (provider("flood", maxOutputBytes: 1024), "more than 1024 bytes"),
        ]
        for (provider, expected) in cases {
            do {
                _ = try await provider.credentials()
                Issue.record("no error for \(expected)")
            } catch let error as CredentialsError {
                guard case .failed(let name, let reason) = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect(name == "credential_process of profile tools")
                #expect(reason.contains(expected), "\(reason)")
                #expect(!"\(error)".contains("SECRET-ON-STDERR"))
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test("through the default chain: a profile with credential_process publishes as what it prints")
    func inTheChain() async throws {
        let files = try TemporaryFiles(["config": "[profile tools]\ncredential_process = \(Self.script) ok chain\n"])
        let chain = DefaultCredentialProvider(
            environment: ["HOME": "/nonexistent-home", "AWS_CONFIG_FILE": files.path("config"), "AWS_PROFILE": "tools"],
            imdsEndpoint: try LoopbackHTTPServer.refusingURL())
        let credentials = try await chain.credentials()
        #expect(credentials.accessKeyId == "AKIDPROCESS" && credentials.sessionToken == "chain")
        #expect(!"\(ProcessCredentialProvider(command: "tool --token hunter2", profile: "p"))".contains("hunter2"))
    }
}
