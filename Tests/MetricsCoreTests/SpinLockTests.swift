import CWMAllocationCounter
import Testing
@testable import MetricsCore

/// The histogram's spin lock: nothing allocated while it is held, and a
/// wait that ends in real sleeps (no livelock against a lower-priority
/// holder on the same CPU).
@Suite("Spin lock of the statistics", .timeLimit(.minutes(1)))
struct SpinLockTests {
    @Test("a value in a new range gets its bucket page before the lock is taken; the locked part allocates nothing",
          .enabled(if: allocation_counter_available() == 1, "needs the glibc allocation counter"))
    func noAllocationUnderTheLock() throws {
        let stats = WindowedStats(distribution: true)
        let buckets = try #require(stats.buckets)
        allocation_counter_start()
        let bucket = buckets.counter(for: 1e6)           // the first value of its range: a page
        let beforeLock = allocation_counter_stop()
        #expect(beforeLock > 0, "the page is made here, outside the lock")
        allocation_counter_start()
        stats.record(1e6, bucket: bucket)
        let underLock = allocation_counter_stop()
        #expect(underLock == 0)
        let window = try #require(stats.collect())
        #expect(window.count == 1 && window.distribution.map(\.count) == [1])
    }

    @Test("the wait spins 64 rounds, yields 64, then sleeps from 2 µs doubling to at most 1 ms, and never spins again")
    func waitSchedule() {
        var waiting = SpinWait()
        let steps = (0..<200).map { _ in waiting.next() }
        #expect(steps[..<64].allSatisfy { $0 == .spin })
        #expect(steps[64..<128].allSatisfy { $0 == .yield })
        #expect(steps[128] == .sleep(nanoseconds: 2_000))
        #expect(steps[129] == .sleep(nanoseconds: 4_000))
        #expect(steps[138] == .sleep(nanoseconds: 1_000_000))
        #expect(steps[128...].allSatisfy {
            if case .sleep(let nanoseconds) = $0 { return nanoseconds <= 1_000_000 }
            return false
        })
    }
}
