import MetricsCore
import Sinks

extension InMemorySink {
    /// Waits until at least `count` snapshots have been exported in total
    /// and returns all of them, or throws ``TestKitTimeoutError`` after
    /// `timeout` (measured on the continuous clock: a hang fails the test
    /// with a message instead of stalling it).
    ///
    /// ```swift
    /// let snapshots = try await memory.snapshots(count: 2, timeout: .seconds(5))
    /// ```
    public func snapshots(count: Int, timeout: Duration) async throws -> [MetricSnapshot] {
        try await withThrowingTaskGroup(of: [MetricSnapshot]?.self) { group in
            group.addTask { await self.waitForSnapshots(count: count) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let snapshots = first else {
                throw TestKitTimeoutError(waitingFor: "\(count) snapshot(s) in \(name)", timeout: timeout)
            }
            return snapshots
        }
    }
}
