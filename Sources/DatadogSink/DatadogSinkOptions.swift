import CWMHTTP
import Foundation

extension DatadogSink {
    /// Everything about a ``DatadogSink`` beyond its key and site.
    public struct Options: Sendable {
        /// Put before every metric name (default `"aiokpl."`, as the original).
        public var metricPrefix: String
        /// The `host` of every series (default none, as the original).
        public var host: String?
        /// Tags added to every series (`env:prod`), after the dimensions.
        public var tags: [String]
        /// At most this many values in one distribution point (default
        /// 10,000); a window with more observations sends its distribution
        /// scaled down to this many (percentiles kept, count capped).
        public var maxValuesPerDistribution: Int
        /// At most this many bytes per request body before compression
        /// (default 3,000,000: under Datadog's 3.2 MB payload limit).
        public var maxRequestBytes: Int
        /// Request-body compression (default `.none`: Datadog's acceptance of
        /// gzip on the v1 endpoints was not verified).
        public var compression: RequestCompression
        /// Send the Python original's twelve Kinesis-producer names
        /// (`KPLMetricName`) as the types its `DatadogSink` gave
        /// them, whatever recorded them: counts (`UserRecordsPut`, …) as
        /// `count`, `UserRecordsPending` as a `gauge`, the times as
        /// distributions. Default false: every metric goes by the instrument
        /// that recorded it. Turn it on when monitors built on the original's
        /// output read these names.
        public var kinesisProducerTypes: Bool
        /// Retries: the standard mode's backoff and quota, for 408, 429, 5xx
        /// and connection failures, waiting at least a `Retry-After`.
        public var retryPolicy: RetryPolicy
        /// Deadline of each request (default 10 s).
        public var requestTimeout: Duration
        /// A PEM file of extra trusted certificates (a proxy's CA).
        public var caBundlePath: String?
        /// The sink's name in events and stats (default `"datadog"`).
        public var name: String
        /// Where `DD_API_KEY`, `DD_APP_KEY` and proxy settings are read (default:
        /// the process's environment; the initialiser keeps only `DD_*` and proxy keys,
        /// and printing the options shows their names alone).
        public var environment: [String: String]

        /// Options with every setting at its default unless given (each property says its default).
        public init(metricPrefix: String = "aiokpl.", host: String? = nil, tags: [String] = [],
                    maxValuesPerDistribution: Int = 10_000, maxRequestBytes: Int = 3_000_000, compression: RequestCompression = .none,
                    kinesisProducerTypes: Bool = false,
                    retryPolicy: RetryPolicy = RetryPolicy(), requestTimeout: Duration = .seconds(10),
                    caBundlePath: String? = nil, name: String = "datadog",
                    environment: [String: String] = ProcessInfo.processInfo.environment) {
            self.metricPrefix = metricPrefix
            self.host = host
            self.tags = tags
            self.maxValuesPerDistribution = maxValuesPerDistribution
            self.maxRequestBytes = maxRequestBytes
            self.compression = compression
            self.kinesisProducerTypes = kinesisProducerTypes
            self.retryPolicy = retryPolicy
            self.requestTimeout = requestTimeout
            self.caBundlePath = caBundlePath
            self.name = name
            // Only what the sink reads: never the whole process environment.
            self.environment = environment.proxySettings.merging(environment.filter { $0.key.hasPrefix("DD_") }) { $1 }
        }
    }
}

/// Printing, dumping or mirroring options shows every setting, but the
/// environment and headers by their names alone: they hold keys and tokens.
extension DatadogSink.Options: CustomStringConvertible, CustomReflectable {
    private var fields: [(String, Any)] {
        renderedFields([
            "metricPrefix": metricPrefix as Any,
            "host": host as Any,
            "tags": tags as Any,
            "maxValuesPerDistribution": maxValuesPerDistribution as Any,
            "maxRequestBytes": maxRequestBytes as Any,
            "compression": compression as Any,
            "kinesisProducerTypes": kinesisProducerTypes as Any,
        ])
    }

    public var description: String { OptionsRendering.description("DatadogSink.Options", fields) }
    public var customMirror: Mirror { OptionsRendering.mirror(self, fields) }
}

/// The settings every HTTP sink has, under the same names (`HTTPSinkOptions`, CWMHTTP).
extension DatadogSink.Options: HTTPSinkOptions {}
