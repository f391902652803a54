/// Shared by the Integrations package's test targets.

/// The body's result, or a failure after `limit`: a hang fails the test with
/// a message instead of stalling CI.
public func withTimeLimit<T: Sendable>(_ limit: Duration, _ what: String,
                                _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimeLimitExceeded(description: "\(what) did not finish within \(limit)")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

public struct TimeLimitExceeded: Error, CustomStringConvertible {
    public let description: String
}
