#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CCWMCPU
import Synchronization

/// The layout that keeps threads off each other's cache lines: `count`
/// atomic words, `bytes` apart, one block allocated at once, a thread
/// picking its word by the CPU it runs on (`ccpu_stripe_hint`). Shared by
/// ``StripedSum`` (one sum spread over the words) and ``ReadMostlyLock``
/// (one reader count per word).
enum CacheLineStripes {
    /// Bytes between two words: two cache lines, so that x86's
    /// adjacent-line prefetcher does not pair neighbours either.
    static let bytes = 128
    /// Words per block: the CPUs rounded up to a power of two, from 2 to 16
    /// (at most 2 KiB a block).
    static let count: Int = {
        #if canImport(Glibc) || canImport(Musl)
        let cpus = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        let cpus = 8
        #endif
        var count = 2
        while count < min(max(cpus, 1), 16) { count <<= 1 }
        return count
    }()

    /// A block of `count` words, each 0, aligned to `bytes`; the caller
    /// deallocates it.
    static func allocate() -> UnsafeMutableRawPointer {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: count * bytes, alignment: bytes)
        for index in 0..<count {
            (memory + index * bytes).bindMemory(to: Atomic<Int>.self, capacity: 1).initialize(to: Atomic(0))
        }
        return memory
    }

    /// Word `index` of the block at `address`.
    @inline(__always)
    static func word(_ address: Int, _ index: Int) -> UnsafeMutablePointer<Atomic<Int>> {
        UnsafeMutablePointer<Atomic<Int>>(bitPattern: address + index * bytes).unsafelyUnwrapped
    }

    /// The index of the calling thread's word.
    @inline(__always)
    static var indexOfThisThread: Int { Int(ccpu_stripe_hint()) & (count - 1) }
}
