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
    ],
    targets: [
        // The lock every module uses: a pthread mutex, which ThreadSanitizer
        // understands (Synchronization.Mutex is invisible to it on Linux).
        .target(name: "Locking"),
        .target(name: "MetricsCore", dependencies: ["Locking"]),
        .target(name: "Sinks", dependencies: ["MetricsCore", "Locking"]),
        .target(name: "ConsoleSink", dependencies: ["MetricsCore"]),

        // Benchmarks: figures printed, never asserted. Run in release.
        .target(name: "CBenchSupport"),
        .executableTarget(
            name: "metrics-bench",
            dependencies: ["MetricsCore", "Sinks", "CBenchSupport"]
        ),

        // Test-only helpers: fake sinks and observers, and a thread-local
        // allocation counter (interposes malloc in the test binary on Linux).
        .target(name: "MetricsTestSupport", dependencies: ["MetricsCore", "Locking"], path: "Tests/MetricsTestSupport"),
        .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),

        .testTarget(
            name: "MetricsCoreTests",
            dependencies: ["MetricsCore", "Sinks", "MetricsTestSupport", "AllocationCounter", "Locking"]),
        .testTarget(name: "SinksTests", dependencies: ["Sinks", "MetricsCore", "MetricsTestSupport", "Locking"]),
        .testTarget(name: "ConsoleSinkTests", dependencies: ["ConsoleSink", "MetricsCore"]),
    ]
)
