import Foundation
import CWMLocking
import MetricsCore
import Testing

/// Everything at once, for a fixed time: writer threads on handles held and
/// made anew, `put`, gauges and histograms, on series that fold (a small
/// guard) and expire (after 1 window); the periodic tick, `flush()` and
/// `flush(within:)`; a sink that delivers, fails, refuses, delivers in part
/// and stalls at random; and `shutdown()` at a random moment while writers
/// are still recording. At the end every observation is accounted for:
/// delivered, dropped and counted by the sink's worker, or rejected after
/// shutdown.
///
/// It runs `METRICS_CHAOS_SECONDS` (default 2; `scripts/test.sh chaos` runs
/// 30, and 10 under ThreadSanitizer in the `tsan` step).
@Suite("Chaos", .timeLimit(.minutes(3)))
struct ChaosTests {
    static var seconds: Double {
        ProcessInfo.processInfo.environment["METRICS_CHAOS_SECONDS"].flatMap(Double.init) ?? 2
    }

    @Test("recorded = delivered + counted as dropped + rejected after shutdown, exactly; memory comes back")
    func everythingAtOnce() async throws {
        let seed = UInt64.random(in: 1...UInt64.max)
        // Batches exported at once: 1 to 4, from the seed.
        let concurrency = Int(seed % 4) + 1
        print("chaos: \(Self.seconds) s, seed \(seed), \(concurrency) export(s) at once")
        let residentBefore = residentBytes()
        let sink = ChaosSink(seed: seed, maxConcurrentExports: concurrency)
        let configuration = MetricsManager.Configuration(
            batching: BatchingConfig(maxBatchSize: 50), seriesExpiry: 1,
            cardinalityLimits: CardinalityLimits(perMetric: 4, total: 64))
        let manager = MetricsManager(level: .detailed, sink: sink, uploadInterval: .milliseconds(50),
                                     shutdownTimeout: .seconds(60), configuration: configuration)
        try await manager.start()

        let total = Self.seconds
        let clock = ContinuousClock()
        let started = clock.now
        // The early writers stop before shutdown: their names must add up exactly.
        let earlyEnd = started + .milliseconds(Int64(total * 1000 * Double.random(in: 0.4...0.6)))
        let shutdownAt = earlyEnd + .milliseconds(Int64(total * 1000 * Double.random(in: 0.05...0.3)))
        let end = started + .milliseconds(Int64(total * 1000))

        let early = (0..<2).map { Writer(manager: manager, group: "early", seed: seed &+ UInt64($0), until: earlyEnd) }
        let late = (0..<2).map { Writer(manager: manager, group: "late", seed: seed &+ 10 &+ UInt64($0), until: end) }
        for writer in early + late { writer.start() }

        let flusher = Task {
            var random = SplitMix(seed: seed &+ 100)
            while clock.now < shutdownAt {
                if random.next() % 2 == 0 {
                    _ = try? await manager.flush()
                } else {
                    _ = try? await manager.flush(within: .milliseconds(30))
                }
                try? await Task.sleep(for: .milliseconds(Int64(random.next() % 40)))
            }
        }
        try await clock.sleep(until: earlyEnd)
        for writer in early { #expect(writer.join(seconds: 30), "an early writer did not finish") }
        try await clock.sleep(until: shutdownAt)
        await flusher.value
        try await manager.shutdown()
        try await clock.sleep(until: end)
        for writer in late { #expect(writer.join(seconds: 30), "a late writer did not finish") }

        let stats = manager.stats()
        let worker = try #require(stats[sink: sink.name])
        let tally = sink.tally.withLock { $0 }
        var attempted: [String: Int] = [:]
        for writer in early + late { attempted.merge(writer.attempted.withLock { $0 }) { $0 + $1 } }

        // Every snapshot the worker was handed is settled, and as the sink says.
        #expect(worker.queued == 0 && worker.inFlight == 0 && worker.unknownOutcome == 0)
        #expect(worker.exported == tally.deliveredSnapshots)
        #expect(worker.dropped[.retriesExhausted, default: 0] + worker.dropped[.nonRetryableError, default: 0]
                == tally.droppedSnapshots)
        #expect(Set(worker.dropped.keys).isSubset(of: [.retriesExhausted, .nonRetryableError]),
                "no drop for another reason: \(worker.dropped)")

        // Per metric name written only before shutdown: exact, counts and sums.
        for (name, count) in attempted where name.hasPrefix("early") {
            let delivered = tally.delivered[name] ?? .zero
            let dropped = tally.dropped[name] ?? .zero
            #expect(delivered.count + dropped.count == count, "\(name): \(count) recorded, \(delivered) delivered, \(dropped) dropped")
            #expect(delivered.sum + dropped.sum == Double(count), "\(name) sums")
        }
        // Over everything, the writes racing shutdown included.
        let recorded = attempted.values.reduce(0, +)
        let delivered = tally.delivered.values.reduce(0) { $0 + $1.count }
        let dropped = tally.dropped.values.reduce(0) { $0 + $1.count }
        let rejected = stats.rejected[.afterShutdown, default: 0]
        print("chaos: recorded \(recorded), delivered \(delivered) in \(tally.deliveredSnapshots) snapshots, dropped \(dropped) in \(tally.droppedSnapshots), rejected after shutdown \(rejected); \(stats.foldedSeries) folds, \(stats.expiredSeries) expired")
        #expect(delivered + dropped + rejected == recorded,
                "recorded \(recorded), delivered \(delivered), dropped \(dropped), rejected after shutdown \(rejected)")
        #expect(stats.rejected.keys.allSatisfy { $0 == .afterShutdown })
        #expect(stats.foldedSeries > 0, "the guard folded series")
        #expect(stats.expiredSeries > 0, "series expired")
        #expect(tally.droppedSnapshots > 0 && tally.deliveredSnapshots > 0)

