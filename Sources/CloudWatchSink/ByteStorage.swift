import CWMHTTP

/// A growable byte buffer for the encoder, written through a ``ByteCursor``:
/// room for a whole datum is made once, then each piece is a check against
/// the cursor's limit (held in a register, not loaded from this object) and
/// a copy. Cheaper than `Array.append(contentsOf:)`, which also checks that
/// its storage is unshared, for every one of the many short pieces a datum
/// is made of.
///
/// CWMHTTP's `ByteBuffer` is the same idea for the other sinks' bodies, and
/// grows this one too. This one stays in this module, and a class: its
/// writes must inline into the encoder, which Swift 6.3 does not do with a
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

    /// Appends what `write` writes, given room for `room` bytes: the
    /// cursor's position and limit stay in registers while it writes,
    /// with no check against this buffer per piece. Returns `false`, and
    /// appends nothing, when `write` needed more room than that.
    @inline(__always)
    func append(room: Int, _ write: (inout ByteCursor) -> Void) -> Bool {
        reserve(room)
        var cursor = ByteCursor(start: base + count, limit: base + count + room)
        write(&cursor)
        guard !cursor.overflowed else { return false }
        count = cursor.position - base
        return true
    }

    /// A copy of the bytes, then `suffix`.
    func array(appending suffix: StaticString = "") -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count + suffix.utf8CodeUnitCount) { buffer, initialized in
            buffer.baseAddress!.update(from: base, count: count)
            (buffer.baseAddress! + count).update(from: suffix.utf8Start, count: suffix.utf8CodeUnitCount)
            initialized = count + suffix.utf8CodeUnitCount
        }
    }
}

/// Writes bytes from `position` up to `limit`, the room a ``ByteStorage``
/// made: a write that would pass the limit writes nothing and marks the
/// cursor `overflowed`, so an underestimated room costs a second attempt
/// with more, never a byte outside the buffer.
struct ByteCursor {
    private(set) var position: UnsafeMutablePointer<UInt8>
    private let limit: UnsafeMutablePointer<UInt8>
    private(set) var overflowed = false

    init(start: UnsafeMutablePointer<UInt8>, limit: UnsafeMutablePointer<UInt8>) {
        position = start
        self.limit = limit
    }

    /// Whether `count` more bytes fit; marks the cursor when they do not.
    @inline(__always)
    private mutating func fits(_ count: Int) -> Bool {
        if limit - position >= count { return true }
        overflowed = true
        return false
    }

    @inline(__always)
    mutating func write(_ byte: UInt8) {
        guard fits(1) else { return }
        position.initialize(to: byte)
        position += 1
    }

    @inline(__always)
    mutating func write(_ text: StaticString) {
        write(text.utf8Start, text.utf8CodeUnitCount)
    }

    @inline(__always)
    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress else { return }
        write(start, bytes.count)
    }

    @inline(__always)
    mutating func write(_ source: UnsafePointer<UInt8>, _ count: Int) {
        guard fits(count) else { return }
        UnsafeMutableRawPointer(position).copyMemory(from: source, byteCount: count)
        position += count
    }

    /// `value` in decimal digits (one digit without a call).
    @inline(__always)
    mutating func writeDecimal(_ value: UInt) {
        if value < 10 { return write(0x30 + UInt8(value)) }
        let digits = ByteBuffer.decimalDigits(UInt64(value))
        guard fits(digits) else { return }
        ByteBuffer.writeDecimal(UInt64(value), digits: digits, at: position)
        position += digits
    }
}
