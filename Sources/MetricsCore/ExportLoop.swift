/// The one retry loop: hands a batch to a sink, reads its ``ExportResult``,
/// and retries what is unsent per the sink's policy until everything is
/// settled or the caller stops it. The export worker and `FanOutSink` both
/// run it; each does its own accounting in `onStep`.
package enum ExportLoop {
    /// What happened, in order, for the caller to count and report.
    package enum Step {
        /// One call returned `result` in `duration`; `delivered` is what the
        /// result accounts for as delivered: the snapshots handed over less
        /// everything rejected, refused or unsent (never negative, and never
        /// more than was handed over, whatever the sink claims).
        case attempted(ExportResult, delivered: Int, duration: Duration)
        /// Attempt `attempt` left `error`; a retry follows.
        case retrying(attempt: Int, error: any Error)
        /// The policy gave up on `count` unsent snapshots.
        case gaveUp(count: Int, reason: DropReason, error: any Error)
    }

    /// Runs the loop. Returns when every snapshot is settled, when the
    /// policy gives up, or when `shouldStop` answers `true` or the sleep
    /// between attempts throws: then it returns the snapshots still unsent,
    /// which no step has settled. `first` is the first attempt (its upload
    /// interval is handed on to every retry).
    @discardableResult
    package static func run(
        _ batch: [MetricSnapshot],
        to sink: any Sink,
        first: ExportAttempt = .first,
        policy: any ExportRetryPolicy,
        now: () -> Duration,
        sleep: (Duration) async throws -> Void,
        shouldStop: () -> Bool,
        onStep: (Step) -> Void
    ) async -> [MetricSnapshot] {
        var pending = batch
        var attempt = first
        while true {
            let started = now()
            let result = await sink.export(pending, attempt: attempt)
            let duration = now() - started
            onStep(.attempted(result, delivered: result.delivered(outOf: pending.count), duration: duration))
            pending = result.unsent.count > pending.count ? Array(result.unsent.prefix(pending.count)) : result.unsent
            if pending.isEmpty || shouldStop() || Task.isCancelled { return pending }

            let failure = result.error ?? ExportIncompleteError()
            switch policy.decision(afterAttempt: attempt.number, error: failure) {
            case .retry(let delay):
                onStep(.retrying(attempt: attempt.number, error: failure))
                do { try await sleep(delay) } catch { return pending }
                if shouldStop() { return pending }
                attempt = attempt.next(after: failure)
            case .exhausted:
                onStep(.gaveUp(count: pending.count, reason: .retriesExhausted, error: failure))
                return []
            case .notRetryable:
                onStep(.gaveUp(count: pending.count, reason: .nonRetryableError, error: failure))
                return []
            }
        }
    }
}
