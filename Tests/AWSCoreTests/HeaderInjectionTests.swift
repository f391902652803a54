import AWSCore
import Foundation
import CWMHTTPTestSupport
import Testing

/// A CR or LF in a header value (a session token, an IMDS token, an API
/// key, a custom header) would end the header and start another: a typed
/// error before anything is sent.
@Suite("Header values with line breaks", .timeLimit(.minutes(1)))
struct HeaderInjectionTests {
    @Test("a CR/LF or NUL in a value, or a name that is not a token: invalidHeader, nothing sent, the value not shown",
          arguments: TransportKind.allCases)
    func refusedBeforeSending(kind: TransportKind) async throws {
        let server = try LoopbackHTTPServer { _ in .respond(status: 200) }
        defer { server.stop() }
        let bad: [(String, String)] = [("X-Amz-Security-Token", "token\r\nX-Injected: 1"), ("X-Api-Key", "key\nmore"),
                                       ("X-Nul", "a\u{0}b"), ("Bad Name", "v4lue-x")]
        for header in bad {
            let request = HTTPRequest(method: "POST", url: server.url, headers: [header], timeout: .seconds(5))
            do {
                _ = try await kind.make().send(request)
                Issue.record("\(header.0) was sent")
            } catch let error as HTTPTransportError {
                guard case .invalidHeader(let name) = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect(name == header.0 || header.0 == "Bad Name")
                #expect(!"\(error)".contains(header.1))
            }
        }
        #expect(server.requests.isEmpty)
        let fine = try await kind.make().send(HTTPRequest(method: "POST", url: server.url,
                                                          headers: [("X-Api-Key", "key value; with: colons")],
                                                          timeout: .seconds(5)))
        #expect(fine.status == 200)
    }
}
