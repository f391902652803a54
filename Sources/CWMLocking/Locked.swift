// CWMLocking: the one lock every module of the package uses.
//
// Why not Synchronization.Mutex: on Linux its futex-based lock is compiled
// into a library ThreadSanitizer does not instrument, so TSan cannot see the
// lock and reports every access it protects as a race (measured: a correct
// two-thread append under Mutex.withLock is flagged). A pthread mutex is
// intercepted by TSan, so `swift test --sanitize=thread` sees real races
// only. Lock-free paths use Synchronization's Atomic, which TSan does see.
//
// Imports: nothing of this package.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value protected by a pthread mutex.
///
/// ```swift
/// let state = Locked([String: Int]())
/// state.withLock { $0["requests", default: 0] += 1 }
/// ```
package final class Locked<Value: Sendable>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// Accessed only under `mutex`, which keeps accesses apart (a nested
    /// `withLock` would wait for itself before it could overlap one), so
    /// Swift's dynamic exclusivity check, a runtime call per access, is off.
    @exclusivity(unchecked) private var value: Value

    /// Protects `value`.
    package init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let result = pthread_mutex_init(mutex, nil)
        precondition(result == 0, "pthread_mutex_init failed: \(result)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value. `body` must not call
    /// `withLock` on the same lock (it is not recursive).
    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}

extension Locked {
    /// The value made once and kept: the stored one if there is one, else
    /// `make()`'s, stored unless another caller stored one meanwhile (then
    /// that one is returned, and all callers share it). `make` runs outside
    /// the lock, so it may suspend.
    package func value<Made: Sendable>(orMake make: () async throws -> Made) async rethrows -> Made
    where Value == Made? {
        if let existing = withLock({ $0 }) { return existing }
        let made = try await make()
        return withLock { current in
            if let current { return current }
            current = made
            return made
        }
    }
}
