import AWSCore
import Foundation
import CWMHTTPTestSupport
import Testing

@Suite("Redirects are never followed", .timeLimit(.minutes(3)))
struct RedirectTests {
    @Test("a 307 to another host comes back as the response; the other host sees nothing",
          arguments: TransportKind.allCases)
    func transportsDoNotFollow(kind: TransportKind) async throws {
        let elsewhere = try LoopbackHTTPServer { _ in .text(200, "{}") }
        defer { elsewhere.stop() }
        let target = elsewhere.url.appendingPathComponent("steal").absoluteString
        let server = try LoopbackHTTPServer { _ in .text(307, "", headers: [("Location", target)]) }
        defer { server.stop() }
        let response = try await kind.make().send(HTTPRequest(
            method: "POST", url: server.url, headers: [("Authorization", "AWS4-HMAC-SHA256 secret-bearing")],
            body: Data("payload".utf8), timeout: .seconds(5)))
        #expect(response.status == 307)
        #expect(elsewhere.requests.isEmpty)
        #expect(server.requests.count == 1)
    }

    @Test("a signed call answered with a redirect fails with the status in the error", arguments: TransportKind.allCases)
    func serviceClientFails(kind: TransportKind) async throws {
        let elsewhere = try LoopbackHTTPServer { _ in .text(200, "{}") }
        defer { elsewhere.stop() }
        let server = try LoopbackHTTPServer { _ in .text(301, "", headers: [("Location", elsewhere.url.absoluteString)]) }
        defer { server.stop() }
        let client = AWSServiceClient(
            service: .cloudWatch, region: "us-east-1", endpoint: try AWSEndpoint(url: server.url),
            credentials: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "s3cr3t-key")),
            transport: kind.make(), timeout: .seconds(5))
        await #expect {
            _ = try await client.send(headers: [("Content-Type", "application/x-amz-json-1.0")], body: Data("{}".utf8))
        } throws: { error in
            (error as? AWSError)?.statusCode == 301
        }
        #expect(elsewhere.requests.isEmpty)
    }
}
