import AWSCore
import CloudWatchSink
import CWMLocking
import MetricsCore

/// A `CloudWatchClient` for tests: records every `PutMetricData` call
/// and can be told to fail, throttle or hang on any call.
///
/// ```swift
/// let client = RecordingCloudWatchClient()
/// let sink = CloudWatchSink(region: "us-east-1", namespace: "Test", clientFactory: { client })
/// // … record, flush …
/// #expect(client.datums.map(\.metricName) == ["Requests"])
/// ```
///
/// Scripted answers are per call number (1 for the first call), so a test
/// says exactly which request fails:
///
/// ```swift
/// client.respond(.throttle, toCall: 2)   // the second request is throttled once
/// ```
public final class RecordingCloudWatchClient: CloudWatchClient, Sendable {
    /// How the client answers one call.
    public enum Response: Sendable {
        /// The datums are accepted (the default).
        case accept
        /// The call throws `error`.
        case fail(any Error)
        /// The call throws CloudWatch's throttling error (`Throttling`, HTTP
        /// 400), which the AWS retry policy retries.
        case throttle
        /// The call never answers; it throws `CancellationError` when the
        /// calling task is cancelled (a timeout or a shutdown deadline).
        case hang
    }

    /// One call, as the client saw it.
    public struct Request: Sendable {
        /// The namespace of the call.
        public let namespace: String
        /// The call's datums.
        public let datums: [MetricDatum]
        /// The encoded body the sink built (`nil` for a call with datums only).
        public let body: [UInt8]?
        /// Whether the client accepted the call.
        public let accepted: Bool
    }

    /// The error a `.throttle` answer throws.
    public static let throttlingError = AWSError(code: "Throttling", message: "Rate exceeded", statusCode: 400)

    private struct State {
        var requests: [Request] = []
        var scripted: [Int: Response] = [:]
        var calls = 0
    }

    private let state = Locked(State())

    /// A client that records every request and answers each with success.
    public init() {}

    /// Every datum accepted so far, in order.
    public var datums: [MetricDatum] { state.withLock { $0.requests.filter(\.accepted).flatMap(\.datums) } }

    /// Every call so far, accepted or not, in order.
    public var requests: [Request] { state.withLock { $0.requests } }

    /// Answers call number `call` (1 for the first) with `response`.
    public func respond(_ response: Response, toCall call: Int) {
        state.withLock { $0.scripted[call] = response }
    }

    /// Answers the next calls, in order, with `responses`; later calls are accepted.
    public func respondToNextCalls(_ responses: [Response]) {
        state.withLock { state in
            for (offset, response) in responses.enumerated() { state.scripted[state.calls + 1 + offset] = response }
        }
    }

    public func putMetricData(namespace: String, metricData: [MetricDatum]) async throws {
        try await handle(namespace: namespace, datums: metricData, body: nil)
    }

    public func putMetricData(_ request: PutMetricDataRequest) async throws {
        try await handle(namespace: request.namespace, datums: request.metricData, body: request.body)
    }

    private func handle(namespace: String, datums: [MetricDatum], body: [UInt8]?) async throws {
        let response = state.withLock { state -> Response in
            state.calls += 1
            let response = state.scripted.removeValue(forKey: state.calls) ?? .accept
            let accepted = if case .accept = response { true } else { false }
            state.requests.append(Request(namespace: namespace, datums: datums, body: body, accepted: accepted))
            return response
        }
        switch response {
        case .accept:
            return
        case .fail(let error):
            throw error
        case .throttle:
            throw Self.throttlingError
        case .hang:
            try await hangUntilCancelled()
        }
    }

    private func hangUntilCancelled() async throws {
        let gate = Locked<(resumed: Bool, continuation: CheckedContinuation<Void, any Error>?)>((false, nil))
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelledAlready = gate.withLock { gate -> Bool in
                    if gate.resumed { return true }
                    gate.continuation = continuation
                    return false
                }
                if cancelledAlready { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let continuation = gate.withLock { gate -> CheckedContinuation<Void, any Error>? in
                gate.resumed = true
                defer { gate.continuation = nil }
                return gate.continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }
}
