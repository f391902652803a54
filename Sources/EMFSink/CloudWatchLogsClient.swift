import AWSCore
import Foundation

/// One PutLogEvents event.
public struct LogEvent: Sendable, Equatable {
    /// Milliseconds since 1970.
    public let timestamp: Int64
    /// The message: here, one EMF document.
    public let message: [UInt8]

    /// An event: `timestamp` in milliseconds since 1970, `message` in UTF-8.
    public init(timestamp: Int64, message: [UInt8]) {
        self.timestamp = timestamp
        self.message = message
    }
}

/// The events of a PutLogEvents call CloudWatch Logs refused while
/// accepting the rest (indices into the call's events).
public struct RejectedLogEvents: Sendable, Equatable {
    /// Events from this index on were more than 2 hours in the future.
    public var tooNewStartIndex: Int?
    /// Events before this index were older than 14 days.
    public var tooOldEndIndex: Int?
    /// Events before this index were past the group's retention.
    public var expiredEndIndex: Int?

    /// The indexes CloudWatch Logs returns for the events it refused, as in PutLogEvents' `rejectedLogEventsInfo`.
    public init(tooNewStartIndex: Int? = nil, tooOldEndIndex: Int? = nil, expiredEndIndex: Int? = nil) {
        self.tooNewStartIndex = tooNewStartIndex
        self.tooOldEndIndex = tooOldEndIndex
        self.expiredEndIndex = expiredEndIndex
    }

    /// The refused indices among `count` events.
    func indices(of count: Int) -> Set<Int> {
        var refused = Set<Int>()
        if let start = tooNewStartIndex { refused.formUnion(max(0, start)..<max(max(0, start), count)) }
        if let end = tooOldEndIndex { refused.formUnion(0..<min(max(0, end), count)) }
        if let end = expiredEndIndex { refused.formUnion(0..<min(max(0, end), count)) }
        return refused
    }
}

/// The three CloudWatch Logs calls an ``EMFSink`` makes. The sink talks to
/// CloudWatch Logs only through this protocol, so tests can inject a fake
/// (``EMFSink/Options/logsClientFactory``). Errors are `AWSError`s with the
/// service's code (`ResourceNotFoundException`, ...).
public protocol CloudWatchLogsClient: Sendable {
    /// Puts `events` (chronological, within the batch limits); returns the
    /// events refused individually, if any.
    func putLogEvents(group: String, stream: String, events: [LogEvent]) async throws -> RejectedLogEvents?
    /// Creates the log group `group` (an existing group is an `AWSError` with code `ResourceAlreadyExistsException`).
    func createLogGroup(_ group: String) async throws
    /// Creates the log stream `stream` in `group` (an existing stream is an `AWSError` with code `ResourceAlreadyExistsException`).
    func createLogStream(group: String, stream: String) async throws
}

/// CloudWatch Logs over AWS JSON 1.1, SigV4-signed as `logs`, through the
/// same AWS client (credentials, TLS, clock skew, expired credentials) as
/// the PutMetricData sink.
struct AWSCloudWatchLogsClient: CloudWatchLogsClient {
    private let client: AWSServiceClient

    /// A client sending through `client`, which signs for `logs`.
    init(client: AWSServiceClient) {
        self.client = client
    }

    func putLogEvents(group: String, stream: String, events: [LogEvent]) async throws -> RejectedLogEvents? {
        var json = JSONBytes(capacity: events.reduce(128) { $0 + $1.message.count + 48 })
        json.raw("{\"logGroupName\":")
        json.string(group)
        json.raw(",\"logStreamName\":")
        json.string(stream)
        json.raw(",\"logEvents\":[")
        for (index, event) in events.enumerated() {
            if index > 0 { json.raw(0x2C) }
            json.raw("{\"timestamp\":")
            json.integer(event.timestamp)
            json.raw(",\"message\":")
            json.string(bytes: event.message)
            json.raw(0x7D)
        }
        json.raw("]}")
        let response = try await call("PutLogEvents", json.bytes)
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
              let info = object["rejectedLogEventsInfo"] as? [String: Any] else { return nil }
        let rejected = RejectedLogEvents(tooNewStartIndex: info["tooNewLogEventStartIndex"] as? Int,
                                         tooOldEndIndex: info["tooOldLogEventEndIndex"] as? Int,
                                         expiredEndIndex: info["expiredLogEventEndIndex"] as? Int)
        return rejected == RejectedLogEvents() ? nil : rejected
    }

    func createLogGroup(_ group: String) async throws {
        var json = JSONBytes()
        json.raw("{\"logGroupName\":")
        json.string(group)
        json.raw(0x7D)
        _ = try await call("CreateLogGroup", json.bytes)
    }

    func createLogStream(group: String, stream: String) async throws {
        var json = JSONBytes()
        json.raw("{\"logGroupName\":")
        json.string(group)
        json.raw(",\"logStreamName\":")
        json.string(stream)
        json.raw(0x7D)
        _ = try await call("CreateLogStream", json.bytes)
    }

    private func call(_ action: String, _ body: [UInt8]) async throws -> HTTPResponse {
        try await client.send(headers: [("Content-Type", "application/x-amz-json-1.1"),
                                        ("X-Amz-Target", "Logs_20140328.\(action)")], body: Data(body))
    }
}
