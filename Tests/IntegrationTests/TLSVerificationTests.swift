import AWSCore
import CloudWatchSink
import DatadogSink
import EMFSink
import Foundation
import CWMHTTPTestSupport
import MetricsCore
import OTLPSink
import Testing

/// Every HTTP sink, built as a user builds it, against a real HTTPS server
/// with a self-signed certificate (the repository's test certificate,
/// served by scripts/https_fixture.py with the system's python3): no
/// virtual environment and no AWS server needed.
enum TLSSinkKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case cloudWatch, emfToLogs, otlpCollector, otlpCloudWatch, datadog

    var description: String { rawValue }

    func make(_ url: URL, verifySSL: Bool, caBundlePath: String? = nil) -> any Sink {
        let keyId = "AKIDTLSTEST", secret = "tls-test-secret"
        switch self {
        case .cloudWatch:
            return CloudWatchSink(region: "us-east-1", namespace: "TLS", endpoint: url, verifySSL: verifySSL,
                                  accessKeyId: keyId, secretAccessKey: secret,
                                  options: .init(caBundlePath: caBundlePath, environment: [:]))
        case .emfToLogs:
            return EMFSink(namespace: "TLS",
                           destination: .cloudWatchLogs(logGroup: "/tls/test", logStream: "host-1", region: "us-east-1",
                                                        endpoint: url, verifySSL: verifySSL,
                                                        accessKeyId: keyId, secretAccessKey: secret),
                           options: .init(caBundlePath: caBundlePath, environment: [:]))
        case .otlpCollector:
            return OTLPSink(endpoint: url.appendingPathComponent("v1/metrics"), verifySSL: verifySSL,
                            options: .init(caBundlePath: caBundlePath, environment: [:]))
        case .otlpCloudWatch:
            return OTLPSink.cloudWatch(region: "us-east-1", endpoint: url.appendingPathComponent("v1/metrics"),
                                       verifySSL: verifySSL, accessKeyId: keyId, secretAccessKey: secret,
                                       options: .init(caBundlePath: caBundlePath, environment: [:]))
        case .datadog:
            return DatadogSink(apiKey: "tls-test-api-key", endpoint: url, verifySSL: verifySSL,
                               options: .init(caBundlePath: caBundlePath, environment: [:]))
        }
    }
}

@Suite("TLS verification, per sink", .enabled(if: TestEnvironment.runs(HTTPSFixture.available), "needs python3 on PATH"),
       .timeLimit(.minutes(2)))
struct TLSVerificationTests {
    private static let snapshots: [MetricSnapshot] = {
        let end = Date(timeIntervalSince1970: 1_800_000_000)
        return [MetricSnapshot(name: "Requests", kind: .counter, unit: .count, dimensions: [("stream", "s1")],
                               windowStart: end - 60, windowEnd: end, count: 3, sum: 3, min: 1, max: 1)]
    }()

    /// The TLS failure somewhere in what an export reports.
    private static func isTLSFailure(_ error: (any Error)?) -> Bool {
        guard let error else { return false }
        if case .tlsFailure = error as? HTTPTransportError { return true }
        return "\(error)".contains("tlsFailure") || "\(String(reflecting: error))".contains("tlsFailure")
    }

    @Test("verifySSL: false on one sink reaches a self-signed server; a second sink to the same host, verifying, is refused",
          arguments: TLSSinkKind.allCases)
    func verificationOffForOneSinkAlone(kind: TLSSinkKind) async throws {
        let fixture = try await HTTPSFixture()
        defer { fixture.stop() }

        let unverified = kind.make(fixture.url, verifySSL: false)
        try await unverified.start()
        let delivered = await unverified.export(Self.snapshots, attempt: .first)
        #expect(delivered.delivered == 1 && delivered.error == nil, "\(delivered.error.map { "\($0)" } ?? "")")
        #expect(await fixture.nextRequest()?.hasPrefix("POST ") == true)
        try await unverified.shutdown()

        let verified = kind.make(fixture.url, verifySSL: true)
        try await verified.start()
        let refused = await verified.export(Self.snapshots, attempt: .first)
        #expect(refused.delivered == 0)
        #expect(Self.isTLSFailure(refused.error), "\(refused.error.map { String(reflecting: $0) } ?? "no error")")
        try await verified.shutdown()
    }

    @Test("caBundlePath adds trust: the self-signed certificate as a bundle passes verification", arguments: TLSSinkKind.allCases)
    func caBundle(kind: TLSSinkKind) async throws {
        let fixture = try await HTTPSFixture()
        defer { fixture.stop() }
        let sink = kind.make(fixture.url, verifySSL: true, caBundlePath: fixture.certificatePath)
        try await sink.start()
        let result = await sink.export(Self.snapshots, attempt: .first)
        #expect(result.delivered == 1 && result.error == nil, "\(result.error.map { "\($0)" } ?? "")")
        try await sink.shutdown()
    }
}
