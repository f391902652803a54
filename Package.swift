// swift-tools-version:6.1
//
// A metrics SDK for Swift services: record on the hot path, aggregate in
// process, export to CloudWatch, the console, EMF, memory or nowhere.
//
// Toolchain only by default: with no trait enabled this package resolves
// no dependency at all. Three traits, all off by default, each bring one
// integration with the Swift server ecosystem and its one dependency:
//
//   SwiftMetrics      the swift-metrics backend (product SwiftMetricsBackend)
//   Logging           the swift-log observer (product MetricsLogging)
//   ServiceLifecycle  the swift-service-lifecycle service (MetricsServiceLifecycle)
//
//   .package(url: ".../swift-cloudwatch-metrics.git", from: "0.1.0",
//            traits: ["SwiftMetrics", "Logging", "ServiceLifecycle"])

import PackageDescription

let package = Package(
    name: "swift-cloudwatch-metrics",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MetricsCore", targets: ["MetricsCore"]),
        .library(name: "Sinks", targets: ["Sinks"]),
        .library(name: "ConsoleSink", targets: ["ConsoleSink"]),
        // CloudWatch's rules and prices and the cost estimate (re-exported by
        // CloudWatchSink, EMFSink and ConsoleSink).
        .library(name: "CloudWatchCommon", targets: ["CloudWatchCommon"]),
        .library(name: "AWSCore", targets: ["AWSCore", "CWMHTTP"]),
        // Each HTTP sink's product carries CWMHTTPExport, what the four share
        // on the way out (the send loop, RetryPolicy as an ExportRetryPolicy).
        .library(name: "CloudWatchSink", targets: ["CloudWatchSink", "CWMHTTPExport", "CWMHTTP"]),
        .library(name: "CWMSystemMetrics", targets: ["CWMSystemMetrics"]),
        .library(name: "EMFSink", targets: ["EMFSink", "CWMHTTPExport", "CWMHTTP"]),
        .library(name: "OTLPSink", targets: ["OTLPSink", "CWMHTTPExport", "CWMHTTP"]),
        .library(name: "DatadogSink", targets: ["DatadogSink", "CWMHTTPExport", "CWMHTTP"]),
        // What a user's tests import: a recording CloudWatch client, and
        // everything of MetricsCoreTestKit (re-exported).
        .library(name: "CloudWatchMetricsTestKit", targets: ["CloudWatchMetricsTestKit"]),
        // The same without the AWS stack: the manual clock, the recording
        // observer, bounded waits, and sinks that fail, block or count.
        .library(name: "MetricsCoreTestKit", targets: ["MetricsCoreTestKit"]),
        // The integrations: each is empty unless its trait is enabled.
        .library(name: "SwiftMetricsBackend", targets: ["SwiftMetricsBackend"]),
        .library(name: "MetricsLogging", targets: ["MetricsLogging"]),
        .library(name: "MetricsServiceLifecycle", targets: ["MetricsServiceLifecycle"]),
        .executable(name: "metrics-agent", targets: ["metrics-agent"]),
    ],
    traits: [
        .trait(name: "SwiftMetrics", description: "A swift-metrics backend recording into a MetricsManager (SwiftMetricsBackend)."),
        .trait(name: "Logging", description: "The SDK's events through a swift-log Logger (MetricsLogging)."),
        .trait(name: "ServiceLifecycle", description: "A MetricsManager as a swift-service-lifecycle Service (MetricsServiceLifecycle)."),
        .default(enabledTraits: []),
    ],
    // Each used only under its trait: a dependency whose trait is off is
    // neither fetched nor resolved.
    dependencies: [
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // The lock every module uses: a pthread mutex, which ThreadSanitizer
        // understands (Synchronization.Mutex is invisible to it on Linux).
        .target(name: "CWMLocking"),
        .target(name: "MetricsCore", dependencies: ["CWMLocking", "CCWMCPU"]),
        // A per-thread index (thread-local storage) for striping.
        .target(name: "CCWMCPU"),
        .target(name: "Sinks", dependencies: ["MetricsCore", "CWMLocking"]),
        // What the CloudWatch sinks and the console share, and the core knows
        // nothing of: CloudWatch's name rules, its prices, the cost estimate.
        .target(name: "CloudWatchCommon", dependencies: ["MetricsCore"]),
        .target(name: "ConsoleSink", dependencies: ["MetricsCore", "CloudWatchCommon", "CWMUTCTime"]),
        // UTC dates as text without Foundation's formatters (which load ICU).
        .target(name: "CWMUTCTime"),

        // HTTP without dependencies, for every backend: libcurl loaded at
        // run time for TLS options URLSession lacks on Linux, zlib for gzip
        // bodies, proxies, the retry mode. Knows nothing of AWS or metrics.
        .target(name: "CCWMCurlShim", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .systemLibrary(name: "CCWMZlib", path: "Sources/CCWMZlib"),
        .target(name: "CWMHTTP", dependencies: ["CCWMCurlShim", "CCWMZlib", "CWMLocking", "CWMUTCTime"]),
        // AWS without dependencies, on CWMHTTP: SHA-256 in C (SHA-NI behind
        // a CPUID check), SigV4, credentials, regions, endpoints, errors.
        .target(name: "CCWMSHA256"),
        .target(name: "AWSCore", dependencies: ["CCWMSHA256", "CWMHTTP", "CWMLocking", "CWMUTCTime"]),
        // What the HTTP sinks share on the way out: the one send loop, and
        // CWMHTTP's RetryPolicy as MetricsCore's ExportRetryPolicy (so that
        // neither imports a metrics module).
        .target(name: "CWMHTTPExport", dependencies: ["MetricsCore", "CWMHTTP"]),
        .target(name: "CloudWatchSink", dependencies: ["MetricsCore", "CloudWatchCommon", "CWMHTTP", "AWSCore", "CWMHTTPExport", "CWMLocking"]),
        // Embedded Metric Format: documents to standard output, a file, or
        // CloudWatch Logs PutLogEvents (through AWSCore, as CloudWatchSink).
        .target(name: "EMFSink", dependencies: ["MetricsCore", "CloudWatchCommon", "CWMHTTP", "AWSCore", "CWMHTTPExport", "CWMLocking"]),
        // The original's other sinks, over the same HTTP transports: OTLP/HTTP
        // (our own protobuf writer; CloudWatch's OTLP endpoint signed by
        // AWSCore) and Datadog's v1 series and distribution APIs (no AWS).
        .target(name: "OTLPSink", dependencies: ["MetricsCore", "CWMHTTP", "AWSCore", "CWMHTTPExport", "CWMLocking"]),
        .target(name: "DatadogSink", dependencies: ["MetricsCore", "CWMHTTP", "CWMHTTPExport", "CWMLocking"]),
        .target(name: "CWMSystemMetrics"),
        .target(name: "MetricsCoreTestKit", dependencies: ["MetricsCore", "Sinks", "CWMLocking"]),
        .target(name: "CloudWatchMetricsTestKit", dependencies: ["MetricsCoreTestKit", "MetricsCore", "CloudWatchSink", "AWSCore", "CWMLocking"]),

        // The integrations, behind their traits.
        .target(
            name: "SwiftMetricsBackend",
            dependencies: [
                "MetricsCore",
                .product(name: "CoreMetrics", package: "swift-metrics", condition: .when(traits: ["SwiftMetrics"])),
            ]),
        .target(
            name: "MetricsLogging",
            dependencies: [
                "MetricsCore",
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Logging"])),
            ]),
        .target(
            name: "MetricsServiceLifecycle",
            dependencies: [
                "MetricsCore",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["ServiceLifecycle"])),
            ]),

        // The host agent: samples CPU and memory, exports median and max per period.
        .executableTarget(
            name: "metrics-agent",
            dependencies: ["MetricsCore", "CloudWatchCommon", "ConsoleSink", "CloudWatchSink", "EMFSink", "AWSCore", "CWMSystemMetrics", "CWMLocking"]),

        // Fuzz harnesses for the parsers of outside input (scripts/fuzz.sh);
        // built normally, it replays saved inputs.
        .executableTarget(name: "metrics-fuzz", dependencies: ["AWSCore", "CloudWatchSink", "EMFSink", "MetricsCore", "OTLPSink",
                                                            "CWMSystemMetrics", "CWMUTCTime"]),

        // Benchmarks: figures printed, never asserted. Run in release.
        .target(name: "CCWMBenchSupport"),
        .executableTarget(
            name: "metrics-bench",
            dependencies: ["MetricsCore", "Sinks", "AWSCore", "CloudWatchSink", "EMFSink", "OTLPSink", "DatadogSink",
                           "CCWMBenchSupport", "CWMLocking"]
        ),

        // Test-only helpers: fake sinks and observers, and a thread-local
        // allocation counter (interposes malloc in the test binary on Linux).
        .target(name: "CWMTestSupport", dependencies: ["MetricsCore"], path: "Tests/CWMTestSupport"),
        .target(name: "CWMAllocationCounter", path: "Tests/CWMAllocationCounter"),
        .target(name: "CWMHTTPTestSupport", dependencies: ["CWMLocking"], path: "Tests/CWMHTTPTestSupport"),

        .testTarget(
            name: "MetricsCoreTests",
            dependencies: ["MetricsCore", "Sinks", "CloudWatchCommon", "CloudWatchMetricsTestKit", "CWMAllocationCounter", "CWMLocking", "CWMHTTPTestSupport",
                           "MetricsCoreTestKit"]),
        .testTarget(name: "SinksTests", dependencies: ["Sinks", "MetricsCore", "CloudWatchMetricsTestKit", "CWMLocking", "MetricsCoreTestKit"]),
        .testTarget(name: "ConsoleSinkTests", dependencies: ["ConsoleSink", "MetricsCore"]),
        .testTarget(
            name: "AWSCoreTests",
            dependencies: ["AWSCore", "CWMLocking", "CWMUTCTime", "CWMHTTPTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "CloudWatchSinkTests",
            dependencies: ["CloudWatchSink", "MetricsCore", "Sinks", "AWSCore", "CWMLocking", "CloudWatchMetricsTestKit",
                           "CWMHTTPTestSupport"]),
        // The export pipeline under faults: a failing HTTP backend, stuck sinks,
        // memory bounds, signals. Also run under ThreadSanitizer in scripts/test.sh.
        .testTarget(
            name: "ExportPipelineTests",
            dependencies: ["CloudWatchSink", "MetricsCore", "Sinks", "AWSCore", "CWMLocking", "CloudWatchMetricsTestKit",
                           "CWMHTTPTestSupport", "MetricsCoreTestKit"]),
        .testTarget(
            name: "EMFSinkTests",
            dependencies: ["EMFSink", "MetricsCore", "AWSCore", "CWMLocking", "CloudWatchMetricsTestKit", "CWMTestSupport",
                           "CWMHTTPTestSupport", "MetricsCoreTestKit"]),
        .testTarget(name: "OTLPSinkTests", dependencies: ["OTLPSink", "MetricsCore", "AWSCore", "CWMHTTP", "CWMHTTPTestSupport"]),
        .testTarget(name: "DatadogSinkTests", dependencies: ["DatadogSink", "MetricsCore", "CWMHTTP", "CloudWatchMetricsTestKit", "CWMHTTPTestSupport"]),
        .testTarget(name: "CWMSystemMetricsTests", dependencies: ["CWMSystemMetrics", "metrics-fuzz"]),
        .testTarget(
            name: "MetricsAgentTests",
            dependencies: ["metrics-agent", "CWMSystemMetrics", "CWMHTTPTestSupport", "CWMTestSupport"]),
        // Against a real server (moto from scripts/with-moto.sh, or LocalStack).
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["CloudWatchSink", "EMFSink", "OTLPSink", "DatadogSink", "MetricsCore", "AWSCore", "CWMLocking",
                           "CloudWatchMetricsTestKit", "CWMTestSupport", "CWMHTTPTestSupport", "metrics-agent"]),
    ]
)
