import Foundation
import CWMLocking

/// Fans a manager's events out to the user's observer, to every `events()`
/// stream, and, when no observer was given, to standard error (rate-limited).
final class EventHub: Sendable {
    private let observer: (any MetricsObserver)?
    private let logger: StandardErrorLogger?
    private let streams = Locked<(next: Int, continuations: [Int: AsyncStream<MetricsEvent>.Continuation])>((0, [:]))

    init(observer: (any MetricsObserver)?, wallClock: any WallClock) {
        self.observer = observer
        self.logger = observer == nil ? StandardErrorLogger(wallClock: wallClock) : nil
    }

    func emit(_ event: MetricsEvent) {
        observer?.observe(event)
        logger?.log(event)
        let continuations = streams.withLock { Array($0.continuations.values) }
        for continuation in continuations { continuation.yield(event) }
    }

    func makeStream(bufferSize: Int) -> AsyncStream<MetricsEvent> {
        let (stream, continuation) = AsyncStream<MetricsEvent>.makeStream(bufferingPolicy: .bufferingNewest(bufferSize))
        let id = streams.withLock { state -> Int in
            state.next += 1
            state.continuations[state.next] = continuation
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.streams.withLock { $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    func finishStreams() {
        let continuations = streams.withLock { state -> [AsyncStream<MetricsEvent>.Continuation] in
            defer { state.continuations.removeAll() }
            return Array(state.continuations.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}

/// Writes drops, failures and rejections to standard error, at most one
/// line per kind of problem every `interval`, with a count of what it held back.
final class StandardErrorLogger: Sendable {
    private let interval: TimeInterval
    private let wallClock: any WallClock
    private let last = Locked<[String: (at: Date, suppressed: Int)]>([:])

    init(wallClock: any WallClock, interval: TimeInterval = 10) {
        self.wallClock = wallClock
        self.interval = interval
    }

    func log(_ event: MetricsEvent) {
        guard let (key, message) = Self.line(for: event) else { return }
        let now = wallClock.now()
        let suppressed: Int? = last.withLock { last in
            if let previous = last[key], now.timeIntervalSince(previous.at) < interval {
                last[key] = (previous.at, previous.suppressed + 1)
                return nil
            }
            let suppressed = last[key]?.suppressed ?? 0
            last[key] = (now, 0)
            return suppressed
        }
        guard let suppressed else { return }
        let suffix = suppressed > 0 ? " (\(suppressed) similar message(s) suppressed)" : ""
        StandardError.write("metrics: \(message)\(suffix)\n")
    }

    private static func line(for event: MetricsEvent) -> (String, String)? {
        switch event {
        case .sink(let sink, .batchDropped(let count, let reason)):
            return ("\(sink).dropped.\(reason)", "sink \(sink) dropped \(count) snapshot(s): \(reason)")
        case .sink(let sink, .outcomeUnknown(let count)):
            return ("\(sink).unknown", "sink \(sink) abandoned \(count) snapshot(s) in flight at the shutdown deadline: the backend may have them")
        case .sink(let sink, .exportFailed(let error)):
            return ("\(sink).failed", "sink \(sink) export failed: \(error)")
        case .sink(let sink, .datumRejected(let metric, let error)):
            return ("\(sink).rejected", "sink \(sink) rejected a datum of \(metric): \(error)")
        case .observationsRejected(let count, let reason):
            return ("rejected.\(reason)", "\(count) observation(s) rejected: \(reason)")
        case .observationsRejectedFor(let metric, let reason):
            return ("rejected.\(reason).\(metric)", "observations of \(metric) rejected: \(reason)")
        case .seriesFolded(let metric, let count):
            return ("folded.\(metric)", "metric \(metric) is at its cardinality limit: \(count) new series folded into its overflow series")
        case .sink(_, .exported), .sink(_, .retried), .seriesExpired:
            return nil
        }
    }
}
