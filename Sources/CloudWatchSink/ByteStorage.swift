import CWMHTTP

/// A growable byte buffer for the encoder: appends are a bounds check and
/// a `memcpy`, cheaper than `Array.append(contentsOf:)` for the many short
/// pieces a datum is made of.
///
/// CWMHTTP's `ByteBuffer` is the same idea for the other sinks' bodies, and
/// grows this one too. This one stays in this module, and a class: its
/// appends must inline into the encoder, which Swift 6.3 does not do with a
/// `package` function of another module (measured: the PutMetricData
/// encoding 10 to 20 % slower), and the sink keeps a few for reuse across
/// exports.
///
/// Not thread-safe, but `Sendable` as a whole value handed over: the sink
/// takes its buffer out of a lock for one export and puts it back after,
/// so no two tasks ever use one at the same time.
final class ByteStorage: @unchecked Sendable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    private func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private func grow(to needed: Int) {
        (base, capacity) = ByteBuffer.grow(base, count: count, capacity: capacity, toHold: needed)
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    func append(_ source: UnsafePointer<UInt8>, _ length: Int) {
        reserve(length)
        (base + count).update(from: source, count: length)
        count += length
    }

    @inline(__always)
    func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let start = buffer.baseAddress else { return }
        append(start, buffer.count)
    }

    /// `value` in decimal digits (one digit without a call).
    @inline(__always)
    func appendDecimal(_ value: UInt) {
        if value < 10 { return append(0x30 + UInt8(value)) }
        let digits = ByteBuffer.decimalDigits(UInt64(value))
        reserve(digits)
        ByteBuffer.writeDecimal(UInt64(value), digits: digits, at: base + count)
        count += digits
    }

    /// A copy of the bytes from `start` to the end.
    func slice(from start: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: base + start, count: count - start))
    }

    func array(appending suffix: StaticString = "") -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count + suffix.utf8CodeUnitCount) { buffer, initialized in
            buffer.baseAddress!.update(from: base, count: count)
            (buffer.baseAddress! + count).update(from: suffix.utf8Start, count: suffix.utf8CodeUnitCount)
            initialized = count + suffix.utf8CodeUnitCount
        }
    }
}
