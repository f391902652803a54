import Foundation

/// `metrics-bench [substring]`: runs every benchmark whose group or name
/// contains the substring (all by default) and prints median figures.
/// `METRICS_BENCH_REPEATS=N` overrides every benchmark's number of runs.
/// Build in release: `swift run -c release metrics-bench`.
@main
struct Bench {
    static func main() async throws {
        let filter = CommandLine.arguments.dropFirst().first?.lowercased()
        // METRICS_BENCH_REPEATS=N runs every benchmark N times (more samples, for profiling).
        let repeatsOverride = ProcessInfo.processInfo.environment["METRICS_BENCH_REPEATS"].flatMap(Int.init)
        let benchmarks = (CoreBenchmarks.all() + AWSBenchmarks.all() + CloudWatchBenchmarks.all() + EMFBenchmarks.all() + SinkEncodingBenchmarks.all() + PipelineBenchmarks.all() + ScaleBenchmarks.all()).filter { benchmark in
            guard let filter else { return true }
            return "\(benchmark.group) \(benchmark.name)".lowercased().contains(filter)
        }
        #if DEBUG
        print("warning: debug build; figures are meaningless. Use: swift run -c release metrics-bench")
        #endif
        print("metrics-bench: median of several runs (min..max in brackets)")
        var group = ""
        var medians: [String: Double] = [:]
        for benchmark in benchmarks {
            if benchmark.group != group {
                group = benchmark.group
                print("\n[\(group)]")
            }
            var samples: [Double] = []
            for _ in 0..<(repeatsOverride ?? benchmark.repeats) { samples.append(try await benchmark.run()) }
            let measurement = Measurement(benchmark: benchmark, samples: samples)
            medians[benchmark.name] = measurement.median
            let figure = "\(format(measurement.median)) \(benchmark.unit)"
            let padded = benchmark.name.padding(toLength: max(benchmark.name.count, 78), withPad: " ", startingAt: 0)
            print("\(padded) \(figure)  [\(format(measurement.min))..\(format(measurement.max))]")
        }
        printRatios(medians)
    }

    /// Ratios of figures measured in this same run (the machine's noise
    /// cancels out better than across runs).
    static func printRatios(_ medians: [String: Double]) {
        func value(_ prefix: String) -> Double? {
            medians.first { $0.key.hasPrefix(prefix) }?.value
        }
        var lines: [String] = []
        if let counter = value("counter.increment(), 1 thread"), let atomic = value("baseline: Atomic<Int>.wrappingAdd(.relaxed), 1 thread") {
            lines.append("counter.increment() / bare relaxed atomic add, 1 thread: \(format(counter / atomic))x (goal <= 2x)")
        }
        if let counter = value("counter.increment(), 2 threads"), let atomic = value("baseline: Atomic<Int>.wrappingAdd(.relaxed), 2 threads") {
            lines.append("counter.increment() / bare relaxed atomic add, 2 threads: \(format(counter / atomic))x")
        }
        if let ours = value("SHA-256, 64 MiB buffer, SHA extensions"), let openssl = value("openssl speed"), openssl.isFinite {
            lines.append("SHA-256 / openssl speed: \(format(ours / openssl))x (goal >= 0.8x)")
        }
        if let emf = value("EMF: encode 10k series"), let put = value("PutMetricData: encode the same 10k series") {
            lines.append("EMF / PutMetricData encoding time, same 10k series: \(format(emf / put))x")
        }
        if let emf = value("EMF: bytes per series"), let put = value("PutMetricData: bytes per series") {
            lines.append("EMF / PutMetricData bytes per series: \(format(emf / put))x")
        }
        for wire in ["json", "query"] {
            if let ours = value("encode + sign 1000 datums (\(wire))"),
               let botocore = value("botocore: serialise + sign 1000 datums (\(wire))"), botocore.isFinite {
                lines.append("encode + sign 1000 datums (\(wire)): \(format(botocore / ours))x faster than botocore (goal >= 50x)")
            }
        }
        guard !lines.isEmpty else { return }
        print("\n[ratios, this run]")
        lines.forEach { print($0) }
    }
}
