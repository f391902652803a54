/// Percent-encoding as SigV4 defines it: every byte except the unreserved
/// `A-Z a-z 0-9 - . _ ~` becomes `%XX` (upper-case hex); a space is `%20`,
/// never `+`.
package enum URIEncoding {
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// `A-Z a-z 0-9 - . _ ~`: the bytes SigV4 and form encoding leave as they are.
    @inlinable
    package static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E: return true
        default: return false
        }
    }

    /// Encodes every byte but the unreserved ones (and `/` when `keepSlash`).
    package static func encode(_ text: some StringProtocol, keepSlash: Bool = false) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepSlash && byte == 0x2F) {
                out.append(byte)
            } else {
                out.append(0x25)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the form encoding of `text` to `out`: as `encode`, but a
    /// space is `+` (`application/x-www-form-urlencoded`, as Python's
    /// `urlencode` writes it).
    package static func appendFormEncoded(_ text: some StringProtocol, to out: inout [UInt8]) {
        for byte in text.utf8 {
            if isUnreserved(byte) {
                out.append(byte)
            } else if byte == 0x20 {
                out.append(0x2B)
            } else {
                out.append(0x25)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
    }

    /// Decodes `%XX` escapes (not `+`); invalid escapes are kept as they are.
    package static func decode(_ text: some StringProtocol) -> String {
        let bytes = Array(text.utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var index = 0
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x37
            case 0x61...0x66: return c - 0x57
            default: return nil
            }
        }
        while index < bytes.count {
            if bytes[index] == 0x25, index + 2 < bytes.count,
               let high = value(bytes[index + 1]), let low = value(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
