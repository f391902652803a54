#if canImport(Glibc)
// `stdout` is a C global set once by the C library; reading it is safe.
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

/// Writes whole lines to a file descriptor: each document and its newline
/// in one buffer, written completely (short writes and `EINTR` resumed)
/// while holding the C `stdout` lock, so `print` from other threads can
/// neither cut a document in two nor slip into the middle of one: Lambda
/// and the CloudWatch agent parse the output line by line.
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
            let failure = buffer.withUnsafeBytes { bytes -> Int32? in
                var offset = 0
                while offset < bytes.count {
                    let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += written
                }
                return nil
            }
            if let failure { throw .writeFailed(errno: failure) }
        }
    }
}

/// `write(2)`, named apart from ``LineWriter/write(_:)``.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
