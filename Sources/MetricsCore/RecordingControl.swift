import Foundation
import CWMLocking
import Synchronization

/// State every instrument of one manager shares: whether recording is on,
/// the rejection counters, and the eventful sinks to call per observation.
///
/// Instruments read `state` with one relaxed load per observation; it only
/// changes when the manager shuts down. Its low bits say whether recording
/// is on; one more bit says whether eventful sinks take each observation,
/// so the common case (recording, no eventful sink) is one load and one
/// comparison with zero (``isPlainRecording``).
@usableFromInline
final class RecordingControl: Sendable {
    private static let recording = 0
    private static let closed = 1
    private static let disabled = 2
    private static let phase = 3
    private static let eventful = 4

    /// The control of instruments handed out at level `.none`: inert, and
    /// they count nothing (that level promises zero work).
    static let inert = RecordingControl(disabled: true, eventSinks: [], wallClock: SystemWallClock(), registry: nil)

    @usableFromInline let state: Atomic<Int>
    let eventSinks: [any EventfulSink]
    @usableFromInline let hasEventSinks: Bool
    let wallClock: any WallClock
    /// The registry of the manager's series, for a retired series freed with
    /// observations in it (weak: the registry holds the series, which hold this).
    weak let registry: SeriesRegistry?

    private let rejectedNonFinite = Atomic<Int>(0)
    private let rejectedEmptyName = Atomic<Int>(0)
    private let rejectedNegative = Atomic<Int>(0)
    private let rejectedAfterShutdown = Atomic<Int>(0)
    /// The metrics behind this window's rejections, by reason (at most
    /// ``namedRejectionsPerReason`` each): a rejection is rare, so a lock.
    private let rejectedMetrics = Locked<[RejectionReason: [String]]>([:])
    static let namedRejectionsPerReason = 10

    init(disabled: Bool, eventSinks: [any EventfulSink], wallClock: any WallClock, registry: SeriesRegistry?) {
        self.registry = registry
        self.state = Atomic((disabled ? Self.disabled : Self.recording) | (eventSinks.isEmpty ? 0 : Self.eventful))
        self.eventSinks = eventSinks
        self.hasEventSinks = !eventSinks.isEmpty
        self.wallClock = wallClock
    }

    /// True while observations are recorded.
    @inlinable
    var isRecording: Bool { state.load(ordering: .relaxed) & 3 == 0 }   // 3: `phase`, spelled out for inlining

    /// True while observations are recorded and no eventful sink takes
    /// them: an instrument's fast path, one load.
    @inlinable
    var isPlainRecording: Bool { state.load(ordering: .relaxed) == 0 }

    /// True for the level-`.none` control.
    var isDisabled: Bool { state.load(ordering: .relaxed) & Self.phase == Self.disabled }

    /// Stops recording; later observations are counted as `.afterShutdown`.
    func close() {
        let current = state.load(ordering: .relaxed)
        guard current & Self.phase == Self.recording else { return }
        _ = state.compareExchange(
            expected: current, desired: current | Self.closed, ordering: .sequentiallyConsistent)
    }

    /// Counts `count` observations that were not recorded, unless this is
    /// the inert control, whose observations are dropped by design.
    /// `metric` names the metric, when known, for
    /// ``MetricsEvent/observationsRejectedFor(metric:reason:)``.
    func reject(_ reason: RejectionReason, count: Int = 1, metric: String? = nil) {
        let current = state.load(ordering: .relaxed) & Self.phase
        if current == Self.disabled { return }
        if let metric, current == Self.recording { name(metric, rejectedFor: reason) }
        // Anything refused after shutdown is counted as such, whatever else is wrong with it.
        let effective = current == Self.closed ? .afterShutdown : reason
        switch effective {
        case .nonFiniteValue: rejectedNonFinite.wrappingAdd(count, ordering: .relaxed)
        case .emptyName: rejectedEmptyName.wrappingAdd(count, ordering: .relaxed)
        case .negativeIncrement: rejectedNegative.wrappingAdd(count, ordering: .relaxed)
        case .afterShutdown: rejectedAfterShutdown.wrappingAdd(count, ordering: .relaxed)
        }
    }

    private func name(_ metric: String, rejectedFor reason: RejectionReason) {
        rejectedMetrics.withLock { names in
            let known = names[reason] ?? []
            if known.count < Self.namedRejectionsPerReason, !known.contains(metric) { names[reason, default: []].append(metric) }
        }
    }

    /// The metrics named in rejections since the last call, by reason, and
    /// forgets them.
    func takeRejectedMetrics() -> [RejectionReason: [String]] {
        rejectedMetrics.withLock { names in
            defer { names.removeAll() }
            return names
        }
    }

    /// Cumulative rejections by reason (reasons never seen are absent).
    func rejections() -> [RejectionReason: Int] {
        var result: [RejectionReason: Int] = [:]
        for reason in RejectionReason.allCases {
            let value: Int
            switch reason {
            case .nonFiniteValue: value = rejectedNonFinite.load(ordering: .relaxed)
            case .emptyName: value = rejectedEmptyName.load(ordering: .relaxed)
            case .negativeIncrement: value = rejectedNegative.load(ordering: .relaxed)
            case .afterShutdown: value = rejectedAfterShutdown.load(ordering: .relaxed)
            }
            if value > 0 { result[reason] = value }
        }
        return result
    }

    /// Hands one observation to every eventful sink.
    func dispatch(_ descriptor: SeriesDescriptor, value: Double) {
        let event = MetricEvent(
            name: descriptor.name, value: value,
            timestamp: wallClock.now(), dimensions: descriptor.dimensions)
        for sink in eventSinks { sink.record(event) }
    }
}
