import Foundation
import Testing
@testable import OTLPSink

@Suite("Protobuf writer and reader", .timeLimit(.minutes(3)))
struct ProtobufWriterTests {
    @Test("varints, zigzag and fixed64 have the wire format's bytes")
    func scalars() {
        var writer = ProtobufWriter()
        writer.uint(1, 300)
        #expect(writer.bytes == [0x08, 0xAC, 0x02])
        writer = ProtobufWriter()
        writer.sint(6, -1)
        writer.sint(6, 1)
        writer.sint(6, -64)
        #expect(writer.bytes == [0x30, 0x01, 0x30, 0x02, 0x30, 0x7F])
        writer = ProtobufWriter()
        writer.fixed64(2, 0x0102_0304_0506_0708)
        #expect(writer.bytes == [0x11, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01])
        writer = ProtobufWriter()
        writer.double(4, 1.5)
        #expect(writer.bytes == [0x21] + withUnsafeBytes(of: (1.5).bitPattern.littleEndian, Array.init))
        writer = ProtobufWriter()
        writer.int(3, -1)
        #expect(writer.bytes == [0x18] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }

    @Test("a nested message's length is right on both sides of 128 bytes, and nested twice", arguments: [0, 1, 127, 128, 300, 20_000])
    func nestedLengths(size: Int) throws {
        let text = String(repeating: "x", count: size)
        var writer = ProtobufWriter()
        writer.message(1) { outer in
            outer.message(2) { $0.string(3, text) }
            outer.uint(4, 7)
        }
        var reader = ProtobufReader(writer.bytes)
        let numberField = reader.field()
        let (number, value) = try #require(numberField)
        #expect(number == 1 && reader.isAtEnd)
        guard case .bytes(let outer) = value else { Issue.record("not length-delimited"); return }
        var inner = ProtobufReader(outer)
        let innerNumberField = inner.field()
        let (innerNumber, innerValue) = try #require(innerNumberField)
        #expect(innerNumber == 2)
        guard case .bytes(let message) = innerValue else { Issue.record("not length-delimited"); return }
        var leaf = ProtobufReader(message)
        let leafNumberField = leaf.field()
        let (leafNumber, leafValue) = try #require(leafNumberField)
        guard case .bytes(let string) = leafValue else { Issue.record("not a string"); return }
        #expect(leafNumber == 3 && string.count == size && leaf.isAtEnd)
        let lastField = inner.field()
        let (last, lastValue) = try #require(lastField)
        guard case .varint(let seven) = lastValue else { Issue.record("not a varint"); return }
        #expect(last == 4 && seven == 7 && inner.isAtEnd)
    }

    @Test("packed varints: the counted length and every value read back, from 1 to 10 bytes each")
    func packedVarints() throws {
        let values: [UInt64] = [0, 1, 127, 128, 300, 16_383, 16_384, 1 << 35, .max] + Array(repeating: 0, count: 200)
        var writer = ProtobufWriter()
        writer.packedVarints(2, values)
        var reader = ProtobufReader(writer.bytes)
        let field = reader.field()
        let (number, value) = try #require(field)
        #expect(number == 2 && reader.isAtEnd)
        guard case .bytes(let packed) = value else { Issue.record("not length-delimited"); return }
        var items = ProtobufReader(packed)
        var read: [UInt64] = []
        while !items.isAtEnd, let item = items.varint() { read.append(item) }
        #expect(read == values)
        #expect(packed.count == 1 + 1 + 1 + 2 + 2 + 2 + 3 + 6 + 10 + 200)
    }

    @Test("the reader gives nil for truncated or malformed input instead of crashing")
    func malformed() {
        for bytes: [UInt8] in [[0x0A, 0x05, 0x01], [0x08], [0x08, 0x80, 0x80], [0x00, 0x01], [0x0F], [0x11, 0x01]] {
            var reader = ProtobufReader(bytes)
            var fields = 0
            while !reader.isAtEnd, reader.field() != nil { fields += 1 }
            #expect(fields == 0, "\(bytes)")
        }
    }
}
