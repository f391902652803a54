import CCWMCPU

/// `put`'s per-thread memory of the series it found last, so that a `put`
/// of an identity the thread recorded recently costs no hash, no lock and
/// no probe: a few word compares, then the histogram's own record.
///
/// **Keys.** An identity is keyed by its four strings' own bits (name,
/// stream, shard, error code; a `String` is two words). Equal bits are the
/// same string: the same small-string contents, or the same storage, which
/// an entry keeps retained (so immutable: a mutation of a shared buffer
/// copies it first). The same contents in other storage (a string built
/// anew for every call) simply miss and take the registry's path, as every
/// `put` did before. Eight entries, direct-mapped by a mix of the key.
///
/// **What a hit still checks.** The series must belong to the calling
/// manager (its `RecordingControl`, which the entry's series keeps alive,
/// so an identifier can never be reused while cached) and must not be
/// retired: a retired series leaves the registry's path to decide (see
/// ``SeriesLife``), so a cache never keeps a thread recording into a series
/// the registry has let go of.
///
/// **Lifetime.** Only its own thread touches a cache, through the slot in
/// `CCWMCPU`; the thread's exit releases it and what it holds (at most
/// eight series, and their strings).
final class PutCache {
    /// The eight words of an identity: name, stream, shard, error code.
    struct Key: Equatable {
        var name: (UInt64, UInt64)
        var stream: (UInt64, UInt64)
        var shard: (UInt64, UInt64)
        var errorCode: (UInt64, UInt64)

        /// The key of `put`'s identity: each dimension's string, or none
        /// when the manager's level drops that dimension (`keeps...` false).
        /// Reads the strings' bits only: no copy, no retain.
        @inline(__always)
        init(name: String, stream: String?, keepsStream: Bool, shard: String?, keepsShard: Bool,
             errorCode: String?, keepsErrorCode: Bool) {
            self.name = unsafeBitCast(name, to: (UInt64, UInt64).self)
            self.stream = keepsStream ? unsafeBitCast(stream, to: (UInt64, UInt64).self) : Self.absent
            self.shard = keepsShard ? unsafeBitCast(shard, to: (UInt64, UInt64).self) : Self.absent
            self.errorCode = keepsErrorCode ? unsafeBitCast(errorCode, to: (UInt64, UInt64).self) : Self.absent
        }

        /// The bits of an absent dimension (`nil`).
        private static var absent: (UInt64, UInt64) { unsafeBitCast(String?.none, to: (UInt64, UInt64).self) }

        /// An entry that holds nothing matches no key: a valid name is never
        /// empty, and no non-empty string is all zero bits.
        static let none = Key(words: (0, 0))

        private init(words: (UInt64, UInt64)) {
            name = words
            stream = words
            shard = words
            errorCode = words
        }

        /// Which of the eight entries: the top three bits of a mix of all
        /// eight words (independent multiplies, then one more).
        @inline(__always)
        var slot: Int {
            let mixed = (name.0 ^ name.1 &* 0x9E37_79B9_7F4A_7C15)
                &+ (stream.0 ^ stream.1) &* 0xC2B2_AE3D_27D4_EB4F
                &+ (shard.0 ^ shard.1) &* 0x1656_67B1_9E37_79F9
                &+ (errorCode.0 ^ errorCode.1) &* 0x27D4_EB2F_1656_67C5
            return Int(truncatingIfNeeded: (mixed &* 0x9E37_79B9_7F4A_7C15) >> 61)
        }

        @inline(__always)
        static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.name == rhs.name && lhs.stream == rhs.stream && lhs.shard == rhs.shard
                && lhs.errorCode == rhs.errorCode
        }
    }

    private struct Entry {
        var key = Key.none
        /// The series, unretained (``series`` holds it): read without
        /// retain or release on a hit.
        var raw: UnsafeMutableRawPointer?
        var series: Histogram?
        /// The key's strings, retained so that their bits stay theirs.
        var strings: (String, String?, String?, String?) = ("", nil, nil, nil)
    }

    private static let size = 8
    private let entries: UnsafeMutablePointer<Entry>

    private init() {
        entries = .allocate(capacity: Self.size)
        entries.initialize(repeating: Entry(), count: Self.size)
    }

    deinit {
        entries.deinitialize(count: Self.size)
        entries.deallocate()
    }

    /// This thread's cache, made at its first `put`.
    @inline(__always)
    static var current: Unmanaged<PutCache> {
        if let raw = ccpu_put_cache() { return Unmanaged.fromOpaque(raw) }
        return install()
    }

    @inline(never)
    private static func install() -> Unmanaged<PutCache> {
        let cache = Unmanaged.passRetained(PutCache())
        ccpu_set_put_cache(cache.toOpaque()) { raw in
            if let raw { Unmanaged<PutCache>.fromOpaque(raw).release() }
        }
        return cache
    }

    /// Records `value` into the cached series of `key`, if there is one for
    /// this manager and it is not retired. Retains and releases nothing.
    @inline(__always)
    func record(_ value: Double, key: Key, control: RecordingControl) -> Bool {
        let entry = entries + key.slot
        guard entry.pointee.key == key, let raw = entry.pointee.raw else { return false }
        return Unmanaged<Histogram>.fromOpaque(raw)._withUnsafeGuaranteedRef { series in
            guard series.control === control, !series.isExpired else { return false }
            series.record(value)
            return true
        }
    }

    /// Remembers `series` for `key` (replacing what its entry held).
    func remember(_ series: Histogram, key: Key, name: String, stream: String?, shard: String?, errorCode: String?) {
        let entry = entries + key.slot
        entry.pointee.strings = (name, stream, shard, errorCode)
        entry.pointee.series = series
        entry.pointee.raw = Unmanaged.passUnretained(series).toOpaque()
        entry.pointee.key = key
    }
}
