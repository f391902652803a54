import AWSCore
import Foundation

extension OTLPSink {
    /// The body's encoding.
    public enum Encoding: Sendable, Equatable {
        /// `application/x-protobuf`: the binary protobuf encoding (the default).
        case protobuf
        /// `application/json`: OTLP/JSON.
        case json
    }

    /// Everything about an ``OTLPSink`` beyond its endpoint.
    public struct Options: Sendable {
        /// Binary protobuf (default) or OTLP/JSON.
        public var encoding: Encoding
        /// Request-body compression (default: gzip every body, since every
        /// OTLP/HTTP receiver, and CloudWatch's endpoint, accepts
        /// `Content-Encoding: gzip`).
        public var compression: RequestCompression
        /// Extra request headers (a collector's API key, a tenant). Their
        /// values never appear in the sink's description or errors.
        public var headers: [String: String]
        /// Resource attributes. Default: `service.name` from
        /// `OTEL_SERVICE_NAME` (else `unknown_service:<process name>`), plus
        /// the `key=value` pairs of `OTEL_RESOURCE_ATTRIBUTES`.
        public var resourceAttributes: [String: String]
        /// The instrumentation scope's name (default `"aiokpl"`, the meter the
        /// Python original created) and version.
        public var scopeName: String
        /// The instrumentation scope's version (default empty, as the original's meter had none).
        public var scopeVersion: String
        /// Put before every metric name (default `"aiokpl."`, the original's
        /// `instrument_prefix`, so its dashboards keep working).
        public var metricPrefix: String
        /// Lowercase metric names (default true): the original's names went
        /// through the OpenTelemetry Python SDK, which lowercases instrument
        /// names (`aiokpl.userrecordsput`), so that is what its dashboards
        /// query. False sends names as recorded.
        public var lowercaseMetricNames: Bool
        /// Send the Python original's twelve Kinesis-producer names
        /// (`KPLMetricName`) as the instruments its
        /// `OpenTelemetrySink` made them, whatever recorded them: counts
        /// (`UserRecordsPut`, …) as monotonic sums, `UserRecordsPending` as a
        /// gauge, the times as histograms. Default false: every metric goes by
        /// the instrument that recorded it. Turn it on when dashboards built
        /// on the original's output read these names.
        public var kinesisProducerTypes: Bool
        /// At most this many data points per request (default 1000).
        public var maxDataPointsPerRequest: Int
        /// At most this many bytes per request before compression (default
        /// 4,000,000: under CloudWatch's 5 MB and collectors' usual 4 MiB).
        public var maxRequestBytes: Int
        /// At most this many buckets on each side of an exponential histogram
        /// (default 160, the OpenTelemetry SDKs' default); wider
        /// distributions are sent at a coarser scale.
        public var maxHistogramBuckets: Int
        /// Retries: the AWS SDK standard mode, which retries 429, 502, 503,
        /// 504 and connection failures, and waits at least a `Retry-After`.
        public var retryPolicy: RetryPolicy
        /// Deadline of each request (default 10 s).
        public var requestTimeout: Duration
        /// A PEM file of extra trusted certificates (a private CA).
        public var caBundlePath: String?
        /// For the CloudWatch endpoint: credentials to use instead of the
        /// default chain (when no keys are passed).
        public var credentialProvider: (any CredentialProvider)?
        /// The sink's name in events and stats (default `"otlp"`).
        public var name: String
        /// Where `OTEL_*`, `AWS_*`, `HOME` and proxy settings are read (default:
        /// the process's environment; the initialiser keeps only those keys,
        /// and printing the options shows their names alone).
        public var environment: [String: String]

        /// Options with every setting at its default unless given (each property says its default).
        public init(encoding: Encoding = .protobuf, compression: RequestCompression = .gzip(minimumBytes: 0), headers: [String: String] = [:],
                    resourceAttributes: [String: String]? = nil, scopeName: String = "aiokpl",
                    scopeVersion: String = "", metricPrefix: String = "aiokpl.", lowercaseMetricNames: Bool = true,
                    kinesisProducerTypes: Bool = false, maxDataPointsPerRequest: Int = 1000, maxRequestBytes: Int = 4_000_000,
                    maxHistogramBuckets: Int = 160, retryPolicy: RetryPolicy = RetryPolicy(),
                    requestTimeout: Duration = .seconds(10), caBundlePath: String? = nil,
                    credentialProvider: (any CredentialProvider)? = nil, name: String = "otlp",
                    environment: [String: String] = ProcessInfo.processInfo.environment) {
            self.encoding = encoding
            self.compression = compression
            self.headers = headers
            self.resourceAttributes = resourceAttributes ?? Self.defaultResource(environment)
            self.scopeName = scopeName
            self.scopeVersion = scopeVersion
            self.metricPrefix = metricPrefix
            self.lowercaseMetricNames = lowercaseMetricNames
            self.kinesisProducerTypes = kinesisProducerTypes
            self.maxDataPointsPerRequest = maxDataPointsPerRequest
            self.maxRequestBytes = maxRequestBytes
            self.maxHistogramBuckets = maxHistogramBuckets
            self.retryPolicy = retryPolicy
            self.requestTimeout = requestTimeout
            self.caBundlePath = caBundlePath
            self.credentialProvider = credentialProvider
            self.name = name
            // Only what the sink reads: never the whole process environment.
            self.environment = environment.awsSettings.merging(environment.filter { $0.key.hasPrefix("OTEL_") }) { $1 }
        }

        /// OpenTelemetry's resource defaults, read from `environment`.
        static func defaultResource(_ environment: [String: String]) -> [String: String] {
            var attributes: [String: String] = [:]
            for pair in (environment["OTEL_RESOURCE_ATTRIBUTES"] ?? "").split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let key = parts[0].trimmingCharacters(in: .whitespaces)
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                guard !key.isEmpty else { continue }
                attributes[key] = value.removingPercentEncoding ?? value
            }
            if let service = environment["OTEL_SERVICE_NAME"], !service.isEmpty {
                attributes["service.name"] = service
            } else if attributes["service.name"] == nil {
                attributes["service.name"] = "unknown_service:" + ProcessInfo.processInfo.processName
            }
            return attributes
        }
    }
}

/// Printing, dumping or mirroring options shows every setting, but the
/// environment and headers by their names alone: they hold keys and tokens.
extension OTLPSink.Options: CustomStringConvertible, CustomReflectable {
    private var fields: [(String, Any)] {
        renderedFields([
            "encoding": encoding as Any,
            "compression": compression as Any,
            "headers": headers as Any,
            "resourceAttributes": resourceAttributes as Any,
            "scopeName": scopeName as Any,
            "scopeVersion": scopeVersion as Any,
            "metricPrefix": metricPrefix as Any,
            "lowercaseMetricNames": lowercaseMetricNames as Any,
            "kinesisProducerTypes": kinesisProducerTypes as Any,
            "maxDataPointsPerRequest": maxDataPointsPerRequest as Any,
            "maxRequestBytes": maxRequestBytes as Any,
            "maxHistogramBuckets": maxHistogramBuckets as Any,
            "credentialProvider": credentialProvider as Any,
        ])
    }

    public var description: String { OptionsRendering.description("OTLPSink.Options", fields) }
    public var customMirror: Mirror { OptionsRendering.mirror(self, fields) }
}

/// The settings every HTTP sink has, under the same names (`AWSSinkOptions`, AWSCore).
extension OTLPSink.Options: AWSSinkOptions {}
