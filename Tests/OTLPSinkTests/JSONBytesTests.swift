import CWMHTTP
import Foundation
import Testing

/// CWMHTTP's JSON writer, under the EMF, OTLP/JSON and Datadog bodies: the
/// escaping scan (eight bytes at a time) against a byte-by-byte one, and
/// numbers at the edges of the integral form.
@Suite("JSON bytes", .timeLimit(.minutes(1)))
struct JSONBytesTests {
    /// The JSON string of `text`, escaped byte by byte.
    private func reference(_ text: String) -> String {
        var out = Array("\"".utf8)
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += Array("\\\"".utf8)
            case 0x5C: out += Array("\\\\".utf8)
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case ..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out + Array("\"".utf8), as: UTF8.self)
    }

    @Test("every byte that needs escaping is escaped, wherever it sits; UTF-8 and DEL pass as they are")
    func escaping() throws {
        var cases = ["", "x", String(repeating: "y", count: 8), String(repeating: "z", count: 40), "é東😀 plain"]
        for position in 0..<24 {
            for special in ["\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{1F}", "\u{7F}", "é", " "] {
                var characters = Array(String(repeating: "x", count: 24))
                characters[position] = Character(special)
                cases.append(String(characters))
            }
        }
        for text in cases {
            var json = JSONBytes(capacity: 4)
            json.string(text)
            let written = String(decoding: json.bytes, as: UTF8.self)
            // The byte-by-byte escaper writes control characters as \u00XX too, with lowercase hex.
            #expect(written == reference(text), "\(text.debugDescription)")
            let decoded = try JSONSerialization.jsonObject(with: Data(json.bytes), options: .fragmentsAllowed) as? String
            #expect(decoded == text)
        }
    }

    @Test("numbers: integral values up to 2^53 without a fraction, -0 kept, the rest in shortest form")
    func numbers() {
        let cases: [(Double, String)] = [(0, "0"), (-0.0, "-0"), (7, "7"), (-12, "-12"), (1e15, "1000000000000000"),
                                         (9_007_199_254_740_991, "9007199254740991"), (1e16, "1e+16"),
                                         (0.5, "0.5"), (-2.5, "-2.5"), (1e-05, "1e-05")]
        for (value, text) in cases {
            var json = JSONBytes()
            json.number(value)
            #expect(String(decoding: json.bytes, as: UTF8.self) == text, "\(value)")
        }
    }

    @Test("removeAll empties it for the next document, which is written from the start")
    func reuse() {
        var json = JSONBytes(capacity: 4)
        json.string("first, a long one to make it grow")
        json.removeAll()
        #expect(json.count == 0)
        json.integer(42)
        #expect(json.bytes == Array("42".utf8))
    }
}
