import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import CWMHTTPTestSupport
import MetricsCore

/// The OTLP and Datadog receiver scripts/with-moto.sh starts
/// (scripts/telemetry_receiver.py): it decodes every request with the
/// official OpenTelemetry protobuf definitions or datadog-api-client's
/// models and keeps what it decoded. Each test works under a path prefix of
/// its own, so tests running at once never see each other's requests.
struct TelemetryReceiver: Sendable {
    let base: URL
    let accessKeyId: String
    let secretAccessKey: String
    let python: String
    let prefix = "t-" + UUID().uuidString.prefix(8).lowercased()

    static let configured: (base: URL, keyId: String, secret: String, python: String)? = {
        let environment = ProcessInfo.processInfo.environment
        guard let base = environment["METRICS_TEST_RECEIVER"].flatMap(URL.init(string:)),
              let keyId = environment["METRICS_TEST_RECEIVER_ACCESS_KEY_ID"],
              let secret = environment["METRICS_TEST_RECEIVER_SECRET_ACCESS_KEY"],
              let python = environment["METRICS_TEST_PYTHON"] else { return nil }
        return (base, keyId, secret, python)
    }()

    static var available: Bool { configured != nil }

    /// A receiver view with a fresh prefix.
    static func fresh() throws -> TelemetryReceiver {
        let configured = try TestEnvironment.require(
            configured, "METRICS_TEST_REQUIRED=1 but METRICS_TEST_RECEIVER is not set: run under scripts/with-moto.sh")
        return TelemetryReceiver(base: configured.base, accessKeyId: configured.keyId,
                                 secretAccessKey: configured.secret, python: configured.python)
    }

    /// This test's URLs: `…/t-xxxx/v1/metrics`, `…/t-xxxx/cw/v1/metrics`, `…/t-xxxx`.
    var otlpURL: URL { base.appendingPathComponent(prefix).appendingPathComponent("v1/metrics") }
    var signedOTLPURL: URL { base.appendingPathComponent(prefix).appendingPathComponent("cw/v1/metrics") }
    var datadogURL: URL { base.appendingPathComponent(prefix) }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Every request received under this prefix, decoded, oldest first.
    func records() async throws -> [[String: Any]] {
        let data = try await call("GET", "_received/\(prefix)")
        return try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
    }

    /// Queues answers for this prefix's next requests.
    func respond(_ answers: [[String: Any]]) async throws {
        _ = try await call("POST", "_respond/\(prefix)", body: try JSONSerialization.data(withJSONObject: answers))
    }

    private func call(_ method: String, _ path: String, body: Data? = nil) async throws -> Data {
        var request = URLRequest(url: base.appendingPathComponent(path), timeoutInterval: 10)
        request.httpMethod = method
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw Failure(description: "receiver \(method) \(path): \(response)")
        }
        return data
    }

    /// Runs the Python original's `OpenTelemetrySink` or `DatadogSink` (aiokpl
    /// 0.2.0) on `snapshots` into this prefix (scripts/sink_parity.py).
    func exportWithOriginal(_ mode: String, _ snapshots: [MetricSnapshot]) async throws {
        let script = TestEnvironment.path("scripts/sink_parity.py")
        let input = try JSONSerialization.data(withJSONObject: snapshots.map { snapshot in
            ["name": snapshot.name, "count": snapshot.count, "sum": snapshot.sum, "min": snapshot.min, "max": snapshot.max,
             "dimensions": snapshot.dimensions.map { [$0.0, $0.1] },
             "window_start": snapshot.windowStart.timeIntervalSince1970,
             "window_end": snapshot.windowEnd.timeIntervalSince1970] as [String: Any]
        })
        let result = try await Subprocess.run(python, [script, mode, base.appendingPathComponent(prefix).absoluteString],
                                              input: input, timeLimit: .seconds(60))
        guard result.status == 0 else {
            throw Failure(description: "sink_parity.py \(mode) failed: " + String(decoding: result.error.suffix(2000), as: UTF8.self))
        }
    }
}

/// Reading decoded OTLP requests (protobuf's JSON mapping of them).
enum OTLPRecord {
    /// Every metric of a decoded request, by name.
    static func metrics(_ record: [String: Any]) -> [String: [String: Any]] {
        let request = record["request"] as? [String: Any] ?? [:]
        var metrics: [String: [String: Any]] = [:]
        for resource in request["resourceMetrics"] as? [[String: Any]] ?? [] {
            for scope in resource["scopeMetrics"] as? [[String: Any]] ?? [] {
                for metric in scope["metrics"] as? [[String: Any]] ?? [] {
                    metrics[metric["name"] as? String ?? ""] = metric
                }
            }
        }
        return metrics
    }

    /// The data points of a metric, whatever its type, with the type's name.
    static func points(_ metric: [String: Any]) -> (type: String, body: [String: Any], points: [[String: Any]])? {
        for type in ["sum", "gauge", "histogram", "exponentialHistogram"] {
            if let body = metric[type] as? [String: Any] {
                return (type, body, body["dataPoints"] as? [[String: Any]] ?? [])
            }
        }
        return nil
    }

    /// A number point's value, `asDouble` or `asInt` (a string in JSON).
    static func number(_ point: [String: Any]) -> Double? {
        (point["asDouble"] as? Double) ?? (point["asInt"] as? String).flatMap(Double.init)
    }

    /// A point's attributes as pairs, in order.
    static func attributes(_ point: [String: Any]) -> [[String]] {
        (point["attributes"] as? [[String: Any]] ?? []).map {
            [$0["key"] as? String ?? "", ($0["value"] as? [String: Any])?["stringValue"] as? String ?? ""]
        }
    }
}
