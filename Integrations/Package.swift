// swift-tools-version:6.2
//
// The SDK in the Swift server ecosystem, kept out of the core package so
// that it stays dependency-free: a swift-metrics backend, a swift-log
// observer, a swift-service-lifecycle service, and an example Hummingbird
// service using all three. The packages are named by their usual GitHub
// URLs, so a user's package that also names them resolves to the same ones.

import PackageDescription

let sdk = "swift-cloudwatch-metrics"
// This package's own code compiles with warnings as errors; its
// dependencies' warnings are theirs. A warning-control setting, not an
// unsafe flag: SwiftPM applies it to this package's targets only, and a
// package with unsafe flags could not be depended on.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "swift-cloudwatch-metrics-integrations",
    platforms: [.macOS(.v15)],
    products: [
        // `MetricsSystem.bootstrap(MetricsManagerFactory(manager: manager))`.
        .library(name: "SwiftMetricsBackend", targets: ["SwiftMetricsBackend"]),
        // The SDK's events (drops, failures, rejections) through a swift-log Logger.
        .library(name: "MetricsLogging", targets: ["MetricsLogging"]),
        // A MetricsManager run by a ServiceGroup: stops gracefully on SIGTERM or cancellation.
        .library(name: "MetricsServiceLifecycle", targets: ["MetricsServiceLifecycle"]),
        .executable(name: "example-service", targets: ["example-service"]),
    ],
    dependencies: [
        .package(name: sdk, path: ".."),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(
            name: "SwiftMetricsBackend",
            dependencies: [
                .product(name: "MetricsCore", package: sdk),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        .target(
            name: "MetricsLogging",
            dependencies: [
                .product(name: "MetricsCore", package: sdk),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "MetricsServiceLifecycle",
            dependencies: [
                .product(name: "MetricsCore", package: sdk),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // The example service: a Hummingbird app that records through
        // swift-metrics, runs under a ServiceGroup, and exports to the console
        // (or to CloudWatch when CLOUDWATCH_NAMESPACE is set).
        .target(
            name: "ExampleService",
            dependencies: [
                "SwiftMetricsBackend", "MetricsLogging", "MetricsServiceLifecycle",
                .product(name: "MetricsCore", package: sdk),
                .product(name: "ConsoleSink", package: sdk),
                .product(name: "CloudWatchSink", package: sdk),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .executableTarget(name: "example-service", dependencies: ["ExampleService"], swiftSettings: strict),
        // Recording through the facade: our backend against swift-prometheus's, one run.
        .executableTarget(
            name: "facade-bench",
            dependencies: [
                "SwiftMetricsBackend",
                .product(name: "MetricsCore", package: sdk),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict),
        // Docs/swift-metrics-and-swift-log.md's examples, compiled (not run).
        .target(
            name: "IntegrationDocExamples",
            dependencies: [
                "SwiftMetricsBackend", "MetricsLogging", "MetricsServiceLifecycle",
                .product(name: "MetricsCore", package: sdk),
                .product(name: "ConsoleSink", package: sdk),
                .product(name: "CloudWatchSink", package: sdk),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .target(name: "IntegrationsTestSupport", path: "Tests/IntegrationsTestSupport", swiftSettings: strict),
        .testTarget(
            name: "IntegrationsTests",
            dependencies: [
                "SwiftMetricsBackend", "MetricsLogging", "MetricsServiceLifecycle", "IntegrationsTestSupport",
                .product(name: "MetricsCore", package: sdk),
                .product(name: "Sinks", package: sdk),
                .product(name: "CloudWatchSink", package: sdk),
                .product(name: "CloudWatchMetricsTestKit", package: sdk),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "ExampleServiceTests",
            dependencies: [
                "ExampleService", "SwiftMetricsBackend", "IntegrationsTestSupport",
                .product(name: "MetricsCore", package: sdk),
                .product(name: "Sinks", package: sdk),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
    ]
)
