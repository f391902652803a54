import CCWMSHA256
import Foundation

/// SHA-256 (FIPS 180-4), streaming or one-shot: the package's own, for
/// SigV4 and payload hashes. `package`, not public: swift-crypto's `SHA256`
/// has the same name, and a module importing both would find the name
/// ambiguous.
///
/// ```swift
/// let digest: [UInt8] = SHA256.hash(Data("abc".utf8))      // 32 bytes
/// var hasher = SHA256()
/// hasher.update(Data("a".utf8)); hasher.update(Data("bc".utf8))
/// let same = hasher.finalize()
/// ```
///
/// Blocks are compressed in C, with the x86 SHA extensions when the CPU has
/// them (see ``usesHardwareAcceleration``).
package struct SHA256: Sendable {
    /// Digest length in bytes.
    package static let byteCount = 32
    /// Block length in bytes.
    package static let blockByteCount = 64

    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19)
    private var buffer = [UInt8](repeating: 0, count: 64)
    private var buffered = 0
    private var length: UInt64 = 0
    private let portable: Bool

    /// Which block function a hasher uses.
    package enum Implementation: Sendable {
        /// The SHA extensions when the CPU has them, portable C otherwise.
        case automatic
        /// Always portable C (to compare the two in tests and benchmarks).
        case portable
    }

    /// A hasher using `implementation` (default: the fastest available).
    package init(implementation: Implementation = .automatic) {
        portable = implementation == .portable
    }

    /// Whether this CPU's SHA extensions are used.
    package static var usesHardwareAcceleration: Bool { csha256_uses_sha_extensions() == 1 }

    /// Adds bytes to the message.
    package mutating func update(_ data: some DataProtocol) {
        if let contiguous = data.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) {
            return contiguous
        }
        for region in data.regions {
            region.withUnsafeBytes { update($0) }
        }
    }

    /// Adds bytes to the message.
    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else { return }
        var remaining = bytes.count
        length &+= UInt64(remaining)
        if buffered > 0 {
            let take = min(64 - buffered, remaining)
            buffer.withUnsafeMutableBufferPointer { buffer in
                (buffer.baseAddress! + buffered).update(from: base, count: take)
            }
            buffered += take
            base += take
            remaining -= take
            if buffered < 64 { return }
            buffer.withUnsafeBufferPointer { compress($0.baseAddress!, blocks: 1) }
            buffered = 0
        }
        let blocks = remaining / 64
        if blocks > 0 {
            compress(base, blocks: blocks)
            base += blocks * 64
            remaining -= blocks * 64
        }
        if remaining > 0 {
            buffer.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: base, count: remaining) }
            buffered = remaining
        }
    }

    private mutating func compress(_ data: UnsafePointer<UInt8>, blocks: Int) {
        withUnsafeMutableBytes(of: &state) { raw in
            let words = raw.baseAddress!.assumingMemoryBound(to: UInt32.self)
            if portable {
                csha256_compress_portable(words, data, blocks)
            } else {
                csha256_compress(words, data, blocks)
            }
        }
    }

    /// Pads the message and returns its 32-byte digest.
    package consuming func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var tail = [UInt8](repeating: 0, count: buffered < 56 ? 64 - buffered : 128 - buffered)
        tail[0] = 0x80
        for index in 0..<8 {
            tail[tail.count - 1 - index] = UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(index)))
        }
        let savedLength = length
        tail.withUnsafeBytes { update($0) }
        length = savedLength
        precondition(buffered == 0)
        var digest = [UInt8](repeating: 0, count: 32)
        withUnsafeBytes(of: state) { raw in
            let words = raw.bindMemory(to: UInt32.self)
            for (index, word) in words.enumerated() {
                digest[4 * index] = UInt8(truncatingIfNeeded: word >> 24)
                digest[4 * index + 1] = UInt8(truncatingIfNeeded: word >> 16)
                digest[4 * index + 2] = UInt8(truncatingIfNeeded: word >> 8)
                digest[4 * index + 3] = UInt8(truncatingIfNeeded: word)
            }
        }
        return digest
    }

    /// The digest of `data` (32 bytes), with the SHA extensions when the CPU has them.
    package static func hash(_ data: some DataProtocol) -> [UInt8] {
        hash(data, implementation: .automatic)
    }

    /// The digest of `data` with a chosen implementation (tests, benchmarks).
    package static func hash(_ data: some DataProtocol, implementation: Implementation) -> [UInt8] {
        var hasher = SHA256(implementation: implementation)
        hasher.update(data)
        return hasher.finalize()
    }

    /// The digest of `bytes`.
    package static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The lower-case hex digest of `data`.
    package static func hexHash(_ data: some DataProtocol) -> String {
        Hex.encode(hash(data))
    }
}

/// HMAC-SHA256 (RFC 2104), streaming or one-shot.
///
/// ```swift
/// let mac: [UInt8] = HMACSHA256.authenticationCode(for: Data("msg".utf8), key: Data("key".utf8))
/// ```
public struct HMACSHA256: Sendable {
    private var inner: SHA256
    private var outerKey: [UInt8]

    /// Starts a MAC with `key` (keys longer than a block are hashed first).
    package init(key: some DataProtocol) {
        var block = [UInt8](repeating: 0, count: SHA256.blockByteCount)
        let keyBytes = key.count > SHA256.blockByteCount ? SHA256.hash(key) : Array(key)
        block.replaceSubrange(0..<keyBytes.count, with: keyBytes)
        inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        outerKey = block.map { $0 ^ 0x5c }
    }

    /// Adds bytes to the message.
    package mutating func update(_ data: some DataProtocol) { inner.update(data) }

    /// Returns the 32-byte authentication code.
    package consuming func finalize() -> [UInt8] {
        let innerDigest = inner.finalize()
        var outer = SHA256()
        outer.update(outerKey)
        outer.update(innerDigest)
        return outer.finalize()
    }

    /// The authentication code of `data` under `key`.
    public static func authenticationCode(for data: some DataProtocol, key: some DataProtocol) -> [UInt8] {
        var mac = HMACSHA256(key: key)
        mac.update(data)
        return mac.finalize()
    }
}

/// Lower-case hexadecimal.
package enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `bytes` as lower-case hex.
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of a hex string, or `nil` if it is not hex.
    package static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}
