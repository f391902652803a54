// The index EMFDocumentEncoder groups series with: a hash of a series'
// timestamp and dimensions to the latest group with that hash; and the
// hash itself.

import Foundation
import MetricsCore

/// Hash → the latest group with that hash (an index), or -1: open
/// addressing over a power-of-two array at most half full (sized for one
/// group per snapshot), with no hashing of the hash.
struct HashIndex {
    private var keys: [UInt64]
    private var values: [Int]

    init(expected: Int) {
        let capacity = Swift.max(16, (Swift.max(1, expected) * 2).nextPowerOfTwo)
        keys = Array(repeating: 0, count: capacity)
        values = Array(repeating: -1, count: capacity)
    }

    subscript(hash: UInt64) -> Int {
        get {
            var slot = Int(truncatingIfNeeded: hash) & (keys.count - 1)
            while values[slot] >= 0 {
                if keys[slot] == hash { return values[slot] }
                slot = (slot + 1) & (keys.count - 1)
            }
            return -1
        }
        set {
            var slot = Int(truncatingIfNeeded: hash) & (keys.count - 1)
            while values[slot] >= 0, keys[slot] != hash { slot = (slot + 1) & (keys.count - 1) }
            keys[slot] = hash
            values[slot] = newValue
        }
    }
}

/// The hash EMFDocumentEncoder keys a group by: its timestamp and its
/// dimensions' wire names and values, mixed in order.
extension HashIndex {
    /// Mixes `text`'s UTF-8 bytes, eight at a time, and its length into
    /// `hash` (a multiply-xorshift step per word, as in FNV and wyhash).
    static func mix(_ text: String, _ hash: UInt64) -> UInt64 {
        if let mixed = text.utf8.withContiguousStorageIfAvailable({ mix($0, hash) }) { return mixed }
        var text = text
        return text.withUTF8 { mix($0, hash) }
    }

    static func mix(_ bytes: UnsafeBufferPointer<UInt8>, _ hash: UInt64) -> UInt64 {
        var hash = mix(UInt64(bytes.count), hash)
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = mix(UnsafeRawBufferPointer(bytes).loadUnaligned(fromByteOffset: offset, as: UInt64.self), hash)
            offset += 8
        }
        var tail: UInt64 = 0
        while offset < bytes.count {
            tail = tail << 8 | UInt64(bytes[offset])
            offset += 1
        }
        return mix(tail, hash)
    }

    static func mix(_ word: UInt64, _ hash: UInt64) -> UInt64 {
        let product = (hash ^ word) &* 0x9E37_79B9_7F4A_7C15
        return product ^ (product >> 29)
    }
}

/// A snapshot's group hash (its timestamp, its dimensions' wire names and
/// values), its timestamp, and whether a dimension is named like its metric
/// or `_aws`. What the snapshots of a batch mostly share is worked out once
/// per run of them: the hash of the keys' wire names, and the timestamp.
struct GroupHasher {
    private var wireNames: [String] = []
    private var namesHash: UInt64 = 0
    private var namesReserved = false
    private var windowEnd: Date?
    private var milliseconds: Int64 = 0

    /// The snapshot's timestamp in milliseconds.
    mutating func timestamp(_ snapshot: UnsafePointer<MetricSnapshot>) -> Int64 {
        let end = snapshot.pointee.windowEnd
        if end != windowEnd {
            windowEnd = end
            milliseconds = EMFDocumentEncoder.milliseconds(end)
        }
        return milliseconds
    }

    /// - parameter wireNames: the wire names of the keys of `pairs`, the
    ///   snapshot's dimensions (the same array for a run of the same keys).
    mutating func hash(_ pairs: UnsafeBufferPointer<(String, String)>, wireNames: [String], timestamp: Int64) -> UInt64 {
        remember(wireNames)
        var hash = HashIndex.mix(UInt64(bitPattern: timestamp), namesHash)
        for index in pairs.indices { hash = HashIndex.mix(pairs[index].1, hash) }
        return hash
    }

    /// Whether a dimension (of these wire names) is named `_aws` or `name`.
    mutating func clashes(_ name: String, wireNames: [String]) -> Bool {
        remember(wireNames)
        return namesReserved || wireNames.contains { Self.same($0, name) }
    }

    private mutating func remember(_ wireNames: [String]) {
        // The same array as last time is one comparison of its storage.
        guard wireNames != self.wireNames else { return }
        self.wireNames = wireNames
        namesHash = wireNames.reduce(0xcbf2_9ce4_8422_2325) { HashIndex.mix($1, $0) }
        namesReserved = wireNames.contains("_aws")
    }

    /// String equality that tells strings of different lengths apart
    /// without a call into the standard library.
    @inline(__always)
    static func same(_ one: String, _ other: String) -> Bool {
        one.utf8.count == other.utf8.count && one == other
    }
}

extension Int {
    /// The smallest power of two at least `self` (for a positive value).
    fileprivate var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
