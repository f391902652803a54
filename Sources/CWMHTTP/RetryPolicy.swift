import Foundation
import CWMLocking

/// The AWS SDKs' standard retry mode.
///
/// - attempts: `maxAttempts` in all (default 3: the first try and two retries);
/// - retried: throttling codes, HTTP 500/502/503/504 and transient codes,
///   connection failures, timeouts and resets; never validation,
///   authentication, TLS or cancellation errors;
/// - delay before retry `n`: `random(0..<1) * min(base * 2^(n-1), 20 s)`, with
///   `base` 1 s (or, in ``Backoff/v2026``, 50 ms for transient errors and 1 s
///   for throttling), raised to a server's `x-amz-retry-after` hint (capped
///   5 s above the computed delay), or for a backend that is not AWS (an
///   OTLP collector, Datadog) to its `Retry-After` (capped at `maxDelay`);
/// - a retry quota shared by everyone using the policy (a token bucket of
///   500; a retry costs 5, after a timeout 10; a success refunds), so a
///   struggling service is not hammered by every caller at once.
///
/// ```swift
/// let policy = RetryPolicy()
/// let response = try await policy.run { try await transport.send(request) }
/// ```
public struct RetryPolicy: Sendable {
    /// Base delays.
    public enum Backoff: Sendable, Equatable {
        /// 1 s for everything (botocore's standard mode today).
        case standard
        /// 50 ms for transient errors, 1 s for throttling (the SDKs' 2026 defaults).
        case v2026
    }

    /// Why an error is retryable.
    package enum Kind: Sendable, Equatable {
        case throttling, transient, timeout
    }

    /// Attempts in all, the first included (3 by default).
    public var maxAttempts: Int
    /// How the delay between attempts grows.
    public var backoff: Backoff
    /// The longest delay between two attempts (20 seconds by default).
    public var maxDelay: Duration
    /// The shared token bucket, or `nil` for none.
    package let quota: RetryQuota?
    private let random: @Sendable () -> Double
    private let sleeper: @Sendable (Duration) async throws -> Void

    /// - parameters:
    ///   - maxAttempts: attempts in all, the first included (default 3).
    ///   - backoff: base delays (default `.standard`).
    ///   - maxDelay: cap of a delay (default 20 s).
    ///   - quota: a shared retry quota (default: a new one of 500 tokens).
    ///   - random: numbers in `0..<1` for the jitter (injectable for tests).
    ///   - sleep: how `run` waits; cancellable, injectable so tests do not wait.
    public init(
        maxAttempts: Int = 3,
        backoff: Backoff = .standard,
        maxDelay: Duration = .seconds(20),
        quota: RetryQuota? = RetryQuota(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.backoff = backoff
        self.maxDelay = maxDelay
        self.quota = quota
        self.random = random
        self.sleeper = sleep
    }

    /// Whether (and why) `error` is worth retrying: what a
    /// ``RetryClassifiedError`` says of itself; anything else is not.
    package static func classify(_ error: any Error) -> Kind? {
        (error as? any RetryClassifiedError)?.retryKind
    }

    /// The delay before retry number `retry` (1 for the first retry) after
    /// `error`, or `nil` when the policy gives up: not retryable, no attempts
    /// left, or the quota is spent. Takes the retry's cost from the quota.
    package func delay(beforeRetry retry: Int, after error: any Error) -> Duration? {
        guard let kind = Self.classify(error), retry < maxAttempts else { return nil }
        if let quota, !quota.acquire(cost: kind == .timeout ? 10 : 5) { return nil }
        let base: Duration
        switch (backoff, kind) {
        case (.standard, _), (.v2026, .throttling): base = .seconds(1)
        case (.v2026, _): base = .milliseconds(50)
        }
        let cap = min(base * (1 << min(retry - 1, 30)), maxDelay)
        let delay = cap * random()
        return (error as? any RetryClassifiedError)?.retryDelay(jittered: delay, maxDelay: maxDelay) ?? delay
    }

    /// Whether `error` is retryable but the attempts or the quota ran out,
    /// as opposed to not retryable at all.
    public func isRetryable(_ error: any Error) -> Bool { Self.classify(error) != nil }

    /// Records a success; refunds the quota (1 token, or the last retry's cost).
    package func recordSuccess(afterRetries retries: Int, lastKind: Kind? = nil) {
        guard let quota else { return }
        quota.release(retries == 0 ? 1 : (lastKind == .timeout ? 10 : 5))
    }

    /// Runs `operation` until it succeeds, fails with an error not worth
    /// retrying, or the attempts run out; sleeps between attempts with the
    /// injected sleep. Cancellation stops at once.
    public func run<T: Sendable>(_ operation: @Sendable () async throws -> T) async throws -> T {
        var retry = 0
        var lastKind: Kind?
        while true {
            do {
                let value = try await operation()
                recordSuccess(afterRetries: retry, lastKind: lastKind)
                return value
            } catch {
                try Task.checkCancellation()
                retry += 1
                guard let delay = delay(beforeRetry: retry, after: error) else { throw error }
                lastKind = Self.classify(error)
                try await sleeper(delay)
            }
        }
    }
}

/// A failure that says whether it is worth retrying: ``HTTPStatusError``,
/// ``HTTPTransportError``, and AWSCore's `AWSError`. ``RetryPolicy`` retries
/// nothing else.
package protocol RetryClassifiedError: Error {
    /// Why the failure is worth retrying, or `nil` when it is not.
    var retryKind: RetryPolicy.Kind? { get }
    /// The delay before the retry, given the policy's jittered one and its
    /// cap: raised to a server's hint as its protocol says (by default,
    /// the jittered delay unchanged).
    func retryDelay(jittered: Duration, maxDelay: Duration) -> Duration
    /// The HTTP status of a response that may refuse one request's content
    /// alone (a 4xx of a request the batch's others need not share), or
    /// `nil`: not a response, or a status that speaks for the backend.
    var refusalStatus: Int? { get }
}

extension RetryClassifiedError {
    package func retryDelay(jittered: Duration, maxDelay: Duration) -> Duration { jittered }
    package var refusalStatus: Int? { nil }
}

/// The standard mode's retry token bucket (capacity 500). Share one between
/// the clients of a process, as the SDKs do per client.
public final class RetryQuota: Sendable {
    private let tokens: Locked<Int>
    /// The quota's tokens when full (500 by default, as the AWS SDKs).
    package let capacity: Int

    /// A full quota of `capacity` tokens.
    public init(capacity: Int = 500) {
        self.capacity = capacity
        tokens = Locked(capacity)
    }

    /// Tokens left.
    public var available: Int { tokens.withLock { $0 } }

    func acquire(cost: Int) -> Bool {
        tokens.withLock { tokens in
            guard tokens >= cost else { return false }
            tokens -= cost
            return true
        }
    }

    func release(_ amount: Int) {
        tokens.withLock { $0 = min(capacity, $0 + amount) }
    }
}
