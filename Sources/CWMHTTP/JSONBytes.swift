/// A growable UTF-8 buffer with the few JSON pieces the sinks' bodies are
/// made of (EMF documents, PutLogEvents, OTLP/JSON, Datadog series):
/// strings (escaped), integers, doubles.
///
/// Written through a pointer into memory it owns: an append is a bounds
/// check and a copy (an array's append also checks, every time, that its
/// buffer is not shared). ``bytes`` copies out what was written. Not
/// copyable: the buffer has one owner and is freed with it.
package struct JSONBytes: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    package private(set) var count = 0

    package init(capacity: Int = 1024) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// What was written, copied into an array.
    package var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Reads what was written, in place.
    package func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        var grown = capacity * 2
        while grown < needed { grown *= 2 }
        let memory = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        memory.update(from: base, count: count)
        base.deallocate()
        base = memory
        capacity = grown
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func append(_ source: UnsafeRawBufferPointer) {
        guard let start = source.baseAddress, source.count > 0 else { return }
        reserve(source.count)
        UnsafeMutableRawPointer(base + count).copyMemory(from: start, byteCount: source.count)
        count += source.count
    }

    @inline(__always)
    private mutating func append(_ source: UnsafeBufferPointer<UInt8>) {
        append(UnsafeRawBufferPointer(source))
    }

    package mutating func raw(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
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
        guard times > 0, length > 0, length <= 32, length <= count else { return }
        reserve(times * (length + 1))
        // Room for all the copies first: `base` stays where it is meanwhile.
        let text = UnsafeRawBufferPointer(start: base + count - length, count: length)
        for _ in 0..<times {
            append(separator)
            append(text)
        }
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
        for index in 0..<text.count {
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

    package mutating func integer(_ value: Int64) {
        if value == 0 {
            append(0x30)
            return
        }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var length = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[19 - length] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
                length += 1
            }
            if value < 0 { append(0x2D) }
            append(UnsafeRawBufferPointer(rebasing: buffer[(20 - length)...]))
        }
    }

    package mutating func integer(_ value: Int) { integer(Int64(value)) }

    /// A finite double as a JSON number: integral values up to 2^53 without
    /// a fraction, others in Swift's shortest round-trip form (`1e-05`).
    package mutating func number(_ value: Double) {
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            if value == 0, value.sign == .minus { append(0x2D) }
            integer(Int64(value))
        } else {
            var text = value.description
            text.withUTF8 { append($0) }
        }
    }
}
