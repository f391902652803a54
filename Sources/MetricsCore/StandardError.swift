#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Messages to standard error that never trap: `FileHandle.write(_:)`
/// traps when the descriptor is closed or the pipe is gone, and a metrics
/// library must not take its host down for a log line.
package enum StandardError {
    /// Writes `text` with `write(2)`, retrying short writes and `EINTR`;
    /// gives up silently on any other error (there is nowhere to report it).
    package static func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                #if canImport(Darwin)
                Darwin.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                #elseif canImport(Musl)
                Musl.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
            }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
