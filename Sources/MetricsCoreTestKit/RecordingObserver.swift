import CWMLocking
import MetricsCore

/// An observer that keeps every event, for tests that check what a
/// manager reported.
///
/// ```swift
/// let observer = RecordingObserver()
/// let manager = MetricsManager(level: .detailed, sink: sink, configuration: .init(observer: observer))
/// // ...
/// #expect(observer.dropped[.queueFull] == nil)
/// ```
public final class RecordingObserver: MetricsObserver {
    private let events = Locked<[MetricsEvent]>([])

    /// An observer with nothing recorded yet.
    public init() {}

    /// Keeps `event`.
    public func observe(_ event: MetricsEvent) {
        events.withLock { $0.append(event) }
    }

    /// Every event, in order.
    public var all: [MetricsEvent] { events.withLock { $0 } }

    /// Total dropped per reason, over every sink.
    public var dropped: [DropReason: Int] {
        var result: [DropReason: Int] = [:]
        for case .sink(_, .batchDropped(let count, let reason)) in all { result[reason, default: 0] += count }
        return result
    }

    /// Total in flight at the shutdown deadline (outcome unknown), over every sink.
    public var outcomeUnknown: Int {
        var total = 0
        for case .sink(_, .outcomeUnknown(let count)) in all { total += count }
        return total
    }

    /// Total exported, over every sink.
    public var exported: Int {
        var total = 0
        for case .sink(_, .exported(let count, _)) in all { total += count }
        return total
    }

    /// Observations the manager rejected, per reason.
    public var rejected: [RejectionReason: Int] {
        var result: [RejectionReason: Int] = [:]
        for case .observationsRejected(let count, let reason) in all { result[reason, default: 0] += count }
        return result
    }

    /// The metrics named in rejections, per reason, in the order first seen.
    public var rejectedMetrics: [RejectionReason: [String]] {
        var result: [RejectionReason: [String]] = [:]
        for case .observationsRejectedFor(let metric, let reason) in all where !(result[reason] ?? []).contains(metric) {
            result[reason, default: []].append(metric)
        }
        return result
    }

    /// The errors of every `exportFailed` event, in order, over every sink.
    public var exportFailures: [any Error] {
        all.compactMap { event in
            if case .sink(_, .exportFailed(let error)) = event { return error }
            return nil
        }
    }

    /// The errors of every `datumRejected` event, in order, over every sink.
    public var datumRejections: [any Error] {
        all.compactMap { event in
            if case .sink(_, .datumRejected(_, let error)) = event { return error }
            return nil
        }
    }

    /// Every `datumRejected` event's metric with its error, in order, over
    /// every sink.
    public var rejectedDatums: [(metric: String, error: any Error)] {
        all.compactMap { event in
            if case .sink(_, .datumRejected(let metric, let error)) = event { return (metric, error) }
            return nil
        }
    }

    /// The number of retries, over every sink.
    public var retries: Int {
        var total = 0
        for case .sink(_, .retried) in all { total += 1 }
        return total
    }
}
