import CWMHTTP

/// The protocol buffers wire format, as much of it as an OTLP metrics
/// request needs: varints, zigzag varints, 64-bit fixed fields, doubles,
/// strings and nested messages. No schema, no reflection: the encoder calls
/// one method per field, in field order.
///
/// A nested message is written in place: one byte is reserved for its
/// length, the message is written after it, and when the length needs more
/// than one byte the body moves right by the difference (a small copy that
/// only messages of 128 bytes or more pay, once each).
/// Not copyable, as its buffer is not.
package struct ProtobufWriter: ~Copyable {
    private var buffer: ByteBuffer

    package init(capacity: Int = 4096) {
        buffer = ByteBuffer(capacity: capacity)
    }

    package var count: Int { buffer.count }

    /// What was written, copied into an array.
    package var bytes: [UInt8] { buffer.bytes }

    // Wire types.
    private static let varintType: UInt64 = 0
    private static let fixed64Type: UInt64 = 1
    private static let lengthType: UInt64 = 2

    package mutating func varint(_ value: UInt64) {
        buffer.write(upTo: 10) { Self.writeVarint(value, at: $0) }
    }

    /// Writes `value` as a varint at `end` (room for 10 bytes); returns its size.
    @inline(__always)
    private static func writeVarint(_ value: UInt64, at end: UnsafeMutablePointer<UInt8>) -> Int {
        var value = value
        var size = 0
        while value >= 0x80 {
            end[size] = UInt8(truncatingIfNeeded: value) | 0x80
            value >>= 7
            size += 1
        }
        end[size] = UInt8(value)
        return size + 1
    }

    private mutating func tag(_ field: Int, _ wireType: UInt64) {
        varint(UInt64(field) << 3 | wireType)
    }

    /// A `uint32`/`uint64`/`enum`/`int64` field (negative `int64`s take ten bytes).
    package mutating func uint(_ field: Int, _ value: UInt64) {
        tag(field, Self.varintType)
        varint(value)
    }

    package mutating func int(_ field: Int, _ value: Int64) {
        uint(field, UInt64(bitPattern: value))
    }

    package mutating func bool(_ field: Int, _ value: Bool) {
        uint(field, value ? 1 : 0)
    }

    /// A `sint32`/`sint64` field: zigzag-encoded, so small negatives stay short.
    package mutating func sint(_ field: Int, _ value: Int64) {
        tag(field, Self.varintType)
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// A `fixed64` field.
    package mutating func fixed64(_ field: Int, _ value: UInt64) {
        tag(field, Self.fixed64Type)
        appendLittleEndian(value)
    }

    /// An `sfixed64` field.
    package mutating func sfixed64(_ field: Int, _ value: Int64) {
        fixed64(field, UInt64(bitPattern: value))
    }

    package mutating func double(_ field: Int, _ value: Double) {
        fixed64(field, value.bitPattern)
    }

    package mutating func string(_ field: Int, _ text: String) {
        tag(field, Self.lengthType)
        var text = text
        text.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            buffer.append(utf8)
        }
    }

    /// A packed `repeated fixed64` or `repeated double` field (by bit pattern).
    package mutating func packedFixed64(_ field: Int, _ values: [UInt64]) {
        guard !values.isEmpty else { return }
        tag(field, Self.lengthType)
        varint(UInt64(values.count * 8))
        for value in values { appendLittleEndian(value) }
    }

    /// A packed `repeated uint64` field: its length counted first, then
    /// every varint written in place (a histogram's buckets, mostly zeros).
    package mutating func packedVarints(_ field: Int, _ values: [UInt64]) {
        guard !values.isEmpty else { return }
        // A byte per started 7 bits (zero too): one each, and the rest for
        // the few values of 128 or more.
        var length = values.count
        for value in values where value >= 0x80 { length &+= (63 &- value.leadingZeroBitCount) / 7 }
        tag(field, Self.lengthType)
        varint(UInt64(length))
        buffer.write(upTo: length) { end in
            if length == values.count {
                // Every value under 128 (a histogram's usual counts): one byte each.
                for offset in values.indices { end[offset] = UInt8(truncatingIfNeeded: values[offset]) }
                return length
            }
            var at = 0
            for value in values { at += Self.writeVarint(value, at: end + at) }
            return at
        }
    }

    /// A nested message (or any length-delimited field) written by `body`.
    package mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        tag(field, Self.lengthType)
        let lengthAt = buffer.count
        buffer.append(0)
        body(&self)
        let length = buffer.count - lengthAt - 1
        if length < 0x80 {
            buffer.set(UInt8(length), at: lengthAt)
            return
        }
        // The length's varint: its first byte in the one reserved, the rest
        // inserted after it (the body moves right by that much).
        var prefix: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &prefix) { prefix in
            let size = Self.writeVarint(UInt64(length), at: prefix.baseAddress!.assumingMemoryBound(to: UInt8.self))
            buffer.set(prefix[0], at: lengthAt)
            buffer.insert(UnsafeRawBufferPointer(rebasing: prefix[1..<size]), at: lengthAt + 1)
        }
    }

    private mutating func appendLittleEndian(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append($0) }
    }
}

/// Reads the few fields a response needs (OTLP's partial success) and skips
/// the rest; every read is bounds-checked, so a malformed body gives `nil`,
/// never a crash.
package struct ProtobufReader {
    private let bytes: [UInt8]
    private var position: Int

    package init(_ bytes: [UInt8]) {
        self.bytes = bytes
        position = 0
    }

    package var isAtEnd: Bool { position >= bytes.count }

    package mutating func varint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count, shift < 64 {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    /// The next field: its number and its value (a varint, 8 or 4 raw bytes
    /// as an integer, or the bytes of a length-delimited field).
    package mutating func field() -> (number: Int, value: FieldValue)? {
        guard let key = varint(), key >> 3 > 0, key >> 3 <= UInt64(Int32.max) else { return nil }
        let number = Int(key >> 3)
        switch key & 7 {
        case 0:
            guard let value = varint() else { return nil }
            return (number, .varint(value))
        case 1:
            guard let raw = take(8) else { return nil }
            return (number, .fixed(raw.reversed().reduce(0) { $0 << 8 | UInt64($1) }))
        case 5:
            guard let raw = take(4) else { return nil }
            return (number, .fixed(raw.reversed().reduce(0) { $0 << 8 | UInt64($1) }))
        case 2:
            guard let length = varint(), length <= UInt64(bytes.count - position),
                  let raw = take(Int(length)) else { return nil }
            return (number, .bytes(raw))
        default:
            return nil
        }
    }

    private mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, count <= bytes.count - position else { return nil }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    package enum FieldValue {
        case varint(UInt64)
        case fixed(UInt64)
        case bytes([UInt8])
    }
}
