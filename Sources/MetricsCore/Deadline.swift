import CWMLocking

/// Runs `operation` in its own task and returns its result, or `nil` if the
/// deadline (an offset of `time`) comes first. On the deadline the task is
/// cancelled and left to finish on its own: a sink stuck in a call that
/// ignores cancellation cannot hold the caller past the deadline.
func withDeadline<T: Sendable>(
    _ deadline: Duration,
    time: TimeSource,
    _ operation: @escaping @Sendable () async -> T
) async -> T? {
    let outcome = OneShot<T?>()
    let work = Task {
        let value = await operation()
        outcome.resolve(value)
    }
    let timer = Task {
        do { try await time.sleepUntil(deadline) } catch { return }
        outcome.resolve(nil)
    }
    let value = await outcome.value()
    timer.cancel()
    if value == nil { work.cancel() }
    return value
}

/// A value set once and awaited by one task.
final class OneShot<T: Sendable>: Sendable {
    private let state = Locked<(value: T?, resolved: Bool, waiter: CheckedContinuation<T, Never>?)>((nil, false, nil))

    func resolve(_ value: T) {
        let waiter = state.withLock { state -> CheckedContinuation<T, Never>? in
            guard !state.resolved else { return nil }
            state.resolved = true
            state.value = value
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: value)
    }

    func value() async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let ready = state.withLock { state -> T? in
                if state.resolved { return state.value }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
