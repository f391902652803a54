import CCWMCPU

/// How a thread waits for a lock held only for a few instructions (a
/// histogram's statistics, the registry's readers draining before a write):
/// spin briefly, then yield, then really sleep.
///
/// Spinning alone would burn a core while a preempted holder cannot run;
/// yielding alone would livelock a real-time thread against a holder of
/// lower priority on the same CPU (`sched_yield` hands the CPU only to
/// threads of the waiter's own priority). So after a bounded spin and a
/// bounded number of yields the waiter sleeps, 2 µs doubling to 1 ms, which
/// lets any thread run, the holder included.
@usableFromInline
struct SpinWait {
    /// What one round of waiting does.
    enum Step: Equatable {
        case spin
        case yield
        case sleep(nanoseconds: Int)
    }

    static let spins = 64
    static let yields = 64
    static let longestSleep = 1_000_000

    private var rounds = 0

    @usableFromInline init() {}

    /// The next round's step.
    mutating func next() -> Step {
        rounds += 1
        if rounds <= Self.spins { return .spin }
        if rounds <= Self.spins + Self.yields { return .yield }
        let doublings = min(rounds - Self.spins - Self.yields, 20)
        return .sleep(nanoseconds: min(1_000 << doublings, Self.longestSleep))
    }

    /// Waits one round.
    @usableFromInline mutating func wait() {
        switch next() {
        case .spin: break
        case .yield: ccpu_yield()
        case .sleep(let nanoseconds): ccpu_sleep_ns(nanoseconds)
        }
    }
}
