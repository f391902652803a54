import CWMLocking
import Synchronization

/// A reader-writer lock for data that is read on hot paths by many threads
/// and changed rarely: readers share no written cache line, so they scale
/// with cores; writers are slow and exclusive.
///
/// Each reader announces itself in the counter of its thread's stripe (one
/// word of a ``CacheLineStripes`` block), then checks
/// that no writer is active. A writer
/// takes a mutex, raises its flag, and waits until every stripe's counter is
/// zero. Both sides order "announce, then check" sequentially consistently,
/// so either the reader sees the flag (and steps back) or the writer sees the
/// reader (and waits for it). A reader never blocks here: while a writer is
/// active, ``tryRead`` answers `nil` and the caller takes the writers' path.
///
/// Readers must be short (a hash-table probe): a writer waits for them.
final class ReadMostlyLock: @unchecked Sendable {
    /// Writers' mutex, guarding a count of writes (a real value to guard:
    /// ThreadSanitizer misreads exclusive access to an empty one as a race).
    private let writers = Locked(0)
    private let writerActive = Atomic<Bool>(false)
    /// One reader counter per stripe.
    private let counters = CacheLineStripes.allocate()

    deinit { counters.deallocate() }

    @inline(__always)
    private func counter(_ index: Int) -> UnsafeMutablePointer<Atomic<Int>> {
        CacheLineStripes.word(Int(bitPattern: counters), index)
    }

    /// Runs `body` as a reader, or returns `nil` without running it while a
    /// writer is active.
    @inline(__always)
    func tryRead<T>(_ body: () -> T) -> T? {
        let counter = counter(CacheLineStripes.indexOfThisThread)
        counter.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
        if writerActive.load(ordering: .sequentiallyConsistent) {
            counter.pointee.wrappingSubtract(1, ordering: .releasing)
            return nil
        }
        let result = body()
        counter.pointee.wrappingSubtract(1, ordering: .releasing)
        return result
    }

    /// Runs `body` with every reader and writer excluded.
    func write<T>(_ body: () throws -> T) rethrows -> T {
        try writers.withLock { writes in
            writes &+= 1
            writerActive.store(true, ordering: .sequentiallyConsistent)
            defer { writerActive.store(false, ordering: .sequentiallyConsistent) }
            for index in 0..<CacheLineStripes.count {
                var waiting = SpinWait()
                while counter(index).pointee.load(ordering: .sequentiallyConsistent) != 0 { waiting.wait() }
            }
            return try body()
        }
    }

    /// Runs `body` with writers excluded, readers not (for reads that must
    /// see a consistent state but change nothing).
    func readExcludingWriters<T>(_ body: () throws -> T) rethrows -> T {
        try writers.withLock { _ in try body() }
    }
}
