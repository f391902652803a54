import MetricsCore

/// Hands each export to several sinks at once; one sink's failure does not
/// stop or delay the others.
///
/// ```swift
/// let both = FanOutSink([ConsoleSink(), memory])
/// let manager = MetricsManager(level: .detailed, sink: both)
/// ```
///
/// Each inner sink is retried on its own, per its own `retryPolicy`,
/// by the same retry loop the export worker runs, so a retry never sends a
/// batch twice to a sink that already has it. The fan-out itself is not
/// retried by the export worker.
///
/// The fan-out's `ExportResult` counts a snapshot as delivered when every
/// inner sink took it. When some inner sinks lost snapshots (rejected them,
/// had them refused, or gave up retrying), the largest such loss is
/// reported as one refusal whose error, ``FanOutError``, names each of those
/// sinks and what it lost; the other sinks still have the batch. Each inner
/// sink's results stay its own: one sink's rejections never change what
/// another sink, or another attempt, counts.
///
/// Giving the sinks to the manager directly (`sinks: [a, b]`) is usually
/// better: each then gets its own queue, stats and drop accounting.
public struct FanOutSink: Sink {
    /// The inner sinks.
    package let sinks: [any Sink]
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

    public func export(_ snapshots: [MetricSnapshot], attempt: ExportAttempt) async -> ExportResult {
        let clock = self.clock
        // Each inner sink's retries are its own, from a first attempt that
        // keeps the manager's upload interval.
        let first = ExportAttempt(number: 1, previousError: nil, uploadInterval: attempt.uploadInterval)
        let failures = await withTaskGroup(of: FanOutError.Failure?.self) { group in
            for sink in sinks {
                group.addTask { await Self.export(snapshots, to: sink, first: first, clock: clock) }
            }
            var failures: [FanOutError.Failure] = []
            for await failure in group {
                if let failure { failures.append(failure) }
            }
            return failures
        }
        let lost = min(snapshots.count, failures.map(\.lost).max() ?? 0)
        guard lost > 0 else { return .delivered(snapshots.count) }
        return ExportResult(count: snapshots.count, refused: [.init(count: lost, error: FanOutError(failures: failures))])
    }

    /// Runs the shared retry loop for one inner sink; returns what it lost.
    private static func export(_ snapshots: [MetricSnapshot], to sink: any Sink, first: ExportAttempt,
                               clock: any Clock<Duration>) async -> FanOutError.Failure? {
        var lost = 0
        var errors: [any Error] = []
        let left = await ExportLoop.run(
            snapshots, to: sink, first: first, policy: sink.retryPolicy,
            now: { .zero },   // durations are the worker's concern, not the fan-out's
            sleep: { try await clock.sleep(for: $0) },
            shouldStop: { false },
            onStep: { step in
                switch step {
                case .attempted(let result, _, _):
                    lost += result.rejected.count + result.refusedCount
                    errors += result.rejected.map(\.error) + result.refused.map(\.error)
                case .retrying:
                    break
                case .gaveUp(let count, _, let error):
                    lost += count
                    errors.append(error)
                }
            })
        // Cancelled or interrupted between attempts: what is left is lost too.
        if !left.isEmpty {
            lost += left.count
            errors.append(CancellationError())
        }
        guard lost > 0 || !errors.isEmpty else { return nil }
        return .init(sink: sink.name, error: errors.first ?? ExportIncompleteError(), lost: lost)
    }
}

/// The inner sinks of a ``FanOutSink`` that lost snapshots of an export.
public struct FanOutError: Error, CustomStringConvertible {
    /// One inner sink's losses.
    public struct Failure: Sendable {
        /// The inner sink's name.
        public let sink: String
        /// The first error it met (a rejection, a refusal, or the error it gave up on).
        public let error: any Error
        /// How many snapshots of the batch it did not deliver.
        public let lost: Int

        /// The failure of the sink named `sink`, which lost `lost` snapshots.
        public init(sink: String, error: any Error, lost: Int = 0) {
            self.sink = sink
            self.error = error
            self.lost = lost
        }
    }

    /// Each failed sink's failure, in the order of the fan-out's sinks.
    public let failures: [Failure]

    public var description: String {
        "fan-out export failed for " + failures.map { "\($0.sink): \($0.error)" }.joined(separator: "; ")
    }
}
