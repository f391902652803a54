/// What an export worker does after a failed `export`.
public enum RetryDecision: Sendable, Equatable {
    /// Try again after this delay.
    case retry(after: Duration)
    /// The error is retryable but no attempts are left.
    case exhausted
    /// The error is not worth retrying (a rejected request, bad credentials).
    case notRetryable
}

/// Decides whether and when a failed export is retried.
///
/// Sinks supply one through ``Sink/retryPolicy``; AWS sinks adapt the AWS SDK
/// standard retry mode, others get ``ExponentialBackoffRetryPolicy``.
public protocol ExportRetryPolicy: Sendable {
    /// The decision after attempt number `attempt` (1 for the first try)
    /// failed with `error`.
    func decision(afterAttempt attempt: Int, error: any Error) -> RetryDecision
}

/// Capped exponential backoff with full jitter: the delay before retry `n`
/// is `random(0..<1) * min(baseDelay * 2^(n-1), maxDelay)`.
///
/// ```swift
/// // The Rust agent's behaviour: the first try and two retries, then skip.
/// let policy = ExponentialBackoffRetryPolicy(maxAttempts: 3)
/// ```
public struct ExponentialBackoffRetryPolicy: ExportRetryPolicy {
    /// Total attempts, the first one included. 1 disables retries.
    public var maxAttempts: Int
    /// The delay cap of the first retry.
    public var baseDelay: Duration
    /// The largest delay cap.
    public var maxDelay: Duration
    private let isRetryable: @Sendable (any Error) -> Bool
    private let random: @Sendable () -> Double

    /// - parameters:
    ///   - maxAttempts: total attempts including the first (default 3).
    ///   - baseDelay: cap of the first retry's delay (default 200 ms).
    ///   - maxDelay: cap of any delay (default 20 s).
    ///   - isRetryable: which errors are retried (default: all but cancellation).
    ///   - random: a source of numbers in `0..<1`, injectable for tests.
    public init(
        maxAttempts: Int = 3,
        baseDelay: Duration = .milliseconds(200),
        maxDelay: Duration = .seconds(20),
        isRetryable: @escaping @Sendable (any Error) -> Bool = { !($0 is CancellationError) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.maxAttempts = Swift.max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.isRetryable = isRetryable
        self.random = random
    }

    public func decision(afterAttempt attempt: Int, error: any Error) -> RetryDecision {
        guard isRetryable(error) else { return .notRetryable }
        guard attempt < maxAttempts else { return .exhausted }
        let exponent = Swift.min(attempt - 1, 30)
        let cap = Swift.min(baseDelay * (1 << exponent), maxDelay)
        return .retry(after: cap * random())
    }
}
