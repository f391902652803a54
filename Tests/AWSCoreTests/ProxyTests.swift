@testable import AWSCore
import Foundation
import CWMHTTPTestSupport
import Testing

/// Proxies as botocore reads them; never for instance metadata or the
/// container credentials endpoint.
@Suite("Proxies", .timeLimit(.minutes(2)))
struct ProxyTests {
    @Test("the environment as botocore reads it: per scheme, lower case wins, http:// by default, NO_PROXY, httpoxy")
    func fromEnvironment() throws {
        let proxies = HTTPProxies(environment: [
            "HTTPS_PROXY": "http://upper:3128", "https_proxy": "http://lower:3128", "HTTP_PROXY": "plain:8080",
            "NO_PROXY": "internal.example, .corp.example,10.0.0.1:8443",
        ])
        let https = try #require(URL(string: "https://monitoring.us-east-1.amazonaws.com/"))
        #expect(proxies.proxy(for: https)?.absoluteString == "http://lower:3128")
        #expect(proxies.proxy(for: URL(string: "http://example.com/")!)?.absoluteString == "http://plain:8080")
        for direct in ["https://internal.example/", "https://api.internal.example/", "https://corp.example/",
                       "https://a.b.corp.example/", "https://10.0.0.1:8443/"] {
            #expect(proxies.proxy(for: URL(string: direct)!) == nil, "\(direct)")
        }
        #expect(proxies.proxy(for: URL(string: "https://notinternal.example/")!) != nil)
        #expect(proxies.proxy(for: URL(string: "https://10.0.0.1:9000/")!) != nil)
        #expect(HTTPProxies(environment: ["https_proxy": "http://p:1", "no_proxy": "*"]).proxy(for: https) == nil)
        #expect(HTTPProxies(environment: ["HTTP_PROXY": "http://p:1", "REQUEST_METHOD": "GET"]).http == nil)
        let secretProxy = HTTPProxies(environment: ["https_proxy": "http://user:hunter2@proxy:3128"])
        #expect(secretProxy.proxy(for: https)?.password == "hunter2")
        #expect(!"\(secretProxy)".contains("hunter2") && !"\(secretProxy)".contains("user"))
    }

    @Test("a service request goes through the proxy; one marked usesProxy: false, and one bypassed by NO_PROXY, go direct")
    func serviceThroughProxy() async throws {
        let proxy = try LoopbackHTTPServer { _ in .text(200, "from the proxy") }
        let target = try LoopbackHTTPServer { _ in .text(200, "direct") }
        defer { proxy.stop(); target.stop() }
        let transport = CurlTransport(proxies: HTTPProxies(environment: ["http_proxy": proxy.url.absoluteString]))
        let viaProxy = try await transport.send(HTTPRequest(method: "GET", url: target.url.appendingPathComponent("a"),
                                                            timeout: .seconds(5)))
        #expect(String(decoding: viaProxy.body, as: UTF8.self) == "from the proxy")
        #expect(proxy.requests.map(\.path) == [target.url.appendingPathComponent("a").absoluteString])
        let direct = try await transport.send(HTTPRequest(method: "GET", url: target.url, timeout: .seconds(5),
                                                          usesProxy: false))
        #expect(String(decoding: direct.body, as: UTF8.self) == "direct")
        let bypassing = CurlTransport(proxies: HTTPProxies(environment: ["http_proxy": proxy.url.absoluteString,
                                                                         "no_proxy": "127.0.0.1"]))
        _ = try await bypassing.send(HTTPRequest(method: "GET", url: target.url, timeout: .seconds(5)))
        #expect(proxy.requests.count == 1 && target.requests.count == 2)
    }

    @Test("with http_proxy in the process's environment, IMDS and the container endpoint are asked directly, never through it")
    func metadataNeverProxied() async {
        // In a child process: the proxy is set in its own environment, as a
        // user's shell would, which libcurl would read by itself.
        await #expect(processExitsWith: .success) {
            let proxy = try LoopbackHTTPServer { _ in .text(200, "PROXY-TOKEN") }
            let imds = try fakeIMDS(accessKeyId: "ASIAIMDS")
            let container = try LoopbackHTTPServer { _ in
                .text(200, #"{"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"s","Token":"t","Expiration":"2099-01-01T00:00:00Z"}"#)
            }
            setenv("http_proxy", proxy.url.absoluteString, 1)
            setenv("HTTP_PROXY", proxy.url.absoluteString, 1)
            let fromIMDS = try await IMDSCredentialProvider(environment: [:], client: IMDSClient(environment: [:], endpoint: imds.url))
                .credentials()
            let fromContainer = try await ContainerCredentialProvider(
                environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": container.url.appendingPathComponent("creds").absoluteString,
                              "AWS_CONTAINER_AUTHORIZATION_TOKEN": "pod-token"]).credentials()
            guard fromIMDS.accessKeyId == "ASIAIMDS", fromContainer.accessKeyId == "ASIACONTAINER",
                  proxy.requests.isEmpty, imds.requests.count == 3, container.requests.count == 1 else { exit(1) }
        }
    }
}
