// DatadogSink: snapshots to Datadog's v1 series and distribution-points
// APIs, the key only in its header.
//
// Imports: MetricsCore, CWMHTTP, CWMHTTPExport, CWMLocking.

import CWMHTTP
import CWMHTTPExport
import Foundation
import CWMLocking
import MetricsCore

/// Exports snapshots to Datadog's v1 metrics API, as the Python original's
/// `DatadogSink` did: counts and gauges to `/api/v1/series`, distributions
/// to `/api/v1/distribution_points`, dimensions as `key:value` tags, names
/// prefixed `aiokpl.`.
///
/// ```swift
/// let datadog = DatadogSink(apiKey: nil, site: "datadoghq.com")    // nil: DD_API_KEY
/// let local = DatadogSink(apiKey: "k", site: "datadoghq.com",
///                         endpoint: URL(string: "http://127.0.0.1:8126")!)  // tests, proxies
/// ```
///
/// Better than the original where it was lossy: a distribution carries the
/// histogram's observations (each bucket's value repeated by its count, up
/// to ``Options/maxValuesPerDistribution``), not only their mean, so
/// Datadog's percentiles and counts mean something (Docs/datadog.md).
///
/// The API key travels only in the `DD-API-KEY` header: never in a URL, and
/// never in the sink's description, reflection, errors or logs.
public final class DatadogSink: Sink, CustomStringConvertible, CustomReflectable {
    public let name: String
    /// The Datadog site (`datadoghq.com`, `datadoghq.eu`, `us5.datadoghq.com`, ...).
    package let site: String
    /// The base URL the API paths are appended to.
    package let baseURL: URL
    private let apiKey: String?
    private let appKey: String?
    private let verifySSL: Bool
    private let options: Options
    private let encoder: DatadogEncoder
    private let transport = Locked<(any HTTPTransport)?>(nil)

