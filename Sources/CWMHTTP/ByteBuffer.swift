/// A growable run of bytes written through a pointer: what the JSON and
/// protobuf request bodies are built in (``JSONBytes``, OTLP's
/// `ProtobufWriter`).
///
/// An append is a bounds check and a copy. An array's append also checks,
/// every time, that its storage is not shared; for the many short pieces a
/// body is made of, that check is a good part of the cost. Not copyable:
/// the memory has one owner and is freed with it.
///
/// The PutMetricData body keeps a buffer of its own (CloudWatchSink's
/// `ByteStorage`, in that module): its appends must be inlined into the
/// encoder, and Swift 6.3 inlines a `package` function into no other module.
package struct ByteBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    package private(set) var count = 0

    package init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Room for `extra` more bytes without growing.
    @inline(__always)
    package mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        (base, capacity) = Self.grow(base, count: count, capacity: capacity, toHold: needed)
    }

    /// Moves the `count` bytes at `base` (an allocation of `capacity`) to a
    /// new one of at least `needed`, doubling, and frees the old one. Also
    /// how CloudWatchSink's `ByteStorage` grows.
    package static func grow(_ base: UnsafeMutablePointer<UInt8>, count: Int, capacity: Int,
                             toHold needed: Int) -> (base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        var grown = Swift.max(capacity, 1) * 2
        while grown < needed { grown *= 2 }
        let memory = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        memory.update(from: base, count: count)
        base.deallocate()
        return (memory, grown)
    }

    @inline(__always)
    package mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    /// Appends `bytes`, which must not point into this buffer (growing
    /// would move what they point to).
    @inline(__always)
    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let start = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        UnsafeMutableRawPointer(base + count).copyMemory(from: start, byteCount: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    package mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(UnsafeRawBufferPointer(bytes))
    }

    @inline(__always)
    package mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Writes in place: `body` gets the end of the buffer, with room for
    /// `maximum` bytes, and returns how many it wrote there.
    @inline(__always)
    package mutating func write(upTo maximum: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        reserve(maximum)
        count += body(base + count)
    }

    /// `value` in decimal digits (one digit without counting them).
    package mutating func appendDecimal(_ value: UInt64) {
        if value < 10 { return append(0x30 + UInt8(value)) }
        let digits = Self.decimalDigits(value)
        write(upTo: digits) { end in
            Self.writeDecimal(value, digits: digits, at: end)
            return digits
        }
    }

    /// How many decimal digits `value` takes (counted by comparison, not
    /// division).
    package static func decimalDigits(_ value: UInt64) -> Int {
        var digits = 1
        var bound: UInt64 = 10
        while digits < 20, value >= bound {
            digits += 1
            bound &*= 10
        }
        return digits
    }

    /// Writes `value` as its `digits` decimal digits at `end`, from the
    /// last digit back. Also how CloudWatchSink's `ByteStorage` writes them.
    package static func writeDecimal(_ value: UInt64, digits: Int, at end: UnsafeMutablePointer<UInt8>) {
        var rest = value
        for position in stride(from: digits - 1, through: 0, by: -1) {
            end[position] = 0x30 + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
    }

    /// Repeats the `length` bytes that start at `start` (already written)
    /// at the end, each time after `separator`.
    package mutating func repeatBytes(from start: Int, length: Int, times: Int, separator: UInt8) {
        guard times > 0, length > 0, start >= 0, start + length <= count else { return }
        // Room for every copy first: the source stays where it is meanwhile.
        reserve(times * (length + 1))
        for _ in 0..<times {
            base[count] = separator
            (base + count + 1).update(from: base + start, count: length)
            count += length + 1
        }
    }

    /// Inserts `bytes` at `position`, moving what follows it right.
    package mutating func insert(_ bytes: UnsafeRawBufferPointer, at position: Int) {
        precondition(position >= 0 && position <= count, "insert past the end")
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        // Overlapping ranges: a raw copy is a memmove.
        UnsafeMutableRawPointer(base + position + bytes.count).copyMemory(from: base + position, byteCount: count - position)
        UnsafeMutableRawPointer(base + position).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    /// Sets the byte at `position` (written already).
    package mutating func set(_ byte: UInt8, at position: Int) {
        precondition(position >= 0 && position < count, "set past the end")
        base[position] = byte
    }

    /// Reads what was written, in place.
    package func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// What was written, copied into an array.
    package var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Empties the buffer, keeping its memory for what is written next.
    package mutating func removeAll() { count = 0 }
}
