import AWSCore
import Foundation

extension CloudWatchSink {
    /// Every setting of a ``CloudWatchSink`` beyond the original's
    /// parameters, with the defaults most programs keep.
    ///
    /// ```swift
    /// var options = CloudWatchSink.Options()
    /// options.storageResolution = 1                // high resolution
    /// options.wireProtocol = .query
    /// let sink = CloudWatchSink(region: "us-east-1", namespace: "MyService", options: options)
    /// ```
    public struct Options: Sendable {
        /// `.json` (default, what botocore sends) or `.query`.
        public var wireProtocol: CloudWatchProtocol
        /// 60 (default) or 1 (high resolution).
        public var storageResolution: Int
        /// Dimension key renaming (default ``CloudWatchSink/defaultDimensionNames``).
        public var dimensionNames: [String: String]
        /// `.valuesAndCounts` (default) or `.statisticSet`.
        public var histogramEncoding: HistogramEncoding
        /// Gzip bodies of 10240 bytes or more by default.
        public var compression: RequestCompression
        /// A PEM bundle of extra trusted certificates (trust is added, never removed).
        public var caBundlePath: String?
        /// A provider to use instead of the default chain (ignored when
        /// explicit keys are given).
        public var credentialProvider: (any CredentialProvider)?
        /// The AWS SDK standard retry mode by default (3 attempts).
        public var retryPolicy: RetryPolicy
        /// Most datums per request (1 to 1000; default 1000).
        public var maxDatumsPerRequest: Int
        /// Largest request body (at least 4096; default 1 MB).
        public var maxRequestBytes: Int
        /// Deadline of each HTTP request (default 10 s).
        public var requestTimeout: Duration
        /// Export batches (each a request of up to 1000 datums) encoded,
        /// signed and sent at once (at least 1; default 4). A window of many
        /// series is encoded on every core and its round trips overlap; 1
        /// sends one request at a time, in order.
        public var maxConcurrentExports: Int
        /// The sink's name in events and stats (default `"cloudwatch"`).
        public var name: String
        /// Where `AWS_*`, `HOME` and proxy settings are read (default: the
        /// process's environment; the initialiser keeps only those keys, and
        /// printing the options shows their names alone).
        public var environment: [String: String]

        /// Options with every setting at its default unless given (each property says its default).
        public init(
            wireProtocol: CloudWatchProtocol = .json,
            storageResolution: Int = 60,
            dimensionNames: [String: String] = CloudWatchSink.defaultDimensionNames,
            histogramEncoding: HistogramEncoding = .valuesAndCounts,
            compression: RequestCompression = .gzip(minimumBytes: 10_240),
            caBundlePath: String? = nil,
            credentialProvider: (any CredentialProvider)? = nil,
            retryPolicy: RetryPolicy = RetryPolicy(),
            maxDatumsPerRequest: Int = 1000,
            maxRequestBytes: Int = 1_000_000,
            requestTimeout: Duration = .seconds(10),
            maxConcurrentExports: Int = 4,
            name: String = "cloudwatch",
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.wireProtocol = wireProtocol
            self.storageResolution = storageResolution
            self.dimensionNames = dimensionNames
            self.histogramEncoding = histogramEncoding
            self.compression = compression
            self.caBundlePath = caBundlePath
            self.credentialProvider = credentialProvider
            self.retryPolicy = retryPolicy
            self.maxDatumsPerRequest = maxDatumsPerRequest
            self.maxRequestBytes = maxRequestBytes
            self.requestTimeout = requestTimeout
            self.maxConcurrentExports = max(1, maxConcurrentExports)
            self.name = name
            // Only what the sink reads: never the whole process environment.
            self.environment = environment.awsSettings
        }
    }
}

/// Printing, dumping or mirroring options shows every setting, but the
/// environment and headers by their names alone: they hold keys and tokens.
extension CloudWatchSink.Options: CustomStringConvertible, CustomReflectable {
    private var fields: [(String, Any)] {
        renderedFields([
            "wireProtocol": wireProtocol as Any,
            "storageResolution": storageResolution as Any,
            "dimensionNames": dimensionNames as Any,
            "histogramEncoding": histogramEncoding as Any,
            "compression": compression as Any,
            "credentialProvider": credentialProvider as Any,
            "maxDatumsPerRequest": maxDatumsPerRequest as Any,
            "maxRequestBytes": maxRequestBytes as Any,
            "maxConcurrentExports": maxConcurrentExports as Any,
        ])
    }

    public var description: String { OptionsRendering.description("CloudWatchSink.Options", fields) }
    public var customMirror: Mirror { OptionsRendering.mirror(self, fields) }
}

/// The settings every HTTP sink has, under the same names (`AWSSinkOptions`, AWSCore).
extension CloudWatchSink.Options: AWSSinkOptions {}
