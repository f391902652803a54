import CWMHTTP
import Testing

/// CWMHTTP's byte buffer, under the JSON and protobuf writers: growth from
/// its smallest size, the in-place writes, and the moves.
@Suite("Byte buffer", .timeLimit(.minutes(1)))
struct ByteBufferTests {
    private func text(_ buffer: borrowing ByteBuffer) -> String {
        String(decoding: buffer.bytes, as: UTF8.self)
    }

    @Test("appends keep every byte through growth from 16 bytes; bytes copies out what was written")
    func growth() {
        var buffer = ByteBuffer(capacity: 1)
        var expected: [UInt8] = []
        for round in 0..<300 {
            let piece = Array("piece \(round);".utf8)
            piece.withUnsafeBufferPointer { buffer.append($0) }
            buffer.append(UInt8(ascii: "|"))
            expected += piece + [UInt8(ascii: "|")]
        }
        buffer.append("end")
        expected += Array("end".utf8)
        #expect(buffer.count == expected.count)
        #expect(buffer.bytes == expected)
        buffer.withUnsafeBytes { #expect(Array($0) == expected) }
    }

    @Test("decimals: one digit, powers of ten, the largest UInt64")
    func decimals() {
        var buffer = ByteBuffer(capacity: 16)
        for value: UInt64 in [0, 7, 9, 10, 99, 100, 1_795_435_200, 10_000_000_000_000_000_000, .max] {
            buffer.appendDecimal(value)
            buffer.append(UInt8(ascii: ","))
        }
        #expect(text(buffer) == "0,7,9,10,99,100,1795435200,10000000000000000000,18446744073709551615,")
    }

    @Test("repeats, inserts (the tail moves right, across growth) and sets")
    func moves() {
        var buffer = ByteBuffer(capacity: 16)
        buffer.append("[1.25")
        buffer.repeatBytes(from: 1, length: 4, times: 3, separator: UInt8(ascii: ","))
        buffer.append("]")
        #expect(text(buffer) == "[1.25,1.25,1.25,1.25]")
        let inserted = Array("0123456789abcdefghij".utf8)
        inserted.withUnsafeBytes { buffer.insert($0, at: 1) }
        #expect(text(buffer) == "[0123456789abcdefghij1.25,1.25,1.25,1.25]")
        buffer.set(UInt8(ascii: "("), at: 0)
        buffer.write(upTo: 3) { end in
            end[0] = UInt8(ascii: ")")
            return 1
        }
        #expect(text(buffer) == "(0123456789abcdefghij1.25,1.25,1.25,1.25])")
    }
}
