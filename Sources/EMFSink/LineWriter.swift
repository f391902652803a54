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
/// in one buffer, written completely (short writes and `EINTR` resumed)
/// while holding the C `stdout` lock, so `print` from other threads can
/// neither cut a document in two nor slip into the middle of one: Lambda
/// and the CloudWatch agent parse the output line by line. A reader that
/// is gone is a `writeFailed(errno: EPIPE)`, never a SIGPIPE (see
/// ``DescriptorWrite``).
struct LineWriter: Sendable {
    let descriptor: Int32
    /// Also take the stdio lock and flush stdio's buffer first (standard output).
    let sharesStandardOutput: Bool

    func write(_ lines: [[UInt8]]) throws(EMFSinkError) {
        if sharesStandardOutput {
            flockfile(stdout)
            fflush(stdout)
        }
        defer { if sharesStandardOutput { funlockfile(stdout) } }
        for line in lines {
            var buffer = line
            buffer.append(0x0A)
            if let failure = DescriptorWrite.writeAll(descriptor, buffer) { throw .writeFailed(errno: failure) }
        }
    }
}
