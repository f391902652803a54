import CWMHTTPTestSupport
import CWMLocking
import Foundation
import MetricsCore
import MetricsCoreTestKit
import Sinks
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `put`'s per-thread cache: whatever it remembers, every observation lands
/// in the series the registry would have chosen, exactly once.
@Suite("put's per-thread cache", .timeLimit(.minutes(3)))
struct PutCacheTests {
    private func manager(_ memory: InMemorySink, clock: ManualClock, expiry: Int? = nil) -> MetricsManager {
        MetricsManager(level: .detailed, sink: memory, uploadInterval: .seconds(60),
                       configuration: .init(clock: clock, wallClock: clock.wallClock, seriesExpiry: expiry))
    }

    @Test("identities interleaved, more than its eight entries, and strings built anew each call are all counted")
    func interleaved() async throws {
        let memory = InMemorySink()
        let manager = manager(memory, clock: ManualClock())
        try await manager.start()
        // The same String values every round (the cache's hits), and copies
        // built for every call (its misses): the same 20 series either way.
        let streams = (0..<20).map { "stream-number-\($0)" }
        try await onOwnThread {
            for round in 0..<500 {
                for (index, stream) in streams.enumerated() {
                    manager.put("Put", Double(index), stream: stream, shardId: "shardId-000000000001")
                    if round % 10 == 0 {
                        manager.put("Put", Double(index), stream: "stream-number-\(index)", shardId: "shardId-000000000001")
                    }
                }
            }
        }
        try await manager.flush()
        let snapshots = memory.snapshots(named: "Put")
        #expect(snapshots.count == 20)
        for snapshot in snapshots {
            let index = try #require(Int(snapshot.dimensions[0].1.dropFirst("stream-number-".count)))
            #expect(snapshot.count == 550)
            #expect(snapshot.sum == Double(550 * index))
        }
        try await manager.shutdown()
    }

    @Test("four threads putting at once, each through its own cache: every observation counted once")
    func concurrentThreads() async throws {
        let memory = InMemorySink()
        let manager = manager(memory, clock: ManualClock())
        try await manager.start()
        let streams = ["s0", "s1"]
        // Two threads per series; every thread's first put installs its cache.
        let threads = WriterThreads(count: 4) { thread, _ in
            let stream = streams[thread % 2]
            for _ in 0..<20_000 { manager.put("Put", 1, stream: stream) }
            return 20_000
        }
        let made = await threads.stop()
        #expect(made.reduce(0, +) == 80_000)
        try await manager.flush()
        let counts = Dictionary(uniqueKeysWithValues: memory.snapshots(named: "Put").map { ($0.dimensions[0].1, $0.count) })
        #expect(counts == ["s0": 40_000, "s1": 40_000])
        try await manager.shutdown()
    }

    @Test("two managers on one thread, the same strings: each counts its own")
    func twoManagers() async throws {
        let first = InMemorySink(), second = InMemorySink()
        let one = manager(first, clock: ManualClock()), two = manager(second, clock: ManualClock())
        try await one.start()
        try await two.start()
        try await onOwnThread {
            for _ in 0..<1_000 {
                one.put("Put", 1, stream: "s1")
                two.put("Put", 2, stream: "s1")
            }
        }
        try await one.flush()
        try await two.flush()
        #expect(first.snapshots(named: "Put").map(\.sum) == [1_000])
        #expect(second.snapshots(named: "Put").map(\.sum) == [2_000])
        try await one.shutdown()
        try await two.shutdown()
    }

    @Test("a series the registry retired is left to the registry: one thread's cache never splits an identity in two")
    func retiredSeries() async throws {
        let clock = ManualClock()
        let memory = InMemorySink()
        let manager = manager(memory, clock: clock, expiry: 1)
        try await manager.start()
        let cached = PersistentThread()
        // Thread A finds the series and remembers it.
        await cached.run { manager.put("Put", 1, stream: "s1"); manager.put("Put", 1, stream: "s1") }
        try await manager.flush()                       // observed
        try await manager.flush()                       // idle: retired
        #expect(manager.stats().expiredSeries == 1)
        // Another thread puts the identity again: the registry makes a new series.
        try await onOwnThread { manager.put("Put", 1, stream: "s1") }
        // Thread A's cache still holds the retired one; its put must reach the new one.
        await cached.run { manager.put("Put", 1, stream: "s1") }
        memory.reset()
        try await manager.flush()
        let snapshots = memory.snapshots(named: "Put")
        #expect(snapshots.count == 1, "one series for one identity: \(snapshots)")
        #expect(snapshots.first?.count == 2)
        cached.stop()
        try await manager.shutdown()
    }

    #if canImport(Glibc)
    @Test("a thread's exit releases its cache and the series it held")
    func threadExitReleases() async throws {
        final class Watch: @unchecked Sendable { weak var series: Histogram? }
        let watch = Watch()
        var manager: MetricsManager? = MetricsManager(level: .detailed, sink: NullSink(),
                                                      configuration: .init(seriesExpiry: nil))
        try await manager?.start()
        let box = Unmanaged.passRetained(manager!).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            let manager = Unmanaged<MetricsManager>.fromOpaque(raw!).takeRetainedValue()
            manager.put("Put", 1, stream: "s1")
            manager.put("Put", 1, stream: "s1")          // found, and remembered by this thread's cache
            return nil
        }, box)
        try #require(created == 0)
        pthread_join(thread, nil)                        // the thread has exited: its cache is gone
        watch.series = manager?.histogram("Put", dimensions: [("stream", "s1")], distribution: false)
        #expect(watch.series != nil)
        try await manager?.shutdown()
        manager = nil
        #expect(watch.series == nil, "nothing but the manager held the series once the thread exited")
    }
    #endif
}

/// One thread that runs what it is given, in order, for as long as the test
/// needs it (a task may hop threads between awaits; this one does not).
private final class PersistentThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopped = false

    init() {
        let thread = Thread { [self] in
            while true {
                condition.lock()
                while jobs.isEmpty && !stopped { condition.wait() }
                if jobs.isEmpty { condition.unlock(); return }
                let job = jobs.removeFirst()
                condition.unlock()
                job()
            }
        }
        thread.start()
    }

    /// Runs `body` on the thread and returns when it has.
    func run(_ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            jobs.append { body(); continuation.resume() }
            condition.signal()
            condition.unlock()
        }
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }
}
