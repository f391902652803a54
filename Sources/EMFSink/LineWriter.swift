#if canImport(Glibc)
// `stdout` is a C global set once by the C library; reading it is safe.
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif
import MetricsCore

/// Writes whole lines to a file descriptor: each document and its newline
/// in one buffer, written completely (short writes, `EINTR` and `EAGAIN`
/// resumed) while holding the C `stdout` lock, so `print` from other
/// threads can neither cut a document in two nor slip into the middle of
/// one: Lambda and the CloudWatch agent parse the output line by line.
///
/// Every failure is an export error, never the host's end (see
/// ``DescriptorWrite``): a reader that is gone is `writeFailed(errno:
/// EPIPE)`; a reader that stops draining is `writeFailed(errno: ETIMEDOUT)`
/// once `timeout` has passed for the call, so the `stdout` lock is never
/// held longer; a document cut short stays a line of its own (the next
/// write ends it first) and is counted as not delivered.
struct LineWriter: Sendable {
    let descriptor: Int32
    /// Also take the stdio lock and flush stdio's buffer first (standard output).
    let sharesStandardOutput: Bool
    /// How long one ``write(_:)`` may wait for the reader.
    let timeout: Duration

    func write(_ lines: [[UInt8]]) throws(EMFSinkError) {
        if sharesStandardOutput {
            flockfile(stdout)
            fflush(stdout)
        }
        defer { if sharesStandardOutput { funlockfile(stdout) } }
        for line in lines {
            var buffer = line
            buffer.append(0x0A)
            if let failure = DescriptorWrite.writeLines(descriptor, buffer, within: timeout) {
                throw .writeFailed(errno: failure.errno)
            }
        }
    }
}
