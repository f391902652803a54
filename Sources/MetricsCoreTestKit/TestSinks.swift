// MetricsCoreTestKit: for users' tests, without the AWS stack: a manual
// clock, a recording observer, bounded waits on InMemorySink, and sinks
// that fail, block or count.
//
// Imports: MetricsCore, Sinks, CWMLocking.

// Sinks for tests of code that exports: one that fails every export, one
// that blocks until released (a stuck backend), one that counts.

import Foundation
import MetricsCore
import Synchronization
import CWMLocking

/// The error ``FailingSink`` throws.
public struct InjectedFailure: Error, Equatable, CustomStringConvertible {
    /// The error's text (default "injected failure").
    public let message: String
    /// An error whose description is `message`.
    public init(_ message: String = "injected failure") { self.message = message }
    /// The message.
    public var description: String { message }
}

/// A sink whose every export fails with ``InjectedFailure``, counting the
/// attempts: for tests of retries, drops and reports.
///
/// ```swift
/// let failing = FailingSink(retryPolicy: ExponentialBackoffRetryPolicy(maxAttempts: 3))
/// let manager = MetricsManager(sinks: [failing])
/// ```
public final class FailingSink: Sink {
    private let attempts = Atomic<Int>(0)
    private let policy: any ExportRetryPolicy
    /// The sink's name in stats, events and reports.
    public let name: String

    /// A failing sink named `name`, retried by `retryPolicy` (default: one
    /// attempt, no retry).
    public init(name: String = "failing", retryPolicy: any ExportRetryPolicy = ExponentialBackoffRetryPolicy(maxAttempts: 1)) {
        self.name = name
        self.policy = retryPolicy
    }

    /// The policy given at creation.
    public var retryPolicy: any ExportRetryPolicy { policy }
    /// The exports attempted so far, retries included.
    public var attemptCount: Int { attempts.load(ordering: .relaxed) }

    public func export(_ snapshots: [MetricSnapshot]) async throws {
        attempts.wrappingAdd(1, ordering: .relaxed)
        throw InjectedFailure()
    }
}

/// A sink that counts its lifecycle calls and the snapshots exported to
/// it, and keeps nothing else (`InMemorySink` keeps the snapshots).
public final class CountingSink: Sink {
    private let counters = Locked((starts: 0, shutdowns: 0, exports: 0, snapshots: 0))
    /// The sink's name in stats, events and reports.
    public let name: String

    /// A counting sink named `name`.
    public init(name: String = "counting") { self.name = name }

    /// Calls of `start()` so far.
    public var starts: Int { counters.withLock { $0.starts } }
    /// Calls of `shutdown()` so far.
    public var shutdowns: Int { counters.withLock { $0.shutdowns } }
    /// Calls of `export(_:)` so far.
    public var exports: Int { counters.withLock { $0.exports } }
    /// Snapshots exported so far, in all exports.
    public var snapshotCount: Int { counters.withLock { $0.snapshots } }

    public func start() async throws { counters.withLock { $0.starts += 1 } }
    public func shutdown() async throws { counters.withLock { $0.shutdowns += 1 } }
    public func export(_ snapshots: [MetricSnapshot]) async throws {
        counters.withLock {
            $0.exports += 1
            $0.snapshots += snapshots.count
        }
    }
}

/// A sink whose exports block until ``release()`` (or for ever): a stuck
/// backend, for tests of queue bounds, flush deadlines and shutdown.
/// Blocked exports ignore cancellation, as a request stuck in a socket
/// would; one attempt, no retry.
///
/// ```swift
/// let stuck = BlockingSink()
/// let manager = MetricsManager(sinks: [stuck])
/// // … record, flush(awaitingDelivery: false) …
/// await stuck.waitUntilEntered()
/// stuck.release()
/// ```
public final class BlockingSink: Sink {
    private struct State {
        var released = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var entered = 0
        var enteredWaiters: [(Int, CheckedContinuation<Void, Never>)] = []
    }

    private let state = Locked(State())
    /// The sink's name in stats, events and reports.
    public let name: String
    private let delivered = Locked<[MetricSnapshot]>([])

    /// Export calls the worker may make at once (see `Sink.maxConcurrentExports`).
    public let maxConcurrentExports: Int

    /// A blocking sink named `name` that takes up to `maxConcurrentExports`
    /// batches at once (default 1).
    public init(name: String = "blocking", maxConcurrentExports: Int = 1) {
        self.name = name
        self.maxConcurrentExports = maxConcurrentExports
    }

    /// One attempt, no retry.
    public var retryPolicy: any ExportRetryPolicy { ExponentialBackoffRetryPolicy(maxAttempts: 1) }

    /// Snapshots whose export completed.
    public var deliveredSnapshots: [MetricSnapshot] { delivered.withLock { $0 } }

    /// Blocks until ``release()``, then keeps the snapshots as delivered.
    public func export(_ snapshots: [MetricSnapshot]) async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let (resume, ready) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                state.entered += 1
                let entered = state.entered
                let ready = state.enteredWaiters.filter { $0.0 <= entered }.map(\.1)
                state.enteredWaiters.removeAll { $0.0 <= entered }
                if state.released { return (true, ready) }
                state.waiters.append(continuation)
                return (false, ready)
            }
            for waiter in ready { waiter.resume() }
            if resume { continuation.resume() }
        }
        delivered.withLock { $0.append(contentsOf: snapshots) }
    }

    /// Waits until `count` exports have started.
    public func waitUntilEntered(_ count: Int = 1) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.entered >= count { return true }
                state.enteredWaiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Lets every blocked and future export complete.
    public func release() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.released = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
