import AWSCore
import Foundation
import Testing

/// A request botocore signed (see scripts/gen_sigv4_vectors.py).
struct BotocoreVector: Decodable, CustomStringConvertible, Sendable {
    struct Expected: Decodable, Sendable {
        let authorization: String
        let signed_headers: String
        let canonical_request: String
        let string_to_sign: String
        let content_encoding: String?
    }

    let name: String
    let service: String
    let region: String
    let `protocol`: String
    let method: String
    let url: String
    let headers: [[String]]
    let body_base64: String
    let epoch_seconds: Int
    let access_key_id: String
    let secret_access_key: String
    let session_token: String?
    let expected: Expected

    var description: String { name }
    var headerPairs: [(String, String)] { headers.map { ($0[0], $0[1]) } }
    var body: Data { Data(base64Encoded: body_base64)! }
    var date: Date { Date(timeIntervalSince1970: TimeInterval(epoch_seconds)) }
    var credentials: AWSCredentials {
        AWSCredentials(accessKeyId: access_key_id, secretAccessKey: secret_access_key, sessionToken: session_token)
    }

    static func load() -> [BotocoreVector] {
        struct File: Decodable { let vectors: [BotocoreVector] }
        guard let url = Bundle.module.url(forResource: "botocore_sigv4_vectors", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url) else { return [] }
        return (try? JSONDecoder().decode(File.self, from: data).vectors) ?? []
    }
}

@Suite("botocore request vectors", .timeLimit(.minutes(3)))
struct BotocoreVectorTests {
    static let vectors = BotocoreVector.load()

    @Test("the committed vectors are all there")
    func present() {
        #expect(Self.vectors.count == 10)
        #expect(Set(Self.vectors.map(\.protocol)) == ["query", "json"])
    }

    @Test("our signature equals botocore's", arguments: vectors)
    func signature(_ vector: BotocoreVector) throws {
        let signer = SigV4Signer(credentials: vector.credentials, region: vector.region, service: vector.service)
        let url = try #require(URL(string: vector.url))
        let result = signer.sign(method: vector.method, url: url, headers: vector.headerPairs,
                                 payloadHash: SHA256.hexHash(vector.body), date: vector.date)
        #expect(result.canonicalRequest == vector.expected.canonical_request)
        #expect(result.stringToSign == vector.expected.string_to_sign)
        #expect(result.signedHeaderNames == vector.expected.signed_headers)
        #expect(result.authorization == vector.expected.authorization)
    }
}
