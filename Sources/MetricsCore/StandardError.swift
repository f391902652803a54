/// Messages to standard error that never trap and never raise SIGPIPE:
/// `FileHandle.write(_:)` traps when the descriptor is closed, and a write
/// to a pipe whose reader is gone would end the process; a metrics library
/// must not take its host down for a log line.
package enum StandardError {
    /// Writes `text` to descriptor 2 with ``DescriptorWrite``; gives up
    /// silently on an error, or after a second when nothing reads standard
    /// error (there is nowhere to report either).
    package static func write(_ text: String) {
        _ = DescriptorWrite.writeLines(2, Array(text.utf8), within: .seconds(1))
    }
}
