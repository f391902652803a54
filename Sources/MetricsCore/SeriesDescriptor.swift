/// The identity of one series: name, kind and ordered dimensions (the unit
/// rides along but is not part of the identity: the first creation wins).
///
/// Stored inline in its instrument; the registry asks the instrument to
/// compare it in place (``RegisteredSeries/matches(name:kind:dimensions:)``),
/// so a probe neither copies nor retains its fields.
struct SeriesDescriptor: Sendable {
    let name: String
    let kind: MetricSnapshot.Kind
    let unit: MetricUnit
    let dimensions: [(String, String)]
    /// `SeriesDescriptor.hash(name:kind:dimensions:)`, kept for the registry.
    let hash: Int

    /// `hash` is ``hash(name:kind:dimensions:)`` of the identity when the
    /// caller has it already (the registry, creating the series it looked for).
    init(name: String, kind: MetricSnapshot.Kind, unit: MetricUnit, dimensions: [(String, String)], hash: Int? = nil) {
        self.name = name
        self.kind = kind
        self.unit = unit
        self.dimensions = dimensions
        self.hash = hash ?? Self.hash(name: name, kind: kind, dimensions: dimensions)
    }

    static func hash<D: DimensionPairs>(name: String, kind: MetricSnapshot.Kind, dimensions: D) -> Int {
        var hasher = SeriesHasher()
        hasher.combine(UInt64(kind.hashCode))
        hasher.combine(name)
        dimensions.combine(into: &hasher)
        return hasher.finalize()
    }

    /// `matches` for `put`'s probe, without wrapping it in `ProbeDimensions`
    /// (a copy of its three strings).
    @inline(__always)
    func matches(name: String, kind: MetricSnapshot.Kind, kpl: borrowing KPLDimensionPairs) -> Bool {
        self.kind == kind && self.name == name && kpl.equals(self.dimensions)
    }

    func matches(name: String, kind: MetricSnapshot.Kind, dimensions: ProbeDimensions) -> Bool {
        guard self.kind == kind, self.name == name else { return false }
        switch dimensions {
        case .list(let list): return list.equals(self.dimensions)
        case .kpl(let kpl): return kpl.equals(self.dimensions)
        }
    }
}

/// The dimensions of a lookup, as a concrete enum rather than an
/// existential: boxing the three-string `put` probe would allocate.
enum ProbeDimensions {
    case list([(String, String)])
    case kpl(KPLDimensionPairs)
}

extension MetricSnapshot.Kind {
    var hashCode: Int {
        switch self {
        case .counter: return 1
        case .gauge: return 2
        case .histogram: return 3
        }
    }
}

/// A seeded hash of series identities over their UTF-8 bytes, eight bytes
/// at a time: several times cheaper than `Hasher` over `String` (which
/// checks normalisation and feeds SipHash a byte at a time), and keyed with
/// a per-process random seed so that dimension values from outside cannot
/// be chosen to collide. Since bytes are hashed, two spellings of "é" are,
/// in effect, two series, as they are two metrics on the wire.
struct SeriesHasher {
    private static let seed: UInt64 = {
        var hasher = Hasher()
        hasher.combine(0x5EED)
        return UInt64(bitPattern: Int64(hasher.finalize()))
    }()
    private static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    private var state = SeriesHasher.seed

    @inline(__always)
    mutating func combine(_ word: UInt64) {
        state = (state ^ word) &* Self.multiplier
        state ^= state >> 29
    }

