/// A growable UTF-8 buffer with the few JSON pieces the sinks' bodies are
/// made of (EMF documents, PutLogEvents, OTLP/JSON, Datadog series):
/// strings (escaped), integers, doubles.
///
/// Written into a ``ByteBuffer`` of its own; ``bytes`` copies out what was
/// written. Not copyable, as its buffer is not.
package struct JSONBytes: ~Copyable {
    private var buffer: ByteBuffer

    package init(capacity: Int = 1024) {
        buffer = ByteBuffer(capacity: capacity)
    }

    /// Bytes written so far.
    package var count: Int { buffer.count }

    /// What was written, copied into an array.
    package var bytes: [UInt8] { buffer.bytes }

    /// Empties it, keeping its memory for what is written next.
    package mutating func removeAll() { buffer.removeAll() }

    /// Reads what was written, in place.
    package func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try buffer.withUnsafeBytes(body)
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) { buffer.append(byte) }

    @inline(__always)
    private mutating func append(_ bytes: UnsafeRawBufferPointer) { buffer.append(bytes) }

    @inline(__always)
    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) { buffer.append(bytes) }

    package mutating func raw(_ text: StaticString) {
        buffer.append(text)
    }

    package mutating func raw(_ byte: UInt8) {
        append(byte)
    }

    package mutating func raw(_ other: [UInt8]) {
        other.withUnsafeBytes { append($0) }
    }

    package mutating func raw(_ other: UnsafeRawBufferPointer) {
        append(other)
    }

    /// `text` as a JSON string: `"` and `\` escaped, control characters as
    /// `\uXXXX`, everything else (UTF-8 included) as it is.
    package mutating func string(_ text: String) {
        append(0x22)
        appendEscaped(text)
        append(0x22)
    }

    /// `text`'s UTF-8, escaped: read in place when the string is contiguous
    /// (native strings are), with no copy of the `String`.
    private mutating func appendEscaped(_ text: String) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { appendEscaped($0) }
        if done == nil {
            var text = text
            text.withUTF8 { appendEscaped($0) }
        }
    }

    /// `first`, `separator` and `second` as one JSON string, escaped, with no
    /// concatenated `String` built (a Datadog tag `key:value`, a prefixed name).
    package mutating func string(_ first: String, _ separator: StaticString, _ second: String) {
        append(0x22)
        appendEscaped(first)
        separator.withUTF8Buffer { appendEscaped($0) }
        appendEscaped(second)
        append(0x22)
    }

    /// Appends the last `length` bytes (at most 32: a number) `times` more
    /// times, each after `separator`: a value repeated in a JSON array.
    package mutating func repeatLast(_ length: Int, times: Int, separator: UInt8) {
        guard length <= 32 else { return }
        buffer.repeatBytes(from: count - length, length: length, times: times, separator: separator)
    }

    /// `raw` (already UTF-8) as a JSON string, escaped: a document nested
    /// in a PutLogEvents message.
    package mutating func string(bytes raw: [UInt8]) {
        append(0x22)
        raw.withUnsafeBufferPointer { appendEscaped($0) }
        append(0x22)
    }

    private mutating func appendEscaped(_ text: UnsafeBufferPointer<UInt8>) {
        var start = 0
        // Eight bytes at a time up to the first that needs escaping, if any.
        let clean = Self.plainPrefix(text)
        if clean == text.count { return append(text) }
        for index in clean..<text.count {
            let byte = text[index]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
            if index > start { append(UnsafeBufferPointer(rebasing: text[start..<index])) }
            switch byte {
            case 0x22: raw("\\\"")
            case 0x5C: raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            default:
                raw("\\u00")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                append(hex[Int(byte >> 4)])
                append(hex[Int(byte & 0xF)])
            }
            start = index + 1
        }
        if start < text.count { append(UnsafeBufferPointer(rebasing: text[start...])) }
    }

    /// How many of the first bytes of `text` need no escaping, a word of
    /// eight at a time (SWAR): none of them below 0x20, `"` or `\\`.
    private static func plainPrefix(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        guard let start = text.baseAddress else { return 0 }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZeroByte(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }
        var offset = 0
        while offset + 8 <= text.count {
            let word = UnsafeRawPointer(start + offset).loadUnaligned(as: UInt64.self)
            // A byte below 0x20, with the high bit clear (bytes of 0x80 and up are UTF-8, sent as they are).
            let below = (word &- ones &* 0x20) & ~word & highs
            if below != 0 || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C)) { break }
            offset += 8
        }
        return offset
    }

    package mutating func integer(_ value: Int64) {
        if value < 0 { append(0x2D) }
        buffer.appendDecimal(value.magnitude)
    }

    package mutating func integer(_ value: Int) { integer(Int64(value)) }

    /// A finite double as a JSON number: integral values up to 2^53 without
    /// a fraction, others in Swift's shortest round-trip form (`1e-05`).
    package mutating func number(_ value: Double) {
        // Below 2^53 the conversion cannot trap; it is exact when the value is integral.
        if abs(value) < 9_007_199_254_740_992, case let integer = Int64(value), Double(integer) == value {
            if integer == 0, value.sign == .minus { append(0x2D) }
            self.integer(integer)
        } else {
            var text = value.description
            text.withUTF8 { append($0) }
        }
    }
}
