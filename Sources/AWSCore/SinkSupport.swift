// What the AWS sinks (PutMetricData, EMF through CloudWatch Logs) decide
// alike: which credentials a sink's parameters mean, and which refusals
// spare the other requests of a batch.

/// The retry quota's refunds over the requests of one export: the first
/// request answered after a retried export is the one that failed before,
/// so its success refunds the retry's cost, as the AWS standard mode does;
/// every other success refunds one token.
package struct RequestRefunds {
    private let policy: RetryPolicy
    private let retries: Int
    private let lastKind: RetryPolicy.Kind?
    private var retriedRequestPending: Bool

    /// For an export that is retry number `retries` (0: the first attempt)
    /// after `previousError`.
    package init(policy: RetryPolicy, retries: Int, previousError: (any Error)?) {
        self.policy = policy
        self.retries = retries
        self.lastKind = previousError.flatMap(RetryPolicy.classify)
        self.retriedRequestPending = retries > 0
    }

    /// A request succeeded.
    package mutating func succeeded() {
        if retriedRequestPending {
            policy.recordSuccess(afterRetries: retries, lastKind: lastKind)
        } else {
            policy.recordSuccess(afterRetries: 0)
        }
        retriedRequestPending = false
    }

    /// A request was refused for good: answered, so no longer the retried one.
    package mutating func refused() {
        retriedRequestPending = false
    }
}

/// Only one of an access key id and a secret was given.
package struct IncompleteCredentialsError: Error {}

extension RetryPolicy {
    /// Whether `error` concerns one request's content alone (a 4xx such as
    /// `InvalidParameterValue`), so the batch's other requests may still
    /// succeed. Retryable errors, authentication and authorisation refusals
    /// (401, 403) and anything that is not a response (no credentials, TLS)
    /// would fail every request alike: they stop the export instead.
    package func refusesOnlyThisRequest(_ error: AWSError) -> Bool {
        !isRetryable(error) && (400..<500).contains(error.statusCode) && error.statusCode != 401
            && error.statusCode != 403
    }

    /// After attempt `attempt` failed with `error`: the delay before the
    /// next (taken from the quota), or `nil` and whether the error was
    /// retryable (the attempts or the quota ran out) or not at all.
    package func retryDelay(afterAttempt attempt: Int, error: any Error) -> (delay: Duration?, retryable: Bool) {
        if let delay = delay(beforeRetry: attempt, after: error) { return (delay, true) }
        return (nil, isRetryable(error))
    }
}

/// The credentials a sink's parameters mean: both keys given, those (with
/// the session token); neither, `fallback` or the default chain; one of them
/// only, ``IncompleteCredentialsError``.
package func sinkCredentials(accessKeyId: String?, secretAccessKey: String?, sessionToken: String?,
                             fallback: (any CredentialProvider)?,
                             environment: [String: String]) throws(IncompleteCredentialsError) -> any CredentialProvider {
    switch (accessKeyId, secretAccessKey) {
    case (let keyId?, let secret?):
        return StaticCredentialProvider(AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: sessionToken))
    case (nil, nil):
        return fallback ?? DefaultCredentialProvider(environment: environment)
    default:
        throw IncompleteCredentialsError()
    }
}
