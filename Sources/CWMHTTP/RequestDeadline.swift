import Foundation

/// Runs `operation`, throwing `HTTPTransportError.timedOut` if it has not
/// finished after `timeout`; the operation is cancelled then.
func withRequestDeadline<T: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(max(timeout.clampedMilliseconds, 1000) + 250))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw HTTPTransportError.timedOut }
        guard let value = first else { throw HTTPTransportError.timedOut }
        return value
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }

    /// Whole milliseconds, at least 0 and at most a day: never traps,
    /// whatever the duration (a `.seconds(Int64.max)` timeout included).
    package var clampedMilliseconds: Int {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        guard seconds < 86_400 else { return 86_400_000 }
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