        let grown = residentBytes() - residentBefore
        #expect(grown < 256 << 20, "resident memory grew by \(grown >> 20) MiB")
    }
}

/// A generator with a seed, so that a failing run's sink can be replayed.
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

struct TransientFailure: Error {}
struct PermanentFailure: Error {}

/// Delivers, fails (retryably), refuses, delivers in part or stalls, at
/// random; keeps, per metric name, what it delivered and what it knows is
/// dropped (refused, or failed on the last attempt the policy allows).
final class ChaosSink: Sink {
    struct Amount: Sendable, Equatable, CustomStringConvertible {
        static let zero = Amount()
        var count = 0
        var sum = 0.0
        var description: String { "\(count) (sum \(sum))" }
    }

    struct Tally: Sendable {
        var delivered: [String: Amount] = [:]
        var dropped: [String: Amount] = [:]
        var deliveredSnapshots = 0
        var droppedSnapshots = 0
    }

    static let attempts = 3
    let name = "chaos"
    let tally = Locked(Tally())
    /// The generator, and how many exports it has rolled for.
    private let random: Locked<(generator: SplitMix, calls: Int)>

    let maxConcurrentExports: Int

    init(seed: UInt64, maxConcurrentExports: Int = 1) {
        random = Locked((SplitMix(seed: seed), 0))
        self.maxConcurrentExports = maxConcurrentExports
    }

    var retryPolicy: any ExportRetryPolicy {
        ExponentialBackoffRetryPolicy(maxAttempts: Self.attempts, baseDelay: .milliseconds(1), maxDelay: .milliseconds(20),
                                      isRetryable: { $0 is TransientFailure })
    }

