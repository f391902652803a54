import CloudWatchSink
import Foundation
import CWMHTTPTestSupport
import MetricsCore

/// The AWS-compatible server the integration tests talk to:
///
/// - moto, started by scripts/with-moto.sh (`METRICS_TEST_ENDPOINT` and keys
///   in the environment), with signature enforcement on;
/// - or LocalStack when `LOCALSTACK_ENDPOINT` is set (any credentials; it
///   checks no signatures, so the tests that need that are skipped).
///
/// Without either, the integration tests are skipped, unless
/// `METRICS_TEST_REQUIRED=1` (scripts/test.sh): then they fail.
struct IntegrationTarget: Sendable {
    let endpoint: URL
    let accessKeyId: String
    let secretAccessKey: String
    let session: (keyId: String, secret: String, token: String)?
    let python: String?
    let enforcesSignatures: Bool

    static let current: IntegrationTarget? = {
        let environment = ProcessInfo.processInfo.environment
        if let localstack = environment["LOCALSTACK_ENDPOINT"], let url = URL(string: localstack) {
            return IntegrationTarget(endpoint: url, accessKeyId: "test", secretAccessKey: "test", session: nil,
                                     python: environment["METRICS_TEST_PYTHON"], enforcesSignatures: false)
        }
        guard let endpoint = environment["METRICS_TEST_ENDPOINT"].flatMap(URL.init(string:)),
              let keyId = environment["METRICS_TEST_ACCESS_KEY_ID"],
              let secret = environment["METRICS_TEST_SECRET_ACCESS_KEY"] else { return nil }
        var session: (String, String, String)?
        if let sessionKey = environment["METRICS_TEST_SESSION_ACCESS_KEY_ID"],
           let sessionSecret = environment["METRICS_TEST_SESSION_SECRET_ACCESS_KEY"],
           let token = environment["METRICS_TEST_SESSION_TOKEN"] {
            session = (sessionKey, sessionSecret, token)
        }
        return IntegrationTarget(endpoint: endpoint, accessKeyId: keyId, secretAccessKey: secret, session: session,
                                 python: environment["METRICS_TEST_PYTHON"], enforcesSignatures: true)
    }()

    static var available: Bool { current != nil }

    /// The server, or a failure saying that the test script did not provide one.
    static func require() throws -> IntegrationTarget {
        try TestEnvironment.require(
            current, "METRICS_TEST_REQUIRED=1 but METRICS_TEST_ENDPOINT is not set: run under scripts/with-moto.sh")
    }
    static var enforcesSignatures: Bool { current?.enforcesSignatures == true }
    /// LocalStack (not moto): no signature checks, and a ListMetrics that
    /// fails on some dimension sets, so tests read back with GetMetricStatistics.
    var isLocalStack: Bool { !enforcesSignatures }

    /// A namespace of its own for each test, so tests never see each other's data.
    static func freshNamespace(_ label: String) -> String {
        "it-\(label)-\(UUID().uuidString.prefix(8))"
    }

    func sink(namespace: String, wireProtocol: CloudWatchProtocol = .json, secret: String? = nil,
              session: Bool = false, sessionToken: String? = nil) -> CloudWatchSink {
        let keyId = session ? self.session!.keyId : accessKeyId
        let secretKey = secret ?? (session ? self.session!.secret : secretAccessKey)
        let token = sessionToken ?? (session ? self.session!.token : nil)
        return CloudWatchSink(
            region: "us-east-1", namespace: namespace, endpoint: endpoint, verifySSL: true, accessKeyId: keyId, secretAccessKey: secretKey, sessionToken: token,
                // LocalStack on a loaded 2-core machine can take more than the default 10 s for 1,000 datums.
                options: .init(wireProtocol: wireProtocol, requestTimeout: isLocalStack ? .seconds(60) : .seconds(10),
                               environment: [:]))
    }

    // MARK: Reading back with boto3 (scripts/cloudwatch_helper.py)

    struct Statistics: Equatable, CustomStringConvertible {
        let sampleCount: Double
        let sum: Double
        let minimum: Double
        let maximum: Double
        var description: String { "SampleCount=\(sampleCount) Sum=\(sum) Minimum=\(minimum) Maximum=\(maximum)" }
    }

