import CWMHTTP
import MetricsCore

// What the HTTP sinks (PutMetricData, EMF through CloudWatch Logs, OTLP,
// Datadog) decide alike: which refusals spare the other requests of a
// batch, how a batch's requests are sent in order, and the retry policy as
// the export worker asks for it.

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

/// Sends the requests of one export in order, and says in `result` what
/// became of their snapshots (indices into `snapshots`; a snapshot may be
/// carried by several requests):
///
/// - a request `send` completes is delivered; `send` may return the part of
///   it the backend refused individually (a partial success): a count, or
///   which snapshots (each counted once however many requests carry it);
/// - a request refused for its content alone (``RetryPolicy/refusesOnlyThisRequest(_:)``)
///   drops its own snapshots, and the next request still goes out;
/// - a request `split` cuts in parts after its failure (a 413: too large
///   for the backend) is replaced by those parts, sent in its place;
/// - any other failure stops the export: the snapshots not yet delivered or
///   dropped are left to retry.
///
/// The retry quota is refunded per request as the AWS standard mode does
/// (``RequestRefunds``).
package func sendInOrder<Request>(
    _ requests: [Request], carrying: (Request) -> [Int], of snapshots: [MetricSnapshot], policy: RetryPolicy,
    attempt: ExportAttempt, into result: inout ExportResult,
    split: (Request, any Error) -> [Request]? = { _, _ in nil },
    send: (Request) async throws -> PartialRefusal?
) async {
    var requests = requests
    var refused = Set<Int>()
    var refunds = RequestRefunds(policy: policy, retries: attempt.number - 1, previousError: attempt.previousError)
    var position = 0
    while position < requests.count {
        let request = requests[position]
        do {
            let partial = try await send(request)
            refunds.succeeded()
            switch partial {
            case nil:
                break
            case .count(let count, let error):
                result.refuse(count, error: error)
            case .snapshots(let indices, let error):
                result.refuse(indices.filter { refused.insert($0).inserted }.count, error: error)
            }
        } catch {
            if let parts = split(request, error), parts.count > 1 {
                requests.replaceSubrange(position...position, with: parts)
                continue
            }
            guard policy.refusesOnlyThisRequest(error) else {
                var seen = refused
                let unsent = requests[position...].flatMap(carrying).filter { seen.insert($0).inserted }
                result.retry(unsent.map { snapshots[$0] }, because: error)
                return
            }
            refunds.refused()
            result.refuse(carrying(request).filter { refused.insert($0).inserted }.count, error: error)
        }
        position += 1
    }
}

/// The part of a request its backend refused while it took the rest.
package enum PartialRefusal {
    /// `count` of the request's snapshots, not which (an OTLP collector
    /// counts rejected data points).
    case count(Int, error: any Error)
    /// These snapshots (indices into the export's batch), as CloudWatch
    /// Logs names the events it rejected.
    case snapshots([Int], error: any Error)
}

extension RetryPolicy {
    /// Whether `error` concerns one request's content alone (a 4xx such as
    /// `InvalidParameterValue`, an OTLP collector's or Datadog's 400), so the
    /// batch's other requests may still succeed. Retryable errors,
    /// authentication and authorisation refusals (401, 403), a request
    /// timeout (408) from a backend that is not AWS, and anything that is not
    /// a response (no credentials, TLS) would fail every request alike: they
    /// stop the export instead.
    package func refusesOnlyThisRequest(_ error: any Error) -> Bool {
        guard let status = (error as? any RetryClassifiedError)?.refusalStatus else { return false }
        return !isRetryable(error) && (400..<500).contains(status) && status != 401 && status != 403
    }

    /// After attempt `attempt` failed with `error`: the delay before the
    /// next (taken from the quota), or `nil` and whether the error was
    /// retryable (the attempts or the quota ran out) or not at all.
    package func retryDelay(afterAttempt attempt: Int, error: any Error) -> (delay: Duration?, retryable: Bool) {
        if let delay = delay(beforeRetry: attempt, after: error) { return (delay, true) }
        return (nil, isRetryable(error))
    }
}

/// The AWS SDK standard retry mode is the export worker's policy as it is:
/// throttling, 5xx and connection failures are retried with backoff; a
/// rejected request, bad credentials or a bad configuration are not.
extension RetryPolicy: ExportRetryPolicy {
    public func decision(afterAttempt attempt: Int, error: any Error) -> RetryDecision {
        let (delay, retryable) = retryDelay(afterAttempt: attempt, error: error)
        if let delay { return .retry(after: delay) }
        return retryable ? .exhausted : .notRetryable
    }
}
