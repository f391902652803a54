import Foundation
import Synchronization
import Testing
@testable import MetricsCore

/// The per-CPU striped sum under counters and the read-mostly lock under the
/// series registry: exact totals whatever the threads do, and nothing lost to
/// a take that races adds.
@Suite("Striping", .timeLimit(.minutes(3)))
struct StripingTests {
    @Test("a sum that was never contended has no stripes; a striped one totals base and stripes")
    func stripesOnlyWhenContended() {
        // (Read into locals: #expect cannot take a noncopyable value apart.)
        let plain = StripedSum()
        plain.add(5)
        plain.add(-2)
        let plainStriped = plain.isStriped
        #expect(!plainStriped)
        let plainTotal = plain.total()
        #expect(plainTotal == 3)
        let plainTaken = plain.take()
        #expect(plainTaken == 3)
        let plainEmpty = plain.isZero
        #expect(plainEmpty)

        let striped = StripedSum(striped: true)
        let isStriped = striped.isStriped
        #expect(isStriped)
        striped.add(7)
        striped.add(1)
        let total = striped.total()
        let empty = striped.isZero
        #expect(total == 8 && !empty)
        let taken = striped.take()
        let after = striped.total()
        let emptyAfter = striped.isZero
        #expect(taken == 8 && after == 0 && emptyAfter)
    }

    @Test("one thread never stripes a sum; two threads adding at once do")
    func contentionStripes() async throws {
        final class Box: Sendable { let sum = StripedSum() }
        let alone = Box()
        for _ in 0..<1_000_000 { alone.sum.add(1) }
        let aloneStriped = alone.sum.isStriped
        #expect(!aloneStriped, "one thread's adds are never handoffs")

        let shared = Box()
        // Both threads meet before adding, then each adds until the sum is
        // striped. The bound is time, not a count: on a loaded machine one
        // thread may run a count out before the other is scheduled at all,
        // and striping needs the two to run at once. A broken detector fails
        // after a minute instead of hanging.
        let arrived = Atomic<Int>(0)
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        let threads = WriterThreads(count: 2) { _, _ in
            arrived.wrappingAdd(1, ordering: .acquiringAndReleasing)
            while arrived.load(ordering: .acquiring) < 2 {}
            var made = 0
            while !shared.sum.isStriped {
                for _ in 0..<4096 { shared.sum.add(1) }
                made += 4096
                if ContinuousClock.now > deadline { break }
            }
            return made
        }
        let made = await threads.stop()
        let sharedStriped = shared.sum.isStriped
        let total = shared.sum.total()
        #expect(sharedStriped)
        #expect(total == made.reduce(0, +))
    }

    @Test("adds from two threads racing takes: every add is taken exactly once", arguments: [false, true])
    func takesRacingAdds(startStriped: Bool) async throws {
        final class Box: Sendable { let sum: StripedSum; init(_ striped: Bool) { sum = StripedSum(striped: striped) } }
        let box = Box(startStriped)
        let addersDone = Atomic<Int>(0)
        // Threads 0 and 1 add a fixed amount; thread 2 takes until they are done.
        let threads = WriterThreads(count: 3) { thread, _ in
            if thread == 2 {
                var taken = 0
                while addersDone.load(ordering: .acquiring) < 2 { taken += box.sum.take() }
                return -taken
            }
            for _ in 0..<300_000 { box.sum.add(thread + 1) }
            addersDone.wrappingAdd(1, ordering: .releasing)
            return 300_000 * (thread + 1)
        }
        let totals = await threads.stop()
        // What was added, less what the taker took, is what remains.
        #expect(totals.reduce(0, +) == box.sum.take())
    }

    @Test("readers run beside each other; a writer waits for them and shuts them out")
    func readMostlyLock() async throws {
        let lock = ReadMostlyLock()
        // A reader's answer, or nil while a writer holds the lock.
        #expect(lock.tryRead { 42 } == 42)
        // Inside a write, readers step back.
        let inside = lock.write { lock.tryRead { 1 } }
        #expect(inside == nil)
        #expect(lock.tryRead { 2 } == 2)

        // One thread writes a two-word pair that every write keeps equal,
        // another reads it meanwhile; no read may see it torn.
        final class Pair: @unchecked Sendable { var a = 0; var b = 0 }
        let pair = Pair()
        let torn = Atomic<Int>(0)
        let writerDone = Atomic<Bool>(false)
        let threads = WriterThreads(count: 2) { thread, _ in
            var made = 0
            if thread == 0 {
                for _ in 0..<20_000 { lock.write { pair.a += 1; pair.b += 1 } }
                writerDone.store(true, ordering: .releasing)
                return 20_000
            }
            while !writerDone.load(ordering: .acquiring) {
                if let equal = lock.tryRead({ pair.a == pair.b }) {
                    if !equal { torn.wrappingAdd(1, ordering: .relaxed) }
                    made += 1
                }
            }
            return made
        }
        let operations = await threads.stop()
        #expect(torn.load(ordering: .relaxed) == 0)
        #expect(operations.count == 2)
        #expect(lock.write { pair.a == pair.b && pair.a == 20_000 })
    }
}
