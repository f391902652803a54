/// Thrown when a test kit wait runs out of time.
public struct TestKitTimeoutError: Error, CustomStringConvertible {
    /// What was awaited.
    public let waitingFor: String
    /// How long the wait lasted.
    public let timeout: Duration

    public var description: String { "timed out after \(timeout) waiting for \(waitingFor)" }
}
