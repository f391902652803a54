import Synchronization

/// Count, sum, min, max (and last value, and optionally a distribution) of
/// the observations of one series, cut into delta windows.
///
/// One small spin lock per series guards the statistics: recording takes it
/// with a single atomic exchange, updates the fields with plain loads and
/// stores, and releases it with a plain (release) store. That is one atomic
/// read-modify-write per observation, against four for a lock-free scheme
/// (claim a cell, add the sum by compare-and-swap, count the bucket, mark
/// completion) and two for a mutex (lock and unlock). The lock is held for
/// a few dozen instructions and nothing is allocated under it (a bucket's
/// page is made before it is taken); a thread that finds it taken waits as
/// ``SpinWait`` says (spin, yield, then sleep), so a holder preempted inside
/// neither makes others burn a core nor starves under a real-time waiter.
/// The window cut takes the same lock to read and reset, so an observation
/// is in exactly one window.
@usableFromInline
final class WindowedStats: Sendable {
    private static let positiveInfinity = Double.infinity.bitPattern
    private static let negativeInfinity = (-Double.infinity).bitPattern

    @usableFromInline let locked = Atomic<Bool>(false)
    // Read and written only under `locked` (atomics for Swift's sake:
    // relaxed loads and stores are plain moves).
    @usableFromInline let count = Atomic<Int>(0)
    @usableFromInline let sumBits = Atomic<UInt64>(0)
    @usableFromInline let minBits = Atomic<UInt64>(WindowedStats.positiveInfinity)
    @usableFromInline let maxBits = Atomic<UInt64>(WindowedStats.negativeInfinity)
    @usableFromInline let lastBits = Atomic<UInt64>(0)
    /// The distribution (its cell 0), or `nil` for statistics only.
    @usableFromInline let buckets: BucketStore?

    init(distribution: Bool) {
        buckets = distribution ? BucketStore() : nil
    }

    @inlinable @inline(__always)
    func lock() {
        if !locked.exchange(true, ordering: .acquiring) { return }
        lockContended()
    }

    @usableFromInline @inline(never)
    func lockContended() {
        var waiting = SpinWait()
        repeat {
            while locked.load(ordering: .relaxed) { waiting.wait() }
        } while locked.exchange(true, ordering: .acquiring)
    }

    @inlinable @inline(__always)
    func unlock() {
        locked.store(false, ordering: .releasing)
    }

    /// Records one finite observation.
    @inlinable @inline(__always)
    func record(_ value: Double) {
        // The bucket's counter first (its page allocated if the value's
        // range is new): nothing allocates while the lock is held.
        record(value, bucket: buckets?.counter(for: value))
    }

    /// Records `value` into the statistics and `bucket` under the lock.
    @inlinable @inline(__always)
    func record(_ value: Double, bucket: UnsafeMutablePointer<BucketStore.Counter>?) {
        lock()
        count.store(count.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
        sumBits.store((Double(bitPattern: sumBits.load(ordering: .relaxed)) + value).bitPattern, ordering: .relaxed)
        if value < Double(bitPattern: minBits.load(ordering: .relaxed)) { minBits.store(value.bitPattern, ordering: .relaxed) }
        if value > Double(bitPattern: maxBits.load(ordering: .relaxed)) { maxBits.store(value.bitPattern, ordering: .relaxed) }
        lastBits.store(value.bitPattern, ordering: .relaxed)
        if let bucket { bucket.pointee.store(bucket.pointee.load(ordering: .relaxed) &+ 1, ordering: .relaxed) }
        unlock()
    }

    /// Whether an observation was recorded since the last cut.
    var hasPendingObservations: Bool {
        count.load(ordering: .relaxed) != 0
    }

    /// The statistics of one window.
    struct Window {
        let count: Int
        let sum: Double
        let min: Double
        let max: Double
        let last: Double
        let distribution: [MetricSnapshot.Bucket]
    }

    /// Ends the current window and returns it, or `nil` if nothing was
    /// recorded in it.
    func collect() -> Window? {
        if count.load(ordering: .relaxed) == 0 { return nil }
        return read(reset: true)
    }

    /// The current window so far, without ending it.
    func peek() -> Window? {
        if count.load(ordering: .relaxed) == 0 { return nil }
        return read(reset: false)
    }

    private func read(reset: Bool) -> Window? {
        lock()
        defer { unlock() }
        let observed = count.load(ordering: .relaxed)
        guard observed > 0 else { return nil }
        let sum = Double(bitPattern: sumBits.load(ordering: .relaxed))
        let min = Double(bitPattern: minBits.load(ordering: .relaxed))
        let max = Double(bitPattern: maxBits.load(ordering: .relaxed))
        let last = Double(bitPattern: lastBits.load(ordering: .relaxed))
        let distribution = buckets?.read(reset: reset, min: min, max: max) ?? []
        if reset {
            count.store(0, ordering: .relaxed)
            sumBits.store(0, ordering: .relaxed)
            minBits.store(Self.positiveInfinity, ordering: .relaxed)
            maxBits.store(Self.negativeInfinity, ordering: .relaxed)
            lastBits.store(0, ordering: .relaxed)
        }
        return Window(count: observed, sum: sum, min: min, max: max, last: last, distribution: distribution)
    }
}
