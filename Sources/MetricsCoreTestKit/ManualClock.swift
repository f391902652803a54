import Foundation
import CWMLocking
import MetricsCore

/// A clock that only moves when told to: drive the manager's windows,
/// flush intervals and retry delays from a test without sleeping.
///
/// It is a `Clock` (for scheduling) and has a ``wallClock`` view whose time
/// is `start` plus the time advanced so far.
///
/// ```swift
/// let clock = ManualClock()
/// clock.advance(by: .seconds(60))   // the manager's next tick is due
/// ```
public final class ManualClock: Clock, Sendable {
    /// An instant of a ``ManualClock``: the time advanced since its creation.
    public struct Instant: InstantProtocol, Hashable, Sendable {
        /// The time since the clock's start.
        public let offset: Duration
        /// The instant `offset` after the clock's start.
        public init(offset: Duration) { self.offset = offset }
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        let id: Int
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID = 0
        var sleepers: [Sleeper] = []
    }

    private let state = Locked(State())
    /// The wall-clock time at offset zero.
    public let start: Date

    /// - parameter start: the wall-clock time of offset zero (default: 2023-11-14T22:13:20Z).
    public init(start: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        self.start = start
    }

    public var now: Instant { state.withLock { $0.now } }
    public var minimumResolution: Duration { .zero }

    /// `start` plus the time advanced so far.
    public var date: Date {
        start.addingTimeInterval(Double(now.offset.components.seconds) + Double(now.offset.components.attoseconds) / 1e18)
    }

    /// This clock as a `WallClock`: `start` plus the time advanced so far.
    public var wallClock: some WallClock { ManualWallClock(clock: self) }

    /// The number of tasks currently sleeping on this clock.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id: Int? = state.withLock { state in
            if deadline <= state.now { return nil }
            state.nextID += 1
            return state.nextID
        }
        guard let id else {
            try Task.checkCancellation()
            return
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = state.withLock { state in
                    if deadline <= state.now { return true }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose deadline has come.
    public func advance(by duration: Duration) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due.sorted(by: { $0.deadline < $1.deadline }) {
            sleeper.continuation.resume()
        }
    }
}

private struct ManualWallClock: WallClock {
    let clock: ManualClock
    func now() -> Date { clock.date }
}
