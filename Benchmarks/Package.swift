// swift-tools-version:6.1
//
// The SDK measured beside what a Swift user would pick instead, in one run:
// swift-metrics with swift-prometheus, and swift-otel (OpenTelemetry). Kept
// out of the SDK's package, which stays dependency-free.
//
//   Benchmarks/compare.sh                       the comparison table
//   Benchmarks/compare.sh --smoke               every case once, no swift-otel
//   swift package --package-path Benchmarks --disable-sandbox benchmark
//
// The swift-otel peer is behind the `OTelPeer` trait (on by default): its
// build (swift-otel, AsyncHTTPClient, swift-nio-ssl) is most of this
// package's, so the smoke run in CI turns it off with
// `--disable-default-traits`; the full comparison keeps it.
//
// The benchmarks live in Benchmarks/Peers (package-benchmark's layout);
// facade-bench, a plain executable, in Sources/facade-bench.

import PackageDescription

let package = Package(
    name: "swift-cloudwatch-metrics-benchmarks",
    platforms: [.macOS(.v15)],
    traits: [
        .trait(name: "OTelPeer", description: "Measure swift-otel beside the SDK and swift-prometheus."),
        .default(enabledTraits: ["OTelPeer"]),
    ],
    dependencies: [
        .package(name: "swift-cloudwatch-metrics", path: "..", traits: ["SwiftMetrics"]),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Recording needs no exporter, but swift-otel 1.6 does not compile
        // without one: OTLP/HTTP only, gRPC (and its stack) stays off.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        // malloc's count of heap bytes in use, for memory per series.
        .target(name: "CHeap", path: "Support/CHeap"),
        .executableTarget(
            name: "Peers",
            dependencies: [
                "CHeap",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MetricsCore", package: "swift-cloudwatch-metrics"),
                .product(name: "AWSCore", package: "swift-cloudwatch-metrics"),
                .product(name: "CloudWatchSink", package: "swift-cloudwatch-metrics"),
                .product(name: "SwiftMetricsBackend", package: "swift-cloudwatch-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OTel", package: "swift-otel", condition: .when(traits: ["OTelPeer"])),
            ],
            path: "Benchmarks/Peers",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Recording through swift-metrics' facade, our backend against
        // swift-prometheus's, with the SDK's own instrument beside them:
        //   swift run -c release --package-path Benchmarks facade-bench
        .executableTarget(
            name: "facade-bench",
            dependencies: [
                .product(name: "MetricsCore", package: "swift-cloudwatch-metrics"),
                .product(name: "SwiftMetricsBackend", package: "swift-cloudwatch-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
    ]
)
