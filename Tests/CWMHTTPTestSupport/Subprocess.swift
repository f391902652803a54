import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to completion with `posix_spawn`, feeding `input` and
/// capturing its output, on a thread of its own (never blocking the
/// cooperative pool). Foundation's `Process.waitUntilExit()` can hang when
/// awaited from async code on Linux; this does not use it.
public enum Subprocess {
    /// Held while a child is spawned. Hold it too while creating descriptors
    /// that must not leak into a child (then mark them close-on-exec).
    public static let spawnLock = NSLock()

    public struct Result: Sendable {
        public let status: Int32
        public let output: Data
        public let error: Data
        /// The program outlived its time limit and was killed.
        public let timedOut: Bool
    }

    /// Runs the program; kills it (SIGKILL) if it is still running after
    /// `timeLimit`, so that a hang fails the test instead of stalling it.
    public static func run(_ executable: String, _ arguments: [String], input: Data = Data(),
                           timeLimit: Duration = .seconds(120)) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Swift.Result {
                    try runBlocking(executable, arguments, input: input, timeLimit: timeLimit)
                })
            }.start()
        }
    }

    public enum Failure: Error {
        case spawn(Int32)
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], input: Data,
                                    timeLimit: Duration) throws -> Result {
        // Close-on-exec, so that children spawned at the same time by other
        // tests do not inherit these pipes and hold them open (no EOF, a
        // deadlock). dup2 onto 0, 1 and 2 in the child clears the flag for
        // its own ends. Creating and spawning under one lock closes the
        // window between pipe() and fcntl().
        var stdinPipe: [Int32] = [0, 0], stdoutPipe: [Int32] = [0, 0], stderrPipe: [Int32] = [0, 0]
        spawnLock.lock()
        pipe(&stdinPipe)
        pipe(&stdoutPipe)
        pipe(&stderrPipe)
        for fd in stdinPipe + stdoutPipe + stderrPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        for fd in stdinPipe + stdoutPipe + stderrPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        spawnLock.unlock()
        close(stdinPipe[0])
        close(stdoutPipe[1])
        close(stderrPipe[1])
        guard spawned == 0 else {
            close(stdinPipe[1]); close(stdoutPipe[0]); close(stderrPipe[0])
            throw Failure.spawn(spawned)
        }
        // Write stdin on its own thread so a large output cannot deadlock us.
        let inputFD = stdinPipe[1]
        let writer = Thread {
            input.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = write(inputFD, raw.baseAddress! + offset, raw.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
            close(inputFD)
        }
        writer.start()
        let watchdog = Watchdog(pid: pid, timeLimit: timeLimit)
        let errorCollector = Collector(fd: stderrPipe[0])
        let output = Collector.readAll(stdoutPipe[0])
        let error = errorCollector.finish()
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let timedOut = watchdog.reaped()
        let exited = (status & 0x7F) == 0
        return Result(status: exited ? (status >> 8) & 0xFF : -1, output: output, error: error, timedOut: timedOut)
    }

    private final class Collector: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(fd: Int32) {
            Thread { [self] in
                data = Collector.readAll(fd)
                done.signal()
            }.start()
        }

        func finish() -> Data {
            done.wait()
            return data
        }

        static func readAll(_ fd: Int32) -> Data {
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(fd, &buffer, buffer.count)
                if count <= 0 { break }
                data.append(contentsOf: buffer[0..<count])
            }
            close(fd)
            return data
        }
    }
}

/// Kills a child that outlives its time limit. `reaped()` must be called
/// right after `waitpid`, so the pid is never signalled once it may be reused.
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    private var fired = false

    init(pid: pid_t, timeLimit: Duration) {
        let (seconds, attoseconds) = timeLimit.components
        let delay = Double(seconds) + Double(attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in
            lock.lock()
            defer { lock.unlock() }
            guard !done else { return }
            fired = true
            kill(pid, SIGKILL)
        }
    }

    /// Disarms the watchdog; whether it had fired.
    func reaped() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        done = true
        return fired
    }
}

