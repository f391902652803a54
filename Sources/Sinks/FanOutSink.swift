import MetricsCore

/// Hands each export to several sinks at once; one sink's failure does not
/// stop or delay the others.
///
/// ```swift
/// let both = FanOutSink([ConsoleSink(), memory])
/// let manager = MetricsManager(level: .detailed, sink: both)
/// ```
///
/// Each inner sink is retried on its own, per its own ``Sink/retryPolicy``,
/// so a retry never sends a batch twice to a sink that already has it. The
/// fan-out itself is not retried by the export worker. If some inner sinks
/// still fail, ``FanOutError`` names them (the others have the batch).
///
/// Giving the sinks to the manager directly (`sinks: [a, b]`) is usually
/// better: each then gets its own queue, stats and drop accounting.
public struct FanOutSink: Sink {
    /// The inner sinks.
    public let sinks: [any Sink]
    private let clock: any Clock<Duration>

    /// - parameters:
    ///   - sinks: the sinks every export goes to.
    ///   - clock: paces the inner sinks' retries (injectable for tests).
    public init(_ sinks: [any Sink], clock: any Clock<Duration> = ContinuousClock()) {
        self.sinks = sinks
        self.clock = clock
    }

    public var name: String { "fanout(" + sinks.map(\.name).joined(separator: ",") + ")" }

    /// Retries happen per inner sink, inside `export`.
    public var retryPolicy: any ExportRetryPolicy { ExponentialBackoffRetryPolicy(maxAttempts: 1) }

    public func start() async throws {
        for sink in sinks { try await sink.start() }
    }

    public func shutdown() async throws {
        var failures: [FanOutError.Failure] = []
        for sink in sinks {
            do { try await sink.shutdown() } catch { failures.append(.init(sink: sink.name, error: error)) }
        }
        if !failures.isEmpty { throw FanOutError(failures: failures) }
    }

    public func export(_ snapshots: [MetricSnapshot]) async throws {
        let clock = self.clock
        let failures = await withTaskGroup(of: FanOutError.Failure?.self) { group in
            for sink in sinks {
                group.addTask { await Self.export(snapshots, to: sink, clock: clock) }
            }
            var failures: [FanOutError.Failure] = []
            for await failure in group {
                if let failure { failures.append(failure) }
            }
            return failures
        }
        if !failures.isEmpty { throw FanOutError(failures: failures) }
    }

    private static func export(_ snapshots: [MetricSnapshot], to sink: any Sink, clock: any Clock<Duration>) async -> FanOutError.Failure? {
        var pending = snapshots
        var attempt = 1
        while true {
            do {
                try await sink.export(pending)
                return nil
            } catch {
                var failure = error
                if let partial = error as? PartialExportError {
                    pending = partial.remaining
                    failure = partial.underlying
                    if pending.isEmpty { return nil }
                }
                guard case .retry(let delay) = sink.retryPolicy.decision(afterAttempt: attempt, error: failure) else {
                    return .init(sink: sink.name, error: failure)
                }
                do { try await clock.sleep(for: delay) } catch { return .init(sink: sink.name, error: error) }
                attempt += 1
            }
        }
    }
}

/// The inner sinks of a ``FanOutSink`` that failed an export for good.
public struct FanOutError: Error, CustomStringConvertible {
    /// One inner sink's failure.
    public struct Failure: Sendable {
        public let sink: String
        public let error: any Error
    }

    public let failures: [Failure]

    public var description: String {
        "fan-out export failed for " + failures.map { "\($0.sink): \($0.error)" }.joined(separator: "; ")
    }
}
