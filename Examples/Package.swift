// swift-tools-version:6.0
//
// The documented examples, compiled from outside the SDK's package exactly
// as a user's program and test target are: only the SDK's products are
// visible here, never its `package` or internal declarations.
// scripts/check-doc-examples.py checks that every Swift example in
// README.md and Docs/ is here as written (Doc_*.swift, one file a block,
// made by its --write); scripts/test.sh builds and tests this package.
// Examples/Ecosystem, a package of its own, is the SDK with its traits in a
// Swift server service (swift-metrics, swift-log, Hummingbird, ...).

import PackageDescription

let sdk = "swift-cloudwatch-metrics"

let package = Package(
    name: "examples",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: sdk, path: "..")],
    targets: [
        .executableTarget(
            name: "DocExamples",
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
                .product(name: "CloudWatchMetricsTestKit", package: sdk),
            ]),
        .testTarget(
            name: "UserTests",
            dependencies: [
                .product(name: "MetricsCore", package: sdk),
                .product(name: "Sinks", package: sdk),
                .product(name: "AWSCore", package: sdk),
                .product(name: "CloudWatchSink", package: sdk),
                .product(name: "CloudWatchMetricsTestKit", package: sdk),
            ]),
        // A test target that links no AWS module: the generic test kit alone.
        .testTarget(
            name: "CoreOnlyUserTests",
            dependencies: [
                .product(name: "MetricsCore", package: sdk),
                .product(name: "Sinks", package: sdk),
                .product(name: "MetricsCoreTestKit", package: sdk),
            ]),
    ]
)