    func statistics(namespace: String, metric: String, dimensions: [(String, String)]) async throws -> Statistics? {
        let reply = try await helper("statistics", [
            "namespace": namespace, "metric": metric, "dimensions": dimensions.map { [$0.0, $0.1] },
        ]) as? [String: Any]
        guard let reply, (reply["datapoints"] as? Int ?? 0) > 0 else { return nil }
        return Statistics(sampleCount: reply["SampleCount"] as! Double, sum: reply["Sum"] as! Double,
                          minimum: reply["Minimum"] as! Double, maximum: reply["Maximum"] as! Double)
    }

    /// Every (metric, dimensions) in `namespace`, de-duplicated.
    func metrics(namespace: String) async throws -> [(String, [(String, String)])] {
        let reply = try await helper("metrics", ["namespace": namespace]) as? [[Any]] ?? []
        return reply.map { entry in
            (entry[0] as! String, (entry[1] as! [[String]]).map { ($0[0], $0[1]) })
        }
    }

    func aiokplExport(namespace: String, snapshots: [MetricSnapshot]) async throws {
        _ = try await helper("aiokpl-export", [
            "namespace": namespace,
            "snapshots": snapshots.map { snapshot in
                ["name": snapshot.name, "count": snapshot.count, "sum": snapshot.sum, "min": snapshot.min,
                 "max": snapshot.max, "dimensions": snapshot.dimensions.map { [$0.0, $0.1] }] as [String: Any]
            },
        ])
    }

    /// Every event of a log stream, oldest first, read with boto3's GetLogEvents.
    func logEvents(group: String, stream: String) async throws -> [(timestamp: Int64, message: String)] {
        let reply = try await helper("log-events", ["group": group, "stream": stream]) as? [[Any]] ?? []
        return reply.map { (($0[0] as! NSNumber).int64Value, $0[1] as! String) }
    }

    struct HelperFailure: Error, CustomStringConvertible {
        let description: String
    }

    private func helper(_ command: String, _ request: [String: Any]) async throws -> Any {
        guard let python else { throw HelperFailure(description: "METRICS_TEST_PYTHON is not set") }
        let script = TestEnvironment.path("scripts/cloudwatch_helper.py")
        // The helper talks to this target (moto or LocalStack), whatever its environment says.
        var request = request
        request["target"] = ["endpoint": endpoint.absoluteString, "accessKeyId": accessKeyId,
                             "secretAccessKey": secretAccessKey]
        let input = try JSONSerialization.data(withJSONObject: request)
        let result = try await Subprocess.run(python, [script, command], input: input)
        guard result.status == 0 else {
            throw HelperFailure(description: "helper \(command) failed: " + String(decoding: result.error.suffix(2000), as: UTF8.self))
        }
        return try JSONSerialization.jsonObject(with: result.output, options: [.fragmentsAllowed])
    }
}

import Testing

@Suite("Integration setup", .timeLimit(.minutes(3)))
struct IntegrationSetupTests {
    @Test("when the test script provides a server, the integration tests really run")
    func serverPresentWhenRequired() {
        let environment = ProcessInfo.processInfo.environment
        if let localstack = environment["LOCALSTACK_ENDPOINT"] {
            // scripts/with-localstack.sh: the tests must really talk to LocalStack.
            #expect(IntegrationTarget.current?.endpoint.absoluteString == localstack)
            #expect(IntegrationTarget.current?.enforcesSignatures == false)
            #expect(IntegrationTarget.current?.python != nil)
        } else if environment["METRICS_TEST_REQUIRED"] == "1" {
            #expect(IntegrationTarget.available, "METRICS_TEST_* variables are missing: the integration tests would be skipped")
            #expect(IntegrationTarget.current?.session != nil)
            #expect(IntegrationTarget.current?.python != nil)
            #expect(TelemetryReceiver.available, "METRICS_TEST_RECEIVER is missing: the OTLP and Datadog tests would be skipped")
        }
    }
}
