import Foundation
import CWMLocking

/// Where the manager reads wall-clock time for window bounds and timestamps.
///
/// Injected so that tests produce exact, repeatable timestamps (the
/// `CloudWatchMetricsTestKit` product's `ManualClock` has a wall-clock view):
///
/// ```swift
/// let clock = ManualClock(start: Date(timeIntervalSince1970: 1_700_000_000))
/// let manager = MetricsManager(level: .detailed, sinks: [memory],
///                              configuration: .init(clock: clock, wallClock: clock.wallClock))
/// ```
public protocol WallClock: Sendable {
    /// The current wall-clock time.
    func now() -> Date
}

/// The system's wall clock (`Date()`).
public struct SystemWallClock: WallClock {
    /// The system's wall clock.
    public init() {}
    public func now() -> Date { Date() }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

/// A clock reduced to the two things the manager needs, so that an
/// existential `any Clock<Duration>` can be stored and used without its
/// instant type: time elapsed since creation, and sleeping until a point.
struct TimeSource: Sendable {
    let elapsed: @Sendable () -> Duration
    let sleepUntil: @Sendable (Duration) async throws -> Void

    init<C: Clock<Duration>>(_ clock: C) {
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
        sleepUntil = { offset in try await clock.sleep(until: origin.advanced(by: offset), tolerance: nil) }
    }

    init(any clock: any Clock<Duration>) {
        self.init(clock)
    }

    func sleep(for duration: Duration) async throws {
        try await sleepUntil(elapsed() + duration)
    }
}
