// Test helpers shared by this package's test targets: sinks that fail,
// block or count. Not a product; what users need is in CloudWatchMetricsTestKit.

import Foundation
import MetricsCore
import Synchronization
import CWMLocking

/// An error thrown by the test sinks.
public struct InjectedFailure: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String = "injected failure") { self.message = message }
    public var description: String { message }
}

/// A sink whose every export fails, counting the attempts.
public final class FailingSink: Sink {
    private let attempts = Atomic<Int>(0)
    private let policy: any ExportRetryPolicy
    public let name: String

    public init(name: String = "failing", retryPolicy: any ExportRetryPolicy = ExponentialBackoffRetryPolicy(maxAttempts: 1)) {
        self.name = name
        self.policy = retryPolicy
    }

    public var retryPolicy: any ExportRetryPolicy { policy }
    public var attemptCount: Int { attempts.load(ordering: .relaxed) }

    public func export(_ snapshots: [MetricSnapshot]) async throws {
        attempts.wrappingAdd(1, ordering: .relaxed)
        throw InjectedFailure()
    }
}

/// A sink that counts lifecycle calls and exported snapshots.
public final class CountingSink: Sink {
    private let counters = Locked((starts: 0, shutdowns: 0, exports: 0, snapshots: 0))
    public let name: String

    public init(name: String = "counting") { self.name = name }

    public var starts: Int { counters.withLock { $0.starts } }
    public var shutdowns: Int { counters.withLock { $0.shutdowns } }
    public var exports: Int { counters.withLock { $0.exports } }
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

/// A sink whose exports block until released (or forever), to simulate a
/// stuck backend. Blocked exports ignore cancellation unless `cancellable`.
public final class BlockingSink: Sink {
    private struct State {
        var released = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var entered = 0
        var enteredWaiters: [(Int, CheckedContinuation<Void, Never>)] = []
    }

    private let state = Locked(State())
    public let name: String
    private let delivered = Locked<[MetricSnapshot]>([])

    public init(name: String = "blocking") { self.name = name }

    public var retryPolicy: any ExportRetryPolicy { ExponentialBackoffRetryPolicy(maxAttempts: 1) }

    /// Snapshots whose export completed.
    public var deliveredSnapshots: [MetricSnapshot] { delivered.withLock { $0 } }

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
