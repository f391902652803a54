import MetricsCore
import CWMLocking

/// Keeps every exported batch in memory, in call order: the sink for tests
/// of code that records metrics, and for programs that publish metrics some
/// other way.
///
/// ```swift
/// let memory = InMemorySink()
/// let manager = MetricsManager(level: .detailed, sink: memory)
/// ...
/// try await manager.flush()
/// #expect(memory.snapshots(named: "Requests").map(\.count) == [3])
/// ```
///
/// Waiting for exports never sleeps: ``waitForSnapshots(count:)`` resumes
/// as soon as enough snapshots have arrived.
public final class InMemorySink: Sink {
    private struct State {
        var exports: [[MetricSnapshot]] = []
        var snapshotCount = 0
        var waiters: [(id: Int, count: Int, continuation: CheckedContinuation<[MetricSnapshot], Never>)] = []
        var nextWaiter = 0
    }

    private let state = Locked(State())
    public let name: String

    /// - parameter name: the sink's name in events and stats (default `"memory"`).
    public init(name: String = "memory") {
        self.name = name
    }

    public func export(_ snapshots: [MetricSnapshot]) async throws {
        let ready = state.withLock { state -> [(CheckedContinuation<[MetricSnapshot], Never>, [MetricSnapshot])] in
            state.exports.append(snapshots)
            state.snapshotCount += snapshots.count
            let total = state.snapshotCount
            let due = state.waiters.filter { $0.count <= total }
            guard !due.isEmpty else { return [] }
            state.waiters.removeAll { $0.count <= total }
            let all = state.exports.flatMap { $0 }
            return due.map { ($0.continuation, all) }
        }
        for (continuation, all) in ready { continuation.resume(returning: all) }
    }

    /// Every batch `export` was called with, in call order.
    public var exports: [[MetricSnapshot]] { state.withLock { $0.exports } }

    /// Every snapshot of every batch, in order.
    public var allSnapshots: [MetricSnapshot] { state.withLock { $0.exports.flatMap { $0 } } }

    /// The snapshots of metric `name`, in order.
    public func snapshots(named name: String) -> [MetricSnapshot] {
        allSnapshots.filter { $0.name == name }
    }

    /// Forgets everything exported so far.
    public func reset() {
        state.withLock { state in
            state.exports.removeAll()
            state.snapshotCount = 0
        }
    }

    /// Waits until at least `count` snapshots have been exported in total,
    /// then returns all of them. If the waiting task is cancelled, returns
    /// what has arrived so far (fewer than `count`).
    public func waitForSnapshots(count: Int) async -> [MetricSnapshot] {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let all = state.withLock { state -> [MetricSnapshot]? in
                    if state.snapshotCount >= count || Task.isCancelled { return state.exports.flatMap { $0 } }
                    state.waiters.append((id, count, continuation))
                    return nil
                }
                if let all { continuation.resume(returning: all) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> (CheckedContinuation<[MetricSnapshot], Never>, [MetricSnapshot])? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                let waiter = state.waiters.remove(at: index)
                return (waiter.continuation, state.exports.flatMap { $0 })
            }
            if let (continuation, all) = waiter { continuation.resume(returning: all) }
        }
    }
}
