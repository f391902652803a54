import Foundation

/// Runs a long synchronous computation on a thread of its own and awaits it.
///
/// The cooperative pool has as many threads as cores (two here); a test that
/// computes for seconds on one of them delays every other test's timers and
/// continuations, which breaks the tests that check deadlines. CPU-heavy test
/// bodies go through this instead.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
