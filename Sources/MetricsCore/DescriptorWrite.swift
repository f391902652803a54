#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// `write(2)` for a library: every byte, or a failure that says how far it
/// got; never a SIGPIPE, never a wait without end, never half a line glued
/// to the next one.
///
/// - **SIGPIPE.** A write to a pipe whose reader is gone raises SIGPIPE,
///   whose default action ends the process: a metrics library would take
///   its host down for a closed log pipe. Ignoring the signal process-wide
///   would change the host's state, which a library must never do. Instead
///   SIGPIPE is blocked on the calling thread alone for the duration of the
///   write; the write then fails with `EPIPE`, and the SIGPIPE it left
///   pending on this thread is taken with `sigwait` before the thread's mask
///   is put back. A SIGPIPE that was already pending before the write
///   (someone else's) is left alone.
/// - **A bound.** A pipe, socket or terminal whose reader stops draining
///   would block `write(2)` for ever, and with it a cooperative-pool thread
///   (and, for standard output, every `print` of the process). Before each
///   write to such a descriptor `poll(2)` waits for room until the deadline,
///   and at most `PIPE_BUF` bytes are written at a time, which a pipe that
///   polled writable takes without blocking. A non-blocking descriptor's
///   `EAGAIN` waits in the same `poll`. The descriptor's own flags are never
///   changed (they belong to the host). Regular files are written whole.
/// - **Lines.** ``writeLines(_:_:within:)`` remembers a descriptor it left
///   in the middle of a line and ends that line before writing anything
///   else to it, so a document cut short is one unparseable line of its own
///   and never takes the next document with it.
package enum DescriptorWrite {
    /// A write that stopped before the end.
    package struct Failure: Error, Equatable, Sendable {
        /// Why: `EPIPE` for a reader that is gone, `ETIMEDOUT` for a
        /// descriptor that took nothing until the deadline, or the `errno`
        /// of `write(2)`.
        package var errno: Int32
        /// The bytes written before it stopped.
        package var written: Int
    }

    /// Writes all of `bytes` to `descriptor`, resuming short writes, `EINTR`
    /// and `EAGAIN`, until `deadline` (none: no bound). Returns `nil` when
    /// everything was written.
    package static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer,
                                 deadline: ContinuousClock.Instant? = nil) -> Failure? {
        guard !bytes.isEmpty else { return nil }
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previousMask)
        defer { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }
        let pendingBefore = isSIGPIPEPending()

        // A regular file never blocks for a reader: one write, resumed if short.
        let canStall = deadline != nil && !isRegularFile(descriptor)
        var offset = 0
        while offset < bytes.count {
            if canStall, let deadline, !waitForRoom(descriptor, until: deadline) {
                return Failure(errno: ETIMEDOUT, written: offset)
            }
            let length = canStall ? min(bytes.count - offset, Int(PIPE_BUF)) : bytes.count - offset
            let written = systemWrite(descriptor, bytes.baseAddress! + offset, length)
            if written >= 0 {
                offset += written
                continue
            }
            let failure = errno
            if failure == EINTR { continue }
            if failure == EAGAIN || failure == EWOULDBLOCK {
                // A non-blocking descriptor that is full: wait for room (with
                // no deadline, `poll` alone decides how long).
                if waitForRoom(descriptor, until: deadline) { continue }
                return Failure(errno: ETIMEDOUT, written: offset)
            }
            if failure == EPIPE && !pendingBefore && isSIGPIPEPending() {
                var taken: Int32 = 0
                sigwait(&pipeSignal, &taken)
            }
            return Failure(errno: failure, written: offset)
        }
        return nil
    }

    /// ``writeAll(_:_:deadline:)`` for an array of bytes.
    package static func writeAll(_ descriptor: Int32, _ bytes: [UInt8],
                                 deadline: ContinuousClock.Instant? = nil) -> Failure? {
        bytes.withUnsafeBytes { writeAll(descriptor, $0, deadline: deadline) }
    }

    /// Writes whole lines (`bytes` ends with a newline) within `timeout`.
    ///
    /// When an earlier call stopped in the middle of a line on this
    /// descriptor, a newline ends that fragment first. When this call stops
    /// in the middle of a line, the descriptor is remembered, so the next
    /// call starts on a line of its own.
    package static func writeLines(_ descriptor: Int32, _ bytes: [UInt8], within timeout: Duration) -> Failure? {
        let deadline = ContinuousClock.now + timeout
        if openLines.withLock({ $0.contains(descriptor) }) {
            if let failure = writeAll(descriptor, [0x0A], deadline: deadline) {
                return Failure(errno: failure.errno, written: 0)
            }
            openLines.withLock { _ = $0.remove(descriptor) }
        }
        guard let failure = writeAll(descriptor, bytes, deadline: deadline) else { return nil }
        if failure.written > 0 && bytes[failure.written - 1] != 0x0A {
            openLines.withLock { _ = $0.insert(descriptor) }
        }
        return failure
    }

    /// Descriptors a ``writeLines(_:_:within:)`` left in the middle of a line.
    private static let openLines = Mutex<Set<Int32>>([])

    /// Waits until `descriptor` can take bytes; false at the deadline.
    private static func waitForRoom(_ descriptor: Int32, until deadline: ContinuousClock.Instant?) -> Bool {
        while true {
            var timeout: Int32 = -1
            if let deadline {
                let left = deadline - ContinuousClock.now
                if left <= .zero { return false }
                let (seconds, attoseconds) = left.components
                timeout = Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            }
            var entry = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&entry, 1, timeout)
            if ready > 0 { return true }   // writable, or an error the write will report
            if ready < 0 && errno != EINTR { return true }   // let the write report it
        }
    }

    private static func isRegularFile(_ descriptor: Int32) -> Bool {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return false }
        return (status.st_mode & S_IFMT) == S_IFREG
    }

    private static func isSIGPIPEPending() -> Bool {
        var pending = sigset_t()
        sigpending(&pending)
        return sigismember(&pending, SIGPIPE) == 1
    }
}

/// `write(2)`, named apart from the enum's own functions.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
