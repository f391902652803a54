import Synchronization

/// The bucketed distribution of a histogram, with a bounded relative error.
///
/// Buckets are log-linear: each power of two ("octave") is split into 64
/// equal sub-buckets, so a bucket spans at most 1/64 of its lower bound and
/// its midpoint is within 1/128 (0.78 %) of every value in it. The bucket of
/// a value is read straight off its IEEE-754 bits: the exponent picks the
/// octave, the top six mantissa bits the sub-bucket. No logarithm.
///
/// Octaves cover magnitudes 2^-64 ... 2^64 (about 5.4e-20 ... 1.8e19), for
/// either sign. Smaller magnitudes, zero included, share one zero bucket;
/// larger ones are clamped into the top bucket. Those values still count
/// exactly in count, sum, min and max.
///
/// Memory: a table of 256 page pointers (2 KiB) per histogram, and one
/// 512-byte page of 64 counters per octave actually used, allocated on the
/// first observation in that octave. After that, recording never allocates.
@usableFromInline
final class BucketStore: @unchecked Sendable {
    @usableFromInline static var subBucketBits: Int { 6 }
    @usableFromInline static var subBuckets: Int { 64 }
    @usableFromInline static var octaves: Int { 128 }
    @usableFromInline static var lowestExponent: Int { -64 }
    /// Relative error bound of a bucket's representative value.
    static let relativeError = 1.0 / Double(2 * subBuckets)

    @usableFromInline typealias Counter = Atomic<UInt64>
    @usableFromInline typealias Page = UnsafeMutablePointer<Counter>
    private static let pageSize = subBuckets
    private static let slotCount = 2 * octaves

    /// Page addresses by slot: slots 0..<128 are negative values (most
    /// negative first), 128..<256 positive ones, so slot order is value order.
    @usableFromInline let pages: UnsafeMutablePointer<Atomic<UInt>>
    /// The zero bucket's count (values below the lowest octave).
    @usableFromInline let zero: UnsafeMutablePointer<Counter>

    init() {
        pages = .allocate(capacity: Self.slotCount)
        for slot in 0..<Self.slotCount { (pages + slot).initialize(to: Atomic<UInt>(0)) }
        zero = .allocate(capacity: 1)
        zero.initialize(to: Counter(0))
    }

    deinit {
        for slot in 0..<Self.slotCount {
            let address = pages[slot].load(ordering: .acquiring)
            if let page = Page(bitPattern: address) {
                page.deinitialize(count: Self.pageSize)
                page.deallocate()
            }
        }
        pages.deinitialize(count: Self.slotCount)
        pages.deallocate()
        zero.deinitialize(count: 1)
        zero.deallocate()
    }

    /// The counter of `value`'s bucket, its page allocated if
    /// it is the first value of its range. The caller increments it while
    /// excluding every other writer (the histogram's lock), so that is a
    /// load and a store, not an atomic add; pages are never freed before
    /// the store, so the pointer stays valid.
    @inlinable @inline(__always)
    func counter(for value: Double) -> UnsafeMutablePointer<Counter> {
        let bits = value.bitPattern
        let exponent = Int(truncatingIfNeeded: (bits >> 52) & 0x7FF) - 1023
        let counter: UnsafeMutablePointer<Counter>
        if exponent < Self.lowestExponent {
            counter = zero
        } else {
            let octave: Int
            let sub: Int
            if exponent >= Self.lowestExponent + Self.octaves {
                octave = Self.octaves - 1
                sub = Self.subBuckets - 1
            } else {
                octave = exponent - Self.lowestExponent
                sub = Int(truncatingIfNeeded: (bits >> UInt64(52 - Self.subBucketBits)) & UInt64(Self.subBuckets - 1))
            }
            let slot = value < 0 ? Self.octaves - 1 - octave : Self.octaves + octave
            counter = page(at: slot) + sub
        }
        return counter
    }

    @inlinable @inline(__always)
    func page(at slot: Int) -> Page {
        let address = pages[slot].load(ordering: .acquiring)
        if let page = Page(bitPattern: address) { return page }
        return installPage(at: slot)
    }

    @usableFromInline @inline(never)
    func installPage(at slot: Int) -> Page {
        let fresh = Page.allocate(capacity: Self.pageSize)
        for index in 0..<Self.pageSize { (fresh + index).initialize(to: Counter(0)) }
        let (installed, current) = pages[slot].compareExchange(
            expected: 0, desired: UInt(bitPattern: fresh), ordering: .acquiringAndReleasing)
        if installed { return fresh }
        fresh.deinitialize(count: Self.pageSize)
        fresh.deallocate()
        return Page(bitPattern: current)!
    }

    /// The representative value of sub-bucket `sub` of `octave`: the midpoint.
    static func representative(octave: Int, sub: Int) -> Double {
        Double(sign: .plus, exponent: octave + lowestExponent,
               significand: 1 + Double(2 * sub + 1) / Double(2 * subBuckets))
    }

    /// The non-empty buckets in ascending order of value. The first
    /// and last representatives are replaced by the exact `min` and `max`
    /// (both lie in those buckets, so the error bound still holds and
    /// consumers see the true extremes).
    func read(reset: Bool, min: Double, max: Double) -> [MetricSnapshot.Bucket] {
        var buckets: [MetricSnapshot.Bucket] = []

        func take(_ counter: borrowing Counter) -> Int {
            let value = reset ? counter.exchange(0, ordering: .relaxed) : counter.load(ordering: .relaxed)
            return Int(truncatingIfNeeded: value)
        }

        for slot in 0..<Self.slotCount {
            if slot == Self.octaves {
                let zeroCount = take(zero.pointee)
                if zeroCount > 0 { buckets.append(.init(value: 0, count: zeroCount)) }
            }
            guard let page = Page(bitPattern: pages[slot].load(ordering: .acquiring)) else { continue }
            if slot < Self.octaves {
                let octave = Self.octaves - 1 - slot
                for sub in stride(from: Self.subBuckets - 1, through: 0, by: -1) {
                    let count = take(page[sub])
                    if count > 0 { buckets.append(.init(value: -Self.representative(octave: octave, sub: sub), count: count)) }
                }
            } else {
                let octave = slot - Self.octaves
                for sub in 0..<Self.subBuckets {
                    let count = take(page[sub])
                    if count > 0 { buckets.append(.init(value: Self.representative(octave: octave, sub: sub), count: count)) }
                }
            }
        }
        if !buckets.isEmpty, min.isFinite, max.isFinite {
            buckets[0].value = min
            buckets[buckets.count - 1].value = max
        }
        return buckets
    }
}
