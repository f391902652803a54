// swift-tools-version:6.0
//
// A metrics SDK for Swift services: record on the hot path, aggregate in
// process, export to CloudWatch, the console, EMF, memory or nowhere.
// Toolchain only: this manifest declares no package dependencies.

import PackageDescription

let package = Package(
    name: "swift-cloudwatch-metrics",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MetricsCore", targets: ["MetricsCore"]),
        .library(name: "Sinks", targets: ["Sinks"]),
        .library(name: "ConsoleSink", targets: ["ConsoleSink"]),
        .library(name: "AWSCore", targets: ["AWSCore"]),
        .library(name: "CloudWatchSink", targets: ["CloudWatchSink"]),
        .library(name: "SystemMetrics", targets: ["SystemMetrics"]),
        .library(name: "EMFSink", targets: ["EMFSink"]),
        .library(name: "OTLPSink", targets: ["OTLPSink"]),
        .library(name: "DatadogSink", targets: ["DatadogSink"]),
        // What a user's tests import: a recording CloudWatch client, a manual
        // clock, a recording observer, timed waits on an InMemorySink.
        .library(name: "CloudWatchMetricsTestKit", targets: ["CloudWatchMetricsTestKit"]),
        .executable(name: "metrics-agent", targets: ["metrics-agent"]),
    ],
    targets: [
        // The lock every module uses: a pthread mutex, which ThreadSanitizer
        // understands (Synchronization.Mutex is invisible to it on Linux).
        .target(name: "Locking"),
        .target(name: "MetricsCore", dependencies: ["Locking", "CCPU"]),
        // A per-thread index (thread-local storage) for striping.
        .target(name: "CCPU"),
        .target(name: "Sinks", dependencies: ["MetricsCore", "Locking"]),
        .target(name: "ConsoleSink", dependencies: ["MetricsCore", "UTCTime"]),
        // UTC dates as text without Foundation's formatters (which load ICU).
        .target(name: "UTCTime"),

        // AWS without dependencies: SHA-256 in C (SHA-NI behind a CPUID
        // check), libcurl loaded at run time for TLS options URLSession lacks
        // on Linux, zlib for gzip bodies.
        .target(name: "CSHA256"),
        .target(name: "CCurlShim", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "AWSCore", dependencies: ["CSHA256", "CCurlShim", "CZlib", "Locking", "UTCTime", "MetricsCore"]),
        .target(name: "CloudWatchSink", dependencies: ["MetricsCore", "AWSCore", "Locking"]),
        // Embedded Metric Format: documents to standard output, a file, or
        // CloudWatch Logs PutLogEvents (through AWSCore, as CloudWatchSink).
        .target(name: "EMFSink", dependencies: ["MetricsCore", "AWSCore", "Locking"]),
        // The original's other sinks, over the same HTTP transports: OTLP/HTTP
        // (our own protobuf writer; CloudWatch's OTLP endpoint signed by
        // AWSCore) and Datadog's v1 series and distribution APIs.
        .target(name: "OTLPSink", dependencies: ["MetricsCore", "AWSCore", "Locking"]),
        .target(name: "DatadogSink", dependencies: ["MetricsCore", "AWSCore", "Locking"]),
        .target(name: "SystemMetrics"),
        .target(name: "CloudWatchMetricsTestKit", dependencies: ["MetricsCore", "Sinks", "CloudWatchSink", "AWSCore", "Locking"]),

        // The host agent: samples CPU and memory, exports median and max per period.
        .executableTarget(
            name: "metrics-agent",
            dependencies: ["MetricsCore", "ConsoleSink", "CloudWatchSink", "EMFSink", "AWSCore", "SystemMetrics", "Locking"]),

        // Fuzz harnesses for the parsers of outside input (scripts/fuzz.sh);
        // built normally, it replays saved inputs.
        .executableTarget(name: "metrics-fuzz", dependencies: ["AWSCore", "OTLPSink", "SystemMetrics"]),

        // Benchmarks: figures printed, never asserted. Run in release.
        .target(name: "CBenchSupport"),
        .executableTarget(
            name: "metrics-bench",
            dependencies: ["MetricsCore", "Sinks", "AWSCore", "CloudWatchSink", "EMFSink", "OTLPSink", "DatadogSink",
                           "CBenchSupport", "Locking"]
        ),

        // Test-only helpers: fake sinks and observers, and a thread-local
        // allocation counter (interposes malloc in the test binary on Linux).
        .target(name: "MetricsTestSupport", dependencies: ["MetricsCore", "Locking"], path: "Tests/MetricsTestSupport"),
        .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
        .target(name: "HTTPTestSupport", dependencies: ["Locking"], path: "Tests/HTTPTestSupport"),

        .testTarget(
            name: "MetricsCoreTests",
            dependencies: ["MetricsCore", "Sinks", "CloudWatchMetricsTestKit", "MetricsTestSupport", "AllocationCounter", "Locking", "HTTPTestSupport"]),
        .testTarget(name: "SinksTests", dependencies: ["Sinks", "MetricsCore", "CloudWatchMetricsTestKit", "MetricsTestSupport", "Locking"]),
        .testTarget(name: "ConsoleSinkTests", dependencies: ["ConsoleSink", "MetricsCore"]),
        .testTarget(
            name: "AWSCoreTests",
            dependencies: ["AWSCore", "Locking", "HTTPTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "CloudWatchSinkTests",
            dependencies: ["CloudWatchSink", "MetricsCore", "Sinks", "AWSCore", "Locking", "CloudWatchMetricsTestKit", "MetricsTestSupport",
                           "HTTPTestSupport"]),
        // The export pipeline under faults: a failing HTTP backend, stuck sinks,
        // memory bounds, signals. Also run under ThreadSanitizer in scripts/test.sh.
        .testTarget(
            name: "ExportPipelineTests",
            dependencies: ["CloudWatchSink", "MetricsCore", "Sinks", "AWSCore", "Locking", "CloudWatchMetricsTestKit", "MetricsTestSupport",
                           "HTTPTestSupport"]),
        .testTarget(
            name: "EMFSinkTests",
            dependencies: ["EMFSink", "MetricsCore", "AWSCore", "Locking", "CloudWatchMetricsTestKit", "MetricsTestSupport",
                           "HTTPTestSupport"]),
        .testTarget(name: "OTLPSinkTests", dependencies: ["OTLPSink", "MetricsCore", "AWSCore", "HTTPTestSupport"]),
        .testTarget(name: "DatadogSinkTests", dependencies: ["DatadogSink", "MetricsCore", "AWSCore", "CloudWatchMetricsTestKit", "HTTPTestSupport"]),
        .testTarget(name: "SystemMetricsTests", dependencies: ["SystemMetrics", "metrics-fuzz"]),
        .testTarget(
            name: "MetricsAgentTests",
            dependencies: ["metrics-agent", "SystemMetrics", "HTTPTestSupport", "MetricsTestSupport"]),
        // Against a real server (moto from scripts/with-moto.sh, or LocalStack).
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["CloudWatchSink", "EMFSink", "OTLPSink", "DatadogSink", "MetricsCore", "AWSCore", "Locking",
                           "CloudWatchMetricsTestKit", "MetricsTestSupport", "HTTPTestSupport", "metrics-agent"]),
    ]
)
