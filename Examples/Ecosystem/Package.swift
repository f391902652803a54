// swift-tools-version:6.2
//
// The SDK in a Swift server service, as a user adds it: this package
// depends on the SDK exactly as a consumer does, with the three traits
// that bring its integrations (the swift-metrics backend, the swift-log
// observer, the swift-service-lifecycle service), and beside the packages
// such a service also uses: swift-metrics, swift-log, swift-crypto,
// swift-prometheus, Hummingbird. It holds
//
//   ExampleService, example-service   a Hummingbird service using all three
//   IntegrationDocExamples            Docs/swift-metrics-and-swift-log.md's examples, compiled
//   EcosystemConsumer                 one file importing every module of the SDK and of those
//                                     packages at once (module names must not collide)
//   IntegrationsTests                 the integrations' tests, through the consumer's path
//
// The packages are named by their usual GitHub URLs, so a user's package
// that also names them resolves to the same ones.

import PackageDescription

let sdk = "swift-cloudwatch-metrics"
// This package's own code compiles with warnings as errors; its
// dependencies' warnings are theirs. A warning-control setting, not an
// unsafe flag: SwiftPM applies it to this package's targets only.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "swift-cloudwatch-metrics-ecosystem",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "example-service", targets: ["example-service"]),
    ],
    dependencies: [
        // As README's install lines, by path: the traits are the point.
        .package(name: sdk, path: "../..", traits: ["SwiftMetrics", "Logging", "ServiceLifecycle"]),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
    ],
    targets: [
        // The example service: a Hummingbird app that records through
        // swift-metrics, runs under a ServiceGroup, and exports to the console
        // (or to CloudWatch when CLOUDWATCH_NAMESPACE is set).
        .target(
            name: "ExampleService",
            dependencies: [
                .product(name: "SwiftMetricsBackend", package: sdk),
                .product(name: "MetricsLogging", package: sdk),
                .product(name: "MetricsServiceLifecycle", package: sdk),
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
        // Docs/swift-metrics-and-swift-log.md's examples, compiled (not run).
        .target(
            name: "IntegrationDocExamples",
            dependencies: [
                .product(name: "SwiftMetricsBackend", package: sdk),
                .product(name: "MetricsLogging", package: sdk),
                .product(name: "MetricsServiceLifecycle", package: sdk),
                .product(name: "MetricsCore", package: sdk),
                .product(name: "ConsoleSink", package: sdk),
                .product(name: "CloudWatchSink", package: sdk),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // Every product of the SDK beside swift-metrics, swift-log,
        // swift-crypto and swift-prometheus, imported in one module.
        .target(
            name: "EcosystemConsumer",
            dependencies: [
                .product(name: "MetricsCore", package: sdk),
                .product(name: "Sinks", package: sdk),
                .product(name: "ConsoleSink", package: sdk),
                .product(name: "CloudWatchCommon", package: sdk),
                .product(name: "AWSCore", package: sdk),
                .product(name: "CloudWatchSink", package: sdk),
                .product(name: "EMFSink", package: sdk),
                .product(name: "OTLPSink", package: sdk),
                .product(name: "DatadogSink", package: sdk),
                .product(name: "CWMSystemMetrics", package: sdk),
                .product(name: "CloudWatchMetricsTestKit", package: sdk),
                .product(name: "MetricsCoreTestKit", package: sdk),
                .product(name: "SwiftMetricsBackend", package: sdk),
                .product(name: "MetricsLogging", package: sdk),
                .product(name: "MetricsServiceLifecycle", package: sdk),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict),
        .target(name: "IntegrationsTestSupport", path: "Tests/IntegrationsTestSupport", swiftSettings: strict),
        .testTarget(
            name: "IntegrationsTests",
            dependencies: [
                "IntegrationsTestSupport", "EcosystemConsumer",
                .product(name: "SwiftMetricsBackend", package: sdk),
                .product(name: "MetricsLogging", package: sdk),
                .product(name: "MetricsServiceLifecycle", package: sdk),
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
                "ExampleService", "IntegrationsTestSupport",
                .product(name: "SwiftMetricsBackend", package: sdk),
                .product(name: "MetricsCore", package: sdk),
                .product(name: "Sinks", package: sdk),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
    ]
)
