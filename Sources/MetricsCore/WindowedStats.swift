import Foundation
import Synchronization

/// Count, sum, min, max (and last value, and optionally a distribution) of
/// the observations of one series, cut into delta windows without locks and
/// without losing or double-counting an observation that races a cut.
///
/// Two cells alternate: writers record into the hot one, the collector reads
/// and resets the cold one. One 64-bit word holds the hot cell's index in its
/// top bit and, below it, the number of observations *started* in the hot
/// window. A writer's increment of that word both claims a cell and counts
/// itself, atomically; after recording it bumps its cell's *completed*
/// count. The collector swaps the word to `(other cell, 0 started)` in one
/// exchange, which tells it exactly how many observations went to the old
/// cell, then waits (a few nanoseconds, only if a writer is mid-record) until
/// that many have completed. From then on nobody writes the old cell, which
/// is read and reset with plain atomic loads and stores.
///
/// This is the hot/cold scheme of the Prometheus Go client's histograms,
/// reset on every cut instead of merged, so each window is a delta.
final class WindowedStats: Sendable {
    private static let hotBit: UInt64 = 1 << 63
    private static let startedMask: UInt64 = hotBit - 1

    private let startedAndHot = Atomic<UInt64>(0)
    private let cell0 = StatCell()
    private let cell1 = StatCell()
    /// The distribution, or `nil` for statistics only.
    let buckets: BucketStore?

    init(distribution: Bool) {
        buckets = distribution ? BucketStore() : nil
    }

    /// Records one finite observation.
    @inline(__always)
    func record(_ value: Double) {
        let claimed = startedAndHot.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        let hot = Int(truncatingIfNeeded: claimed >> 63)
        // Each cell is used through its stored property, never through a
        // local copy of the reference: a copy costs a retain and a release
        // (two atomic operations) on every observation.
        if hot == 0 { cell0.add(value) } else { cell1.add(value) }
        buckets?.add(value, cell: hot)
        if hot == 0 {
            cell0.completed.wrappingAdd(1, ordering: .releasing)
        } else {
            cell1.completed.wrappingAdd(1, ordering: .releasing)
        }
    }

    /// Whether an observation was started since the last cut.
    var hasPendingObservations: Bool {
        startedAndHot.load(ordering: .acquiring) & Self.startedMask != 0
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
    /// started in it (the cut is then skipped; a racing observation simply
    /// lands in the next window). Only one collector may run at a time.
    func collect() -> Window? {
        let current = startedAndHot.load(ordering: .relaxed)
        if current & Self.startedMask == 0 { return nil }
        let nextHot = (current & Self.hotBit) ^ Self.hotBit
        let previous = startedAndHot.exchange(nextHot, ordering: .acquiringAndReleasing)
        let started = previous & Self.startedMask
        let coldIndex = Int(truncatingIfNeeded: previous >> 63)
        let cell = coldIndex == 0 ? cell0 : cell1
        var spins = 0
        while cell.completed.load(ordering: .acquiring) != started {
            spins += 1
            if spins > 100 { sched_yield() }
        }
        let (sum, min, max, last) = cell.takeAndReset()
        cell.completed.store(0, ordering: .relaxed)
        let distribution = buckets?.read(cell: coldIndex, reset: true, min: min, max: max) ?? []
        return Window(count: Int(started), sum: sum, min: min, max: max, last: last, distribution: distribution)
    }

    /// The current window so far, without ending it (values being recorded
    /// concurrently may be partly visible).
    func peek() -> Window? {
        let current = startedAndHot.load(ordering: .acquiring)
        let started = current & Self.startedMask
        if started == 0 { return nil }
        let hotIndex = Int(truncatingIfNeeded: current >> 63)
        let cell = hotIndex == 0 ? cell0 : cell1
        let (sum, min, max, last) = cell.read()
        let distribution = buckets?.read(cell: hotIndex, reset: false, min: min, max: max) ?? []
        return Window(count: Int(started), sum: sum, min: min, max: max, last: last, distribution: distribution)
    }
}

/// One window's running statistics, as atomics (doubles as their bit patterns).
final class StatCell: Sendable {
    private static let positiveInfinity = Double.infinity.bitPattern
    private static let negativeInfinity = (-Double.infinity).bitPattern

    let completed = Atomic<UInt64>(0)
    private let sumBits = Atomic<UInt64>(0)
    private let minBits = Atomic<UInt64>(StatCell.positiveInfinity)
    private let maxBits = Atomic<UInt64>(StatCell.negativeInfinity)
    private let lastBits = Atomic<UInt64>(0)

    @inline(__always)
    func add(_ value: Double) {
        var old = sumBits.load(ordering: .relaxed)
        while true {
            let new = (Double(bitPattern: old) + value).bitPattern
            let (done, current) = sumBits.weakCompareExchange(expected: old, desired: new, ordering: .relaxed)
            if done { break }
            old = current
        }
        var oldMin = minBits.load(ordering: .relaxed)
        while value < Double(bitPattern: oldMin) {
            let (done, current) = minBits.weakCompareExchange(expected: oldMin, desired: value.bitPattern, ordering: .relaxed)
            if done { break }
            oldMin = current
        }
        var oldMax = maxBits.load(ordering: .relaxed)
        while value > Double(bitPattern: oldMax) {
            let (done, current) = maxBits.weakCompareExchange(expected: oldMax, desired: value.bitPattern, ordering: .relaxed)
            if done { break }
            oldMax = current
        }
        lastBits.store(value.bitPattern, ordering: .relaxed)
    }

    func read() -> (sum: Double, min: Double, max: Double, last: Double) {
        (Double(bitPattern: sumBits.load(ordering: .relaxed)),
         Double(bitPattern: minBits.load(ordering: .relaxed)),
         Double(bitPattern: maxBits.load(ordering: .relaxed)),
         Double(bitPattern: lastBits.load(ordering: .relaxed)))
    }

    /// Reads and resets; only called when no writer is in this cell.
    func takeAndReset() -> (sum: Double, min: Double, max: Double, last: Double) {
        let values = read()
        sumBits.store(0, ordering: .relaxed)
        minBits.store(Self.positiveInfinity, ordering: .relaxed)
        maxBits.store(Self.negativeInfinity, ordering: .relaxed)
        lastBits.store(0, ordering: .relaxed)
        return values
    }
}
