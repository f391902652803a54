#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `write(2)` for a library: every byte or an `errno`, and never a SIGPIPE.
///
/// A write to a pipe whose reader is gone raises SIGPIPE, whose default
/// action ends the process: a metrics library would take its host down for a
/// closed log pipe. Ignoring the signal process-wide would change the host's
/// state, which a library must never do. Instead SIGPIPE is blocked on the
/// calling thread alone for the duration of the write; the write then fails
/// with `EPIPE`, and the SIGPIPE it left pending on this thread is taken
/// with `sigwait` before the thread's mask is put back. A SIGPIPE that was
/// already pending before the write (someone else's) is left alone.
package enum DescriptorWrite {
    /// Writes all of `bytes` to `descriptor`, resuming short writes and
    /// `EINTR`. Returns `nil` when everything was written, else the `errno`
    /// of the failure (`EPIPE` for a closed pipe).
    package static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard !bytes.isEmpty else { return nil }
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previousMask)
        defer { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }
        let pendingBefore = isSIGPIPEPending()

        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written >= 0 {
                offset += written
                continue
            }
            let failure = errno
            if failure == EINTR { continue }
            if failure == EPIPE && !pendingBefore && isSIGPIPEPending() {
                var taken: Int32 = 0
                sigwait(&pipeSignal, &taken)
            }
            return failure
        }
        return nil
    }

    /// ``writeAll(_:_:)`` for an array of bytes.
    package static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBytes { writeAll(descriptor, $0) }
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
