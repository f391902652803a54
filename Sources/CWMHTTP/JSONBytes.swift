/// A growable UTF-8 buffer with the few JSON pieces the sinks' bodies are
/// made of (EMF documents, PutLogEvents, OTLP/JSON, Datadog series):
/// strings (escaped), integers, doubles.
package struct JSONBytes {
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    package var count: Int { bytes.count }

    package mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    package mutating func raw(_ byte: UInt8) {
        bytes.append(byte)
    }

    package mutating func raw(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    package mutating func raw(_ other: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: other)
    }

    /// `text` as a JSON string: `"` and `\` escaped, control characters as
    /// `\uXXXX`, everything else (UTF-8 included) as it is.
    package mutating func string(_ text: String) {
        bytes.append(0x22)
        appendEscaped(text)
        bytes.append(0x22)
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
        bytes.append(0x22)
        appendEscaped(first)
        separator.withUTF8Buffer { appendEscaped($0) }
        appendEscaped(second)
        bytes.append(0x22)
    }

    /// Appends the last `length` bytes (at most 32: a number) `times` more
    /// times, each after `separator`: a value repeated in a JSON array.
    package mutating func repeatLast(_ length: Int, times: Int, separator: UInt8) {
        guard times > 0, length > 0, length <= 32, length <= bytes.count else { return }
        var copy: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &copy) { copy in
            bytes.withUnsafeBytes { copy.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[($0.count - length)...])) }
            let text = UnsafeRawBufferPointer(rebasing: copy[..<length])
            bytes.reserveCapacity(bytes.count + times * (length + 1))
            for _ in 0..<times {
                bytes.append(separator)
                bytes.append(contentsOf: text)
            }
        }
    }

    /// `raw` (already UTF-8) as a JSON string, escaped: a document nested
    /// in a PutLogEvents message.
    package mutating func string(bytes raw: [UInt8]) {
        bytes.append(0x22)
        raw.withUnsafeBufferPointer { appendEscaped($0) }
        bytes.append(0x22)
    }

    private mutating func appendEscaped(_ text: UnsafeBufferPointer<UInt8>) {
        var start = 0
        for index in 0..<text.count {
            let byte = text[index]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
            if index > start { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<index])) }
            switch byte {
            case 0x22: raw("\\\"")
            case 0x5C: raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            default:
                raw("\\u00")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            }
            start = index + 1
        }
        if start < text.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[start...])) }
    }

    package mutating func integer(_ value: Int64) {
        if value == 0 {
            bytes.append(0x30)
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
            if value < 0 { bytes.append(0x2D) }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(20 - length)...]))
        }
    }

    package mutating func integer(_ value: Int) { integer(Int64(value)) }

    /// A finite double as a JSON number: integral values up to 2^53 without
    /// a fraction, others in Swift's shortest round-trip form (`1e-05`).
    package mutating func number(_ value: Double) {
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            if value == 0, value.sign == .minus { bytes.append(0x2D) }
            integer(Int64(value))
        } else {
            var text = value.description
            text.withUTF8 { bytes.append(contentsOf: $0) }
        }
    }
}
