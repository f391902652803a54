/// Exports the manager's own health as ordinary metrics, so that drops and
/// retries show up on the same dashboards as everything else.
///
/// ```swift
/// let manager = MetricsManager(level: .detailed, sinks: [sink],
///                              configuration: .init(selfMetrics: SelfMetricsConfig(prefix: "Metrics.")))
/// ```
///
/// Series (each with a `sink` dimension, drops also with `reason`):
/// `<prefix>SnapshotsExported`, `<prefix>SnapshotsDropped`, `<prefix>ExportRetries`,
/// `<prefix>ExportFailures`, `<prefix>SnapshotsOutcomeUnknown` (in flight at
/// the shutdown deadline) (counters), `<prefix>QueueLength` (gauge, at
/// every tick), `<prefix>ExportLatency` (histogram, milliseconds), and
/// `<prefix>ObservationsRejected` (counter, `reason` dimension). They bypass
/// the `.summary` level's dimension filter.
public struct SelfMetricsConfig: Sendable, Equatable {
    /// Prefix of every self-metric name.
    public var prefix: String

    /// - parameter prefix: prefix of every self-metric name (default `"MetricsSDK."`).
    public init(prefix: String = "MetricsSDK.") {
        self.prefix = prefix
    }
}

/// Records self-metrics into the manager's registry.
struct SelfMetrics: Sendable {
    let config: SelfMetricsConfig
    let registry: SeriesRegistry
    let control: RecordingControl

    private func counter(_ name: String, _ dimensions: [(String, String)]) -> Counter? {
        let full = config.prefix + name
        return registry.series(name: full, kind: .counter, dimensions: dimensions, as: Counter.self) {
            Counter(descriptor: SeriesDescriptor(name: $0, kind: .counter, unit: .count, dimensions: $1, hash: $2), control: control)
        }
    }

    func record(_ event: SinkEvent, sink: String) {
        // Shutting down: the final window is already cut; recording now
        // would only count as a rejection.
        guard control.isRecording else { return }
        let dimensions = [("sink", sink)]
        switch event {
        case .exported(let count, let duration):
            counter("SnapshotsExported", dimensions)?.increment(by: count)
            let name = config.prefix + "ExportLatency"
            registry.series(name: name, kind: .histogram, dimensions: dimensions, as: Histogram.self) {
                Histogram(descriptor: SeriesDescriptor(name: $0, kind: .histogram, unit: .milliseconds, dimensions: $1, hash: $2),
                          control: control, distribution: true)
            }?.record(duration)
        case .retried:
            counter("ExportRetries", dimensions)?.increment()
        case .batchDropped(let count, let reason):
            counter("SnapshotsDropped", dimensions + [("reason", reason.rawValue)])?.increment(by: count)
        case .outcomeUnknown(let count):
            counter("SnapshotsOutcomeUnknown", dimensions)?.increment(by: count)
        case .exportFailed:
            counter("ExportFailures", dimensions)?.increment()
        case .datumRejected:
            break  // counted by the batchDropped(.invalidDatum) that follows
        }
    }

    func recordRejections(_ count: Int, reason: RejectionReason) {
        guard control.isRecording else { return }
        counter("ObservationsRejected", [("reason", reason.rawValue)])?.increment(by: count)
    }

    func recordQueues(_ workers: [ExportWorker]) {
        guard control.isRecording else { return }
        for worker in workers {
            let name = config.prefix + "QueueLength"
            registry.series(name: name, kind: .gauge, dimensions: [("sink", worker.name)], as: Gauge.self) {
                Gauge(descriptor: SeriesDescriptor(name: $0, kind: .gauge, unit: .count, dimensions: $1, hash: $2), control: control)
            }?.set(worker.stats().queued)
        }
    }
}