    func export(_ snapshots: [MetricSnapshot], attempt: ExportAttempt) async -> ExportResult {
        let (roll, detail) = random.withLock { state -> (UInt64, UInt64) in
            state.calls += 1
            let roll = state.generator.next() % 100
            // The second export is refused whatever the roll, so that a short
            // run on a loaded machine (few exports) still drops something.
            return (state.calls == 2 ? 65 : roll, state.generator.next())
        }
        let last = attempt.number >= Self.attempts
        switch roll {
        case 0..<50:
            keep(snapshots, delivered: true)
            return .delivered(snapshots.count)
        case 50..<65:  // throttled or a 5xx: retried
            if last { keep(snapshots, delivered: false) }
            return .failed(snapshots, error: TransientFailure())
        case 65..<72:  // refused for good
            keep(snapshots, delivered: false)
            return ExportResult(count: snapshots.count, refused: [.init(count: snapshots.count, error: PermanentFailure())])
        case 72..<88:  // some delivered, the rest retried
            let split = Int(detail % UInt64(snapshots.count + 1))
            keep(Array(snapshots[..<split]), delivered: true)
            if last { keep(Array(snapshots[split...]), delivered: false) }
            var result = ExportResult(for: snapshots)
            result.retry(Array(snapshots[split...]), because: TransientFailure())
            return result
        default:  // stalls, then delivers
            try? await Task.sleep(for: .milliseconds(Int64(10 + detail % 120)))
            keep(snapshots, delivered: true)
            return .delivered(snapshots.count)
        }
    }

    private func keep(_ snapshots: [MetricSnapshot], delivered: Bool) {
        tally.withLock { tally in
            for snapshot in snapshots {
                if delivered {
                    tally.delivered[snapshot.name, default: .zero].count += snapshot.count
                    tally.delivered[snapshot.name, default: .zero].sum += snapshot.sum
                } else {
                    tally.dropped[snapshot.name, default: .zero].count += snapshot.count
                    tally.dropped[snapshot.name, default: .zero].sum += snapshot.sum
                }
            }
            if delivered { tally.deliveredSnapshots += snapshots.count } else { tally.droppedSnapshots += snapshots.count }
        }
    }
}

/// A thread that records observations of value 1 until a deadline, in
/// every way a program can, and counts them per metric name.
final class Writer: Sendable {
    private let manager: MetricsManager
    private let group: String
    private let seed: UInt64
    private let until: ContinuousClock.Instant
    private let done = DispatchSemaphore(value: 0)
    /// Observations per metric name, once finished.
    let attempted = Locked<[String: Int]>([:])

    init(manager: MetricsManager, group: String, seed: UInt64, until: ContinuousClock.Instant) {
        self.manager = manager
        self.group = group
        self.seed = seed
        self.until = until
    }

    func start() {
        let done = self.done
        Thread.detachNewThread { [self] in
            run()
            done.signal()
        }
    }

    /// Waits for the thread; false if it did not finish in time.
    func join(seconds: Double) -> Bool {
        done.wait(timeout: .now() + seconds) == .success
    }

    private func run() {
        var random = SplitMix(seed: seed)
        let held = manager.counter("\(group)-held")
        var heldByKey = manager.counter("\(group)-counter", dimensions: [("k", "0")])
        var counts: [String: Int] = [:]
        let clock = ContinuousClock()
        var operations = 0
        while true {
            operations += 1
            if operations % 64 == 0, clock.now >= until { break }
            let key = "\(random.next() % 8)"
            switch random.next() % 7 {
            case 0:
                held.increment()
                counts["\(group)-held", default: 0] += 1
            case 1:
                manager.counter("\(group)-counter", dimensions: [("k", key)]).increment()
                counts["\(group)-counter", default: 0] += 1
            case 2:
                if random.next() % 16 == 0 { heldByKey = manager.counter("\(group)-counter", dimensions: [("k", key)]) }
                heldByKey.increment()
                counts["\(group)-counter", default: 0] += 1
            case 3:
                manager.histogram("\(group)-histogram", dimensions: [("k", key)]).record(1)
                counts["\(group)-histogram", default: 0] += 1
            case 4:
                manager.gauge("\(group)-gauge", dimensions: [("k", key)], statistics: true).set(1)
                counts["\(group)-gauge", default: 0] += 1
            case 5:
                manager.put("\(group)-put", 1, stream: "s\(key)")
                counts["\(group)-put", default: 0] += 1
            default:
                // A fresh series of its own name now and then: new names, expiry, salvage.
                manager.counter("\(group)-fresh", dimensions: [("n", "\(random.next() % 1000)")]).increment()
                counts["\(group)-fresh", default: 0] += 1
            }
        }
        attempted.withLock { $0 = counts }
    }
}

/// The process's resident set, from /proc/self/statm (0 where there is none).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
