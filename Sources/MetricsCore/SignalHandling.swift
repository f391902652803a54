import Dispatch
import Foundation

/// Graceful shutdown on SIGTERM and SIGINT, for executables.
///
/// ```swift
/// let manager = MetricsManager(level: .detailed, sink: sink)
/// try await manager.start()
/// let signal = await SignalHandling.shutdownOnSignal(manager)   // waits for SIGTERM or SIGINT
/// print("received signal \(signal), metrics flushed")
/// ```
///
/// The signals' default action (terminating the process) is replaced by
/// delivery through a dispatch source, so the program can export what it
/// holds before it exits. Containers, `tini -g` and `dumb-init` send SIGTERM;
/// a terminal sends SIGINT.
public enum SignalHandling {
    /// The signals received among `signals`, as a stream. While the stream
    /// is alive the signals do not terminate the process; when it ends their
    /// default action is restored.
    ///
    /// Returns once the handlers are in place: a signal sent after this
    /// call is delivered to the stream. (Dispatch registers signal sources
    /// asynchronously, and until then a signal would be ignored.)
    public static func signals(_ signals: [Int32] = [SIGTERM, SIGINT]) async -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let queue = DispatchQueue(label: "metrics.signals")
        let registered = DispatchGroup()
        let sources = signals.map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            registered.enter()
            source.setRegistrationHandler { registered.leave() }
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            registered.notify(queue: queue) { done.resume() }
        }
        let handles = SignalSources(sources: sources, numbers: signals)
        continuation.onTermination = { _ in handles.cancel() }
        return stream
    }

    /// Waits for the first of `signals`, then shuts `manager` down
    /// gracefully (final window, drain within its shutdown timeout) and
    /// returns the signal. Returns `nil` if the calling task is cancelled first.
    @discardableResult
    public static func shutdownOnSignal(_ manager: MetricsManager, signals: [Int32] = [SIGTERM, SIGINT]) async -> Int32? {
        await shutdown(manager, onFirstOf: await self.signals(signals))
    }

    /// As ``shutdownOnSignal(_:signals:)``, with a stream made beforehand
    /// by ``signals(_:)`` (so the handlers are in place before anything
    /// else happens, say before a child process that may signal us starts).
    @discardableResult
    public static func shutdown(_ manager: MetricsManager, onFirstOf signals: AsyncStream<Int32>) async -> Int32? {
        var received: Int32?
        for await number in signals {
            received = number
            break
        }
        guard let received else { return nil }
        _ = try? await manager.shutdown()
        return received
    }
}

/// Keeps a stream's dispatch sources alive; cancels them and restores the
/// signals' default action once.
private final class SignalSources: @unchecked Sendable {
    // @unchecked: set once in init, then only read; cancel is idempotent.
    private let sources: [DispatchSourceSignal]
    private let numbers: [Int32]

    init(sources: [DispatchSourceSignal], numbers: [Int32]) {
        self.sources = sources
        self.numbers = numbers
    }

    func cancel() {
        for source in sources { source.cancel() }
        for number in numbers { signal(number, SIG_DFL) }
    }
}
