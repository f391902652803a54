import AWSCore
import CloudWatchCommon
import Foundation
import MetricsCore

extension EMFSink {
    /// Every setting of an ``EMFSink`` beyond its namespace, destination and
    /// default dimension sets, with the defaults most programs keep.
    ///
    /// ```swift
    /// var options = EMFSink.Options()
    /// options.properties = ["ServiceName": "checkout"]   // a root member of every document
    /// let sink = EMFSink(namespace: "MyService", destination: .standardOutput,
    ///                    defaultDimensions: [["ServiceName"]], options: options)
    /// ```
    public struct Options: Sendable {
        /// Members added to every document, usable in default dimension sets
        /// (a snapshot's dimension of the same name wins).
        public var properties: [String: String]
        /// 60 (default) or 1 (high resolution).
        public var storageResolution: Int
        /// Dimension key renaming (default: the original's, as CloudWatchSink:
        /// `stream` → `StreamName`, `shard` → `ShardId`, `error_code` → `ErrorCode`).
        public var dimensionNames: [String: String]
        /// The AWS SDK standard retry mode by default (CloudWatch Logs; a
        /// failed write to a file or standard output is not retried).
        public var retryPolicy: RetryPolicy
        /// Deadline of each HTTP request (default 10 s).
        public var requestTimeout: Duration
        /// How long one write of documents to standard output or a file
        /// handle may wait for a reader that stopped draining (default 10 s);
        /// then the export fails with `writeFailed(errno: ETIMEDOUT)` and what
        /// was not written is counted as not delivered.
        public var writeTimeout: Duration
        /// A PEM bundle of extra trusted certificates (trust is added, never removed).
        public var caBundlePath: String?
        /// A provider to use instead of the default chain (ignored when
        /// explicit keys are given).
        public var credentialProvider: (any CredentialProvider)?
        /// Builds the ``CloudWatchLogsClient`` (tests inject a fake); `nil`
        /// for the AWS client.
        public var logsClientFactory: (@Sendable () async throws -> any CloudWatchLogsClient)?
        /// Most events per PutLogEvents call (1 to 10,000; default 10,000).
        public var maxEventsPerBatch: Int
        /// Most bytes per PutLogEvents call, 26 per event included (at least
        /// 64 KiB; default 1,048,576).
        public var maxBatchBytes: Int
        /// The sink's name in events and stats (default `"emf"`).
        public var name: String
        /// Where `AWS_*`, `HOME` and proxy settings are read (default: the
        /// process's environment; the initialiser keeps only those keys, and
        /// printing the options shows their names alone).
        public var environment: [String: String]

        /// Options with every setting at its default unless given (each property says its default).
        public init(
            properties: [String: String] = [:],
            storageResolution: Int = 60,
            dimensionNames: [String: String] = KPLDimension.cloudWatchNames,
            retryPolicy: RetryPolicy = RetryPolicy(),
            requestTimeout: Duration = .seconds(10),
            caBundlePath: String? = nil,
            credentialProvider: (any CredentialProvider)? = nil,
            logsClientFactory: (@Sendable () async throws -> any CloudWatchLogsClient)? = nil,
            maxEventsPerBatch: Int = 10_000,
            maxBatchBytes: Int = 1_048_576,
            name: String = "emf",
            environment: [String: String] = ProcessInfo.processInfo.environment,
            writeTimeout: Duration = .seconds(10)
        ) {
            self.writeTimeout = writeTimeout
            self.properties = properties
            self.storageResolution = storageResolution
            self.dimensionNames = dimensionNames
            self.retryPolicy = retryPolicy
            self.requestTimeout = requestTimeout
            self.caBundlePath = caBundlePath
            self.credentialProvider = credentialProvider
            self.logsClientFactory = logsClientFactory
            self.maxEventsPerBatch = maxEventsPerBatch
            self.maxBatchBytes = maxBatchBytes
            self.name = name
            // Only what the sink reads: never the whole process environment.
            self.environment = environment.awsSettings
        }
    }
}

/// Printing, dumping or mirroring options shows every setting, but the
/// environment and headers by their names alone: they hold keys and tokens.
extension EMFSink.Options: CustomStringConvertible, CustomReflectable {
    private var fields: [(String, Any)] {
        renderedFields([
            "properties": properties as Any,
            "storageResolution": storageResolution as Any,
            "dimensionNames": dimensionNames as Any,
            "writeTimeout": writeTimeout as Any,
            "credentialProvider": credentialProvider as Any,
            "logsClientFactory": logsClientFactory == nil ? "nil" : "a factory",
            "maxEventsPerBatch": maxEventsPerBatch as Any,
            "maxBatchBytes": maxBatchBytes as Any,
        ])
    }

    public var description: String { OptionsRendering.description("EMFSink.Options", fields) }
    public var customMirror: Mirror { OptionsRendering.mirror(self, fields) }
}

/// The settings every HTTP sink has, under the same names (`AWSSinkOptions`, AWSCore).
extension EMFSink.Options: AWSSinkOptions {}
