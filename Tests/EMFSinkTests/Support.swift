import AWSCore
import EMFSink
import Foundation
import CWMHTTPTestSupport
import CWMLocking
import MetricsCore

let windowEnd = Date(timeIntervalSince1970: 1_795_437_300)

func snapshot(_ name: String, kind: MetricSnapshot.Kind = .counter, unit: MetricUnit = .count,
              dimensions: [(String, String)] = [], count: Int = 3, sum: Double = 3, min: Double = 1, max: Double = 1,
              distribution: [MetricSnapshot.Bucket] = [], end: Date = windowEnd) -> MetricSnapshot {
    MetricSnapshot(name: name, kind: kind, unit: unit, dimensions: dimensions, windowStart: end - 60, windowEnd: end,
                   count: count, sum: sum, min: min, max: max, distribution: distribution)
}

/// A pipe whose read end is drained on a thread of its own (so writers
/// never block on a full pipe), with a time limit on the wait for its end.
final class PipeCapture: @unchecked Sendable {
    private let reader: FileHandle
    let writeHandle: FileHandle
    private let done = DispatchSemaphore(value: 0)
    private let data = Locked(Data())

    /// - parameters:
    ///   - onePage: shrink the pipe to one page (Linux), so that a few
    ///     kilobytes fill it.
    ///   - draining: start the reader now; otherwise nothing reads the pipe
    ///     until ``startDraining()`` (a reader that stalls).
    init(onePage: Bool = false, draining: Bool = true) {
        // Close-on-exec from the start: a program another test starts
        // meanwhile must not inherit the write end, or the reader would
        // never see the end.
        var descriptors: [Int32] = [0, 0]
        Subprocess.spawnLock.lock()
        precondition(pipe(&descriptors) == 0, "pipe failed: \(errno)")
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        Subprocess.spawnLock.unlock()
        #if os(Linux)
        if onePage { _ = fcntl(descriptors[1], 1031, 4096) }   // F_SETPIPE_SZ (not exported to Swift)
        #endif
        reader = FileHandle(fileDescriptor: descriptors[0], closeOnDealloc: true)
        writeHandle = FileHandle(fileDescriptor: descriptors[1], closeOnDealloc: true)
        if draining { startDraining() }
    }

    /// Starts the thread that reads the pipe until its end.
    func startDraining() {
        let handle = reader
        let data = self.data
        let done = self.done
        Thread.detachNewThread {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                data.withLock { $0.append(chunk) }
            }
            done.signal()
        }
    }

    /// Closes the write end and returns every line written, or `nil` if the
    /// reader did not see the end within `seconds`.
    func finish(seconds: Double = 20) -> [[UInt8]]? {
        try? writeHandle.close()
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return data.withLock { $0 }.split(separator: 0x0A, omittingEmptySubsequences: true).map { Array($0) }
    }
}

/// A CloudWatch Logs client that keeps every call and answers as scripted.
final class FakeLogsClient: CloudWatchLogsClient {
    enum Call: Equatable {
        case put(group: String, stream: String, events: [LogEvent])
        case createGroup(String)
        case createStream(String, String)
    }

    let calls = Locked<[Call]>([])
    /// Answers to put calls, in order (then success); an error is thrown,
    /// a RejectedLogEvents returned.
    let putAnswers: Locked<[Result<RejectedLogEvents?, AWSError>]>
    let createGroupError: AWSError?
    let createStreamError: AWSError?

    init(putAnswers: [Result<RejectedLogEvents?, AWSError>] = [], createGroupError: AWSError? = nil,
         createStreamError: AWSError? = nil) {
        self.putAnswers = Locked(putAnswers)
        self.createGroupError = createGroupError
        self.createStreamError = createStreamError
    }

    func putLogEvents(group: String, stream: String, events: [LogEvent]) async throws -> RejectedLogEvents? {
        calls.withLock { $0.append(.put(group: group, stream: stream, events: events)) }
        let answer = putAnswers.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        switch answer {
        case nil: return nil
        case .success(let rejected): return rejected
        case .failure(let error): throw error
        }
    }

    func createLogGroup(_ group: String) async throws {
        calls.withLock { $0.append(.createGroup(group)) }
        if let createGroupError { throw createGroupError }
    }

    func createLogStream(group: String, stream: String) async throws {
        calls.withLock { $0.append(.createStream(group, stream)) }
        if let createStreamError { throw createStreamError }
    }

    /// The events of every put call, in order.
    var putEvents: [[LogEvent]] {
        calls.withLock { $0 }.compactMap { if case .put(_, _, let events) = $0 { return events } else { return nil } }
    }
}

func logsSink(_ client: FakeLogsClient, defaultDimensions: [[String]] = [], options: EMFSink.Options = .init()) -> EMFSink {
    var options = options
    options.logsClientFactory = { client }
    options.retryPolicy = RetryPolicy(quota: nil, random: { 0 })
    return EMFSink(namespace: "MyService",
                   destination: .cloudWatchLogs(logGroup: "/my-app/metrics", logStream: "host-1", region: "us-east-1"),
                   defaultDimensions: defaultDimensions, options: options)
}