    /// - parameters:
    ///   - apiKey: the API key; `nil` reads `DD_API_KEY`.
    ///   - site: the Datadog site (default `datadoghq.com`): requests go to `https://api.{site}`.
    ///   - endpoint: a base URL instead (a proxy, a local receiver); the sink
    ///     appends `/api/v1/series` and `/api/v1/distribution_points`.
    ///   - verifySSL: verify the server's certificate (default true).
    ///   - appKey: the application key (not needed to submit metrics); `nil` reads `DD_APP_KEY`.
    ///   - options: everything else (``Options``).
    public init(apiKey: String? = nil, site: String = "datadoghq.com", endpoint: URL? = nil, verifySSL: Bool = true,
                appKey: String? = nil, options: Options = Options()) {
        self.apiKey = Self.nonEmpty(apiKey) ?? Self.nonEmpty(options.environment["DD_API_KEY"])
        self.appKey = Self.nonEmpty(appKey) ?? Self.nonEmpty(options.environment["DD_APP_KEY"])
        self.site = site
        self.verifySSL = verifySSL
        self.options = options
        name = options.name
        baseURL = endpoint ?? URL(string: "https://api.\(site)") ?? URL(fileURLWithPath: "/")
        encoder = DatadogEncoder(prefix: options.metricPrefix, host: options.host, tags: options.tags,
                                 maxValuesPerDistribution: options.maxValuesPerDistribution,
                                 kinesisProducerTypes: options.kinesisProducerTypes)
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    public var description: String {
        "DatadogSink(name: \(name), url: \(redactedURL(baseURL)), apiKey: \(apiKey == nil ? "none" : "<redacted>"))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "site": site, "url": redactedURL(baseURL)], displayStyle: .class)
    }

    public var retryPolicy: any ExportRetryPolicy { options.retryPolicy }

    /// Checks that there is an API key and a usable URL; builds the client.
    public func start() async throws {
        _ = try await resolvedTransport()
    }

    public func export(_ snapshots: [MetricSnapshot], attempt: ExportAttempt) async -> ExportResult {
        let transport: any HTTPTransport
        let apiKey: String
        do {
            transport = try await resolvedTransport()
            guard let key = self.apiKey else { throw DatadogSinkError.missingAPIKey }
            apiKey = key
        } catch {
            return .failed(snapshots, error: error)
        }
        var result = ExportResult(for: snapshots)
        let (requests, rejected) = encoder.requests(snapshots, maxBytes: max(1024, options.maxRequestBytes))
        for (index, error) in rejected { result.reject(snapshots[index], error: error) }
        await sendInOrder(requests, carrying: \.snapshots, of: snapshots, policy: options.retryPolicy, attempt: attempt,
                          into: &result, split: { request, error in halves(of: request, after: error, snapshots) }) { request in
            try await post(request, apiKey: apiKey, transport)
            return nil
        }
        return result
    }

    /// A request Datadog found too large (413) carrying more than one
    /// snapshot, encoded again as two requests of half its snapshots each
    /// (each half split again should it be refused too); `nil` otherwise.
    private func halves(of request: DatadogEncoder.Request, after error: any Error,
                        _ snapshots: [MetricSnapshot]) -> [DatadogEncoder.Request]? {
        guard (error as? HTTPStatusError)?.statusCode == 413, request.snapshots.count > 1 else { return nil }
        let middle = request.snapshots.count / 2
        return [request.snapshots[..<middle], request.snapshots[middle...]].flatMap { half in
            let indices = Array(half)
            return encoder.requests(indices.map { snapshots[$0] }, maxBytes: request.body.count).requests.map { part in
                var part = part
                part.snapshots = part.snapshots.map { indices[$0] }
                return part
            }
        }
    }

    private func post(_ request: DatadogEncoder.Request, apiKey: String, _ transport: any HTTPTransport) async throws {
        var headers = [("Content-Type", "application/json"), ("Accept", "application/json"), ("DD-API-KEY", apiKey)]
        if let appKey { headers.append(("DD-APPLICATION-KEY", appKey)) }
        let body = try options.compression.encode(Data(request.body), headers: &headers)
        let url = baseURL.appendingPathComponent(String(request.api.rawValue.dropFirst()))
        let response = try await transport.send(HTTPRequest(method: "POST", url: url, headers: headers, body: body,
                                                            timeout: options.requestTimeout))
        guard response.isSuccess else {
            // 408, 429 and 5xx are retried; 400, 403 and 413 are not.
            throw HTTPStatusError(server: "Datadog", statusCode: response.status, message: message(of: response),
                                  retryAfter: response.retryAfter() ?? rateLimitReset(response),
                                  isTransient: response.status == 408 || (500..<600).contains(response.status))
        }
    }

    /// Datadog's `{"errors": [...]}`, else the body's start; either with the
    /// keys removed, should the answer echo them.
    private func message(of response: HTTPResponse) -> String {
        var text: String
        if let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
           let errors = object["errors"] as? [String] {
            text = String(errors.joined(separator: "; ").prefix(256))
        } else {
            text = response.bodyExcerpt()
        }
        for secret in [apiKey, appKey].compactMap({ $0 }) {
            text = text.replacingOccurrences(of: secret, with: "<redacted>")
        }
        return text
    }

    /// Datadog's rate-limit header: seconds until the window resets.
    private func rateLimitReset(_ response: HTTPResponse) -> Duration? {
        guard response.status == 429, let text = response.header("X-RateLimit-Reset"), let seconds = Int(text),
              seconds >= 0 else { return nil }
        return .seconds(seconds)
    }

    private func resolvedTransport() async throws -> any HTTPTransport {
        guard let apiKey else { throw DatadogSinkError.missingAPIKey }
        try HTTPTransportError.validate(headers: [("DD-API-KEY", apiKey)] + (appKey.map { [("DD-APPLICATION-KEY", $0)] } ?? []))
        do {
            try HTTPTransportError.validate(baseURL)
        } catch {
            throw DatadogSinkError.invalidEndpoint(redactedURL(baseURL))
        }
        return try await transport.value {
            try options.transport(verifySSL: verifySSL)
        }
    }
}
