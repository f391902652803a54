// The index EMFDocumentEncoder groups series with: a hash of a series'
// dimensions to the latest group with that hash.

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

extension Int {
    /// The smallest power of two at least `self` (for a positive value).
    fileprivate var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