/// A program running in the background: its standard error read line by
/// line, signalled, and reaped. For end-to-end tests of executables. A
/// program still running after `timeLimit` is killed, which ends its output,
/// so a test waiting on it fails instead of hanging (see ``timedOut``).
public final class RunningProcess: @unchecked Sendable {
    public let pid: pid_t
    private let watchdog: Watchdog
    private let killedByWatchdog = NSLock()
    private var timedOutValue = false
    /// Whether the program was killed for outliving its time limit (known after ``waitForExit()``).
    public var timedOut: Bool {
        killedByWatchdog.lock()
        defer { killedByWatchdog.unlock() }
        return timedOutValue
    }
    private let stderrFD: Int32
    private let stdoutFD: Int32
    /// The write end of the program's standard input (`holdInput`), or -1.
    private let stdinFD: Int32
    private var buffered = Data()
    private var bufferedOutput = Data()

    /// Starts `executable` with `arguments` and `environment` (the complete
    /// environment of the child).
    ///
    /// With `holdInput`, the program's standard input is a pipe that stays
    /// open until it is reaped: a helper that exits at the end of its input
    /// then never outlives the test process, even one that crashes.
    public init(_ executable: String, _ arguments: [String], environment: [String: String],
                timeLimit: Duration = .seconds(120), holdInput: Bool = false) throws {
        var stdoutPipe: [Int32] = [0, 0], stderrPipe: [Int32] = [0, 0], stdinPipe: [Int32] = [-1, -1]
        Subprocess.spawnLock.lock()
        pipe(&stdoutPipe)
        pipe(&stderrPipe)
        if holdInput { pipe(&stdinPipe) }
        for fd in stdoutPipe + stderrPipe + stdinPipe where fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if holdInput {
            posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        Subprocess.spawnLock.unlock()
        close(stdoutPipe[1])
        close(stderrPipe[1])
        if holdInput { close(stdinPipe[0]) }
        guard spawned == 0 else {
            close(stdoutPipe[0]); close(stderrPipe[0])
            if holdInput { close(stdinPipe[1]) }
            throw Subprocess.Failure.spawn(spawned)
        }
        self.pid = pid
        stdinFD = stdinPipe[1]
        watchdog = Watchdog(pid: pid, timeLimit: timeLimit)
        stdoutFD = stdoutPipe[0]
        stderrFD = stderrPipe[0]
    }

    /// The next line the program writes to standard error, or `nil` at its end.
    public func nextErrorLine() async -> String? {
        await withCheckedContinuation { continuation in
            Thread { [self] in continuation.resume(returning: Self.readLine(stderrFD, &buffered)) }.start()
        }
    }

    /// The next line the program writes to standard output, or `nil` at its
    /// end. Read standard error to its end before ``waitForExit()``, as usual.
    public func nextOutputLine() async -> String? {
        await withCheckedContinuation { continuation in
            Thread { [self] in continuation.resume(returning: Self.readLine(stdoutFD, &bufferedOutput)) }.start()
        }
    }

    private static func readLine(_ fd: Int32, _ buffered: inout Data) -> String? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let newline = buffered.firstIndex(of: 0x0A) {
                let line = String(decoding: buffered[buffered.startIndex..<newline], as: UTF8.self)
                buffered = Data(buffered[buffered.index(after: newline)...])
                return line
            }
            let count = read(fd, &chunk, chunk.count)
            if count <= 0 {
                guard !buffered.isEmpty else { return nil }
                defer { buffered = Data() }
                return String(decoding: buffered, as: UTF8.self)
            }
            buffered.append(contentsOf: chunk[0..<count])
        }
    }

    public func send(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the program to end; its exit status, or -signal if killed.
    /// Standard output is drained meanwhile so the program cannot block on
    /// it. Read standard error to its end first: this closes it.
    public func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread { [self] in
                var chunk = [UInt8](repeating: 0, count: 65_536)
                while read(stdoutFD, &chunk, chunk.count) > 0 {}
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                let fired = watchdog.reaped()
                killedByWatchdog.lock()
                timedOutValue = fired
                killedByWatchdog.unlock()
                close(stdoutFD)
                close(stderrFD)
                if stdinFD >= 0 { close(stdinFD) }
                continuation.resume(returning: (status & 0x7F) == 0 ? (status >> 8) & 0xFF : -(status & 0x7F))
            }.start()
        }
    }
}