    mutating func combine(_ string: String) {
        let handled: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in
            combine(UnsafeRawBufferPointer(bytes))
        }
        if handled == nil {
            // Not stored contiguously (a bridged string): same bytes, same hash.
            Array(string.utf8).withUnsafeBytes { combine($0) }
        }
    }

    private mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset + 8 <= bytes.count {
            combine(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
        }
        // The last 0 to 7 bytes as a little-endian integer, read with at most
        // three loads (overlapping ones; no byte loop, no copy).
        var tail: UInt64 = 0
        let rest = bytes.count - offset
        if rest >= 4 {
            let low = UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + rest - 4, as: UInt32.self)))
            tail = low | high << UInt64(8 * (rest - 4))
        } else if rest > 0 {
            let first = UInt64(bytes[offset])
            let middle = UInt64(bytes[offset + rest / 2])
            let last = UInt64(bytes[offset + rest - 1])
            tail = first | middle << UInt64(8 * (rest / 2)) | last << UInt64(8 * (rest - 1))
        }
        // The length terminates the string, so ("ab", "c") != ("a", "bc").
        combine(tail ^ (UInt64(bytes.count) << 56))
    }

    /// What `combine(_ string:)` feeds for `put`'s three dimension names,
    /// precomputed (`put` hashes them on every call; a test checks these).
    @inline(__always)
    mutating func combineKPLKey(_ key: KPLDimensionKey) {
        switch key {
        case .stream: combine(0x0600_6D61_6572_7473)             // "stream"
        case .shard: combine(0x0500_0064_7261_6873)              // "shard"
        case .errorCode:                                          // "error_code"
            combine(0x6F63_5F72_6F72_7265)
            combine(0x0A00_0000_0000_6564)
        }
    }

    /// The murmur3 finaliser, so that every bit of the state reaches the
    /// low bits the table indexes with.
    func finalize() -> Int {
        var h = state
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return Int(bitPattern: UInt(h))
    }
}

/// Ordered dimension pairs that can be hashed and compared without first
/// being copied into an array, so that `put` looks a series up without
/// allocating or retaining.
protocol DimensionPairs {
    var pairCount: Int { get }
    var probe: ProbeDimensions { get }
    func combine(into hasher: inout SeriesHasher)
    func equals(_ stored: [(String, String)]) -> Bool
    func materialized() -> [(String, String)]
}

extension Array: DimensionPairs where Element == (String, String) {
    var pairCount: Int { count }
    var probe: ProbeDimensions { .list(self) }

    func combine(into hasher: inout SeriesHasher) {
        hasher.combine(UInt64(count))
        for (key, value) in self {
            hasher.combine(key)
            hasher.combine(value)
        }
    }

    func equals(_ stored: [(String, String)]) -> Bool {
        guard count == stored.count else { return false }
        for index in indices where self[index].0 != stored[index].0 || self[index].1 != stored[index].1 {
            return false
        }
        return true
    }

    func materialized() -> [(String, String)] { self }
}

/// The up to three dimensions of `MetricsManager.put`, in the original's
/// order (`stream`, `shard`, `error_code`), absent ones skipped.
/// `put`'s three dimension names.
enum KPLDimensionKey {
    case stream, shard, errorCode
}

struct KPLDimensionPairs: DimensionPairs {
    private let stream: String?
    private let shard: String?
    private let errorCode: String?
    let pairCount: Int
    var probe: ProbeDimensions { .kpl(self) }

    init(stream: String?, shard: String?, errorCode: String?) {
        self.stream = stream
        self.shard = shard
        self.errorCode = errorCode
        pairCount = (stream == nil ? 0 : 1) + (shard == nil ? 0 : 1) + (errorCode == nil ? 0 : 1)
    }

    func combine(into hasher: inout SeriesHasher) {
        // Must hash exactly as the materialised array does.
        hasher.combine(UInt64(pairCount))
        if let stream {
            hasher.combineKPLKey(.stream)
            hasher.combine(stream)
        }
        if let shard {
            hasher.combineKPLKey(.shard)
            hasher.combine(shard)
        }
        if let errorCode {
            hasher.combineKPLKey(.errorCode)
            hasher.combine(errorCode)
        }
    }

    func equals(_ stored: [(String, String)]) -> Bool {
        guard stored.count == pairCount else { return false }
        var index = 0
        if let stream {
            guard stored[index].0 == KPLDimension.stream, stored[index].1 == stream else { return false }
            index += 1
        }
        if let shard {
            guard stored[index].0 == KPLDimension.shard, stored[index].1 == shard else { return false }
            index += 1
        }
        if let errorCode {
            guard stored[index].0 == KPLDimension.errorCode, stored[index].1 == errorCode else { return false }
        }
        return true
    }

    func materialized() -> [(String, String)] {
        var pairs: [(String, String)] = []
        pairs.reserveCapacity(pairCount)
        if let stream { pairs.append((KPLDimension.stream, stream)) }
        if let shard { pairs.append((KPLDimension.shard, shard)) }
        if let errorCode { pairs.append((KPLDimension.errorCode, errorCode)) }
        return pairs
    }
}
