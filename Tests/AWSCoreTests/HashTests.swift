@testable import AWSCore
import Foundation
import CWMHTTPTestSupport
import Testing

@Suite("SHA-256 and HMAC", .timeLimit(.minutes(3)))
struct HashTests {
    private static func message(length: Int, pattern: String) -> [UInt8] {
        switch pattern {
        case "a": return [UInt8](repeating: 0x61, count: length)
        case "ff": return [UInt8](repeating: 0xFF, count: length)
        case "zero": return [UInt8](repeating: 0, count: length)
        default: return (0..<length).map { UInt8($0 % 251) }
        }
    }

    @Test("NIST FIPS 180-4 examples, with and without the SHA extensions",
          arguments: [false, true])
    func nist(portable: Bool) async throws {
        try await onOwnThread { try Self.checkNIST(portable: portable) }
    }

    private static func checkNIST(portable: Bool) throws {
        let root = try #require(try SharedVectors.json("sha256/nist_fips180_examples.json") as? [String: Any])
        let vectors = try #require(root["vectors"] as? [[String: Any]])
        #expect(vectors.count == 5)
        for vector in vectors {
            let text = try #require(vector["message_ascii"] as? String)
            let repeats = try #require(vector["repeat"] as? Int)
            var hasher = SHA256(implementation: portable ? .portable : .automatic)
            // Feed a million-byte message in uneven pieces to exercise buffering.
            let piece = Data(String(repeating: text, count: repeats > 1 ? 997 : 1).utf8)
            var fed = 0
            let total = text.utf8.count * repeats
            while fed < total {
                let chunk = piece.prefix(total - fed)
                hasher.update(chunk)
                fed += chunk.count
            }
            #expect(Hex.encode(hasher.finalize()) == vector["hex"] as? String, "\(vector["name"] ?? "")")
        }
    }

    @Test("415 generated digests (lengths 0...300 and larger, four byte patterns)",
          arguments: [false, true])
    func generated(portable: Bool) async throws {
        try await onOwnThread { try Self.checkGenerated(portable: portable) }
    }

    private static func checkGenerated(portable: Bool) throws {
        let lines = try String(contentsOf: SharedVectors.url("sha256/generated.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        #expect(lines.count == 415)
        for line in lines {
            let vector = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let length = try #require(vector["len"] as? Int)
            let pattern = try #require(vector["pattern"] as? String)
            let bytes = message(length: length, pattern: pattern)
            #expect(Hex.encode(SHA256.hash(bytes, implementation: portable ? .portable : .automatic)) == vector["hex"] as? String, "len \(length) \(pattern)")
        }
    }

    @Test("this machine's CPU path is the accelerated one when it has SHA-NI")
    func accelerationDetected() throws {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        if cpuinfo.contains(" sha_ni") { #expect(SHA256.usesHardwareAcceleration) }
    }

    @Test("streaming in every split equals one shot")
    func streaming() {
        let bytes = Self.message(length: 200, pattern: "i%251")
        let expected = SHA256.hash(bytes)
        for split in [0, 1, 55, 56, 63, 64, 65, 127, 128, 199, 200] {
            var hasher = SHA256()
            hasher.update(bytes[0..<split])
            hasher.update(bytes[split...])
            #expect(hasher.finalize() == expected, "split at \(split)")
        }
    }

    @Test("RFC 4231 HMAC-SHA256 test cases 1-7")
    func rfc4231() throws {
        let root = try #require(try SharedVectors.json("hmac/rfc4231_hmac_sha256.json") as? [String: Any])
        let vectors = try #require(root["vectors"] as? [[String: Any]])
        #expect(vectors.count == 7)
        for vector in vectors {
            let keyHex = try #require(vector["key_hex"] as? String)
            let dataHex = try #require(vector["data_hex"] as? String)
            let key = try #require(Hex.decode(keyHex))
            let data = try #require(Hex.decode(dataHex))
            let mac = HMACSHA256.authenticationCode(for: data, key: key)
            #expect(Hex.encode(mac) == vector["hmac_sha256_hex"] as? String, "case \(vector["test_case"] ?? "")")
        }
    }

    @Test("SigV4 signing-key chains")
    func signingKeys() throws {
        let root = try #require(try SharedVectors.json("sigv4_keys/signing_keys.json") as? [String: Any])
        let vectors = try #require(root["vectors"] as? [[String: Any]])
        #expect(vectors.count == 6)
        for vector in vectors {
            let secret = try #require(vector["secret_access_key"] as? String)
            let date = try #require(vector["date"] as? String)
            let region = try #require(vector["region"] as? String)
            let service = try #require(vector["service"] as? String)
            let key = SigV4Signer.signingKey(secret: secret, date: date, region: region, service: service)
            let expected = vector["kSigning_hex"] as? String ?? vector["signing_key_hex"] as? String
            #expect(Hex.encode(key) == expected)
        }
    }

    @Test("hex round trip and the empty digest")
    func hex() {
        #expect(SHA256.hexHash(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.decode("00ff10Ab") == [0, 255, 16, 171])
        #expect(Hex.decode("0g") == nil)
        #expect(Hex.encode([0, 255, 16, 171]) == "00ff10ab")
    }
}
