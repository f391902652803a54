import CCWMCPU
import Synchronization

/// An integer sum that costs one relaxed atomic add while one thread at a
/// time adds to it, and that spreads itself over several cache lines when
/// several threads add at once, so that they stop queueing on one line.
///
/// It starts as one atomic word (`base`). Every time the sum crosses a
/// multiple of 64, the adding thread compares its index (see
/// `ccpu_thread_index`) with the previous sampler's: a different thread is
/// a *handoff*. Four handoffs among sixteen samples (about a thousand adds)
/// mean threads are taking turns at a high rate, and the sum switches to
/// *stripes*: a ``CacheLineStripes`` block, up to 16 words 128 bytes apart, one per CPU (modulo their
/// number; see `ccpu_stripe_hint`), allocated once. From then on threads
/// running at the same time add to different lines, and the sum is the base
/// plus every stripe. A sum that one thread
/// adds to, or several at a low rate, never allocates them (the window cut
/// forgets old handoffs), so a hundred thousand quiet counters cost nothing more.
///
/// The stripes are reached through a raw address, never a reference:
/// loading a reference would retain and release it on every add, one more
/// atomic on a line that every thread shares, which is what they are for.
///
/// Reading (``total()``) and taking (``take()``) visit the base and each
/// stripe; an add racing a take lands either in what is taken or in what
/// remains, never in both or neither.
@usableFromInline
struct StripedSum: ~Copyable, @unchecked Sendable {
    /// An add that crosses a multiple of this samples the adding thread.
    @usableFromInline static var sampleMask: Int { 63 }
    private static let handoffsToStripe = 4
    private static let samplesPerRound = 16

    @usableFromInline let base = Atomic<Int>(0)
    /// The stripes' address (128-byte aligned) plus their count less one in
    /// the low bits, so the add reads both at once; 0 until threads are seen
    /// taking turns.
    @usableFromInline let stripes = Atomic<Int>(0)
    /// The sampling state in one word (a counter's memory matters more than
    /// exactness here: racing samples may lose an update, which only delays
    /// striping): the last sampled thread's index + 1 (0: none yet) above
    /// bit 16, the round's samples in bits 8 to 15, its handoffs below.
    private let sampling = Atomic<Int>(0)

    /// - parameter striped: start with the stripes (tests use it to reach
    ///   the striped path without racing threads for it).
    init(striped: Bool = false) {
        if striped { _ = makeStripes() }
    }

    deinit {
        let word = stripes.load(ordering: .acquiring)
        if word != 0 {
            UnsafeMutableRawPointer(bitPattern: word & ~(CacheLineStripes.bytes - 1))?.deallocate()
        }
    }

    /// Adds `amount` (wrapping on overflow). Inlinable: a counter's
    /// increment is this, inlined into the caller.
    @inlinable @inline(__always)
    func add(_ amount: Int) {
        let word = stripes.load(ordering: .acquiring)
        if word == 0 {
            let old = base.wrappingAdd(amount, ordering: .relaxed).oldValue
            if (old ^ (old &+ amount)) & ~Self.sampleMask != 0 { sample() }
            return
        }
        let stripe = Int(ccpu_stripe_hint()) & word & 127
        UnsafeMutablePointer<Atomic<Int>>(bitPattern: (word & ~127) + stripe * 128).unsafelyUnwrapped
            .pointee.wrappingAdd(amount, ordering: .relaxed)
    }

    /// The sum so far.
    func total() -> Int {
        var total = base.load(ordering: .relaxed)
        let address = stripes.load(ordering: .acquiring) & ~(CacheLineStripes.bytes - 1)
        if address != 0 {
            for index in 0..<CacheLineStripes.count {
                total &+= CacheLineStripes.word(address, index).pointee.load(ordering: .relaxed)
            }
        }
        return total
    }

    /// True when nothing was added since the last take.
    var isZero: Bool { total() == 0 }

    /// Returns the sum and resets it to zero, without losing a racing add.
    /// Also starts a new round of handoff counting (called once a window).
    func take() -> Int {
        var total = base.load(ordering: .relaxed) == 0 ? 0 : base.exchange(0, ordering: .relaxed)
        let address = stripes.load(ordering: .acquiring) & ~(CacheLineStripes.bytes - 1)
        if address != 0 {
            for index in 0..<CacheLineStripes.count {
                let stripe = CacheLineStripes.word(address, index)
                if stripe.pointee.load(ordering: .relaxed) != 0 {
                    total &+= stripe.pointee.exchange(0, ordering: .relaxed)
                }
            }
        } else if sampling.load(ordering: .relaxed) & 0xFFFF != 0 {
            sampling.store(0, ordering: .relaxed)
        }
        return total
    }

    /// Whether the sum has switched to stripes.
    var isStriped: Bool { stripes.load(ordering: .relaxed) != 0 }

    /// One sample: a thread other than the last sampler is a handoff; enough
    /// handoffs in a round switch the sum to stripes.
    @usableFromInline @inline(never)
    func sample() {
        let me = Int(ccpu_thread_index() & 0x7FFF_FFFF) + 1
        let state = sampling.load(ordering: .relaxed)
        let previous = state >> 16
        let handoffs = (state & 0xFF) + (previous != me && previous != 0 ? 1 : 0)
        let samples = ((state >> 8) & 0xFF) + 1
        if handoffs >= Self.handoffsToStripe {
            _ = makeStripes()
        } else if samples >= Self.samplesPerRound {
            sampling.store(me << 16, ordering: .relaxed)
        } else {
            sampling.store(me << 16 | samples << 8 | handoffs, ordering: .relaxed)
        }
    }

    /// Allocates the stripes (once; a thread that loses the race frees its
    /// copy) and returns their address.
    @inline(never)
    private func makeStripes() -> Int {
        if case let word = stripes.load(ordering: .acquiring), word != 0 { return word }
        let memory = CacheLineStripes.allocate()
        let word = Int(bitPattern: memory) | (CacheLineStripes.count - 1)
        let (exchanged, winner) = stripes.compareExchange(
            expected: 0, desired: word, ordering: .acquiringAndReleasing)
        if exchanged { return word }
        memory.deallocate()
        return winner
    }
}
