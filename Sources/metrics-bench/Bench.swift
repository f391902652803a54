import Foundation

/// `metrics-bench [substring]`: runs every benchmark whose group or name
/// contains the substring (all by default) and prints median figures.
/// Build in release: `swift run -c release metrics-bench`.
@main
struct Bench {
    static func main() async throws {
        let filter = CommandLine.arguments.dropFirst().first?.lowercased()
        let benchmarks = CoreBenchmarks.all().filter { benchmark in
            guard let filter else { return true }
            return "\(benchmark.group) \(benchmark.name)".lowercased().contains(filter)
        }
        #if DEBUG
        print("warning: debug build; figures are meaningless. Use: swift run -c release metrics-bench")
        #endif
        print("metrics-bench: median of several runs (min..max in brackets)")
        var group = ""
        for benchmark in benchmarks {
            if benchmark.group != group {
                group = benchmark.group
                print("\n[\(group)]")
            }
            var samples: [Double] = []
            for _ in 0..<benchmark.repeats { samples.append(try await benchmark.run()) }
            let measurement = Measurement(benchmark: benchmark, samples: samples)
            let figure = "\(format(measurement.median)) \(benchmark.unit)"
            let padded = benchmark.name.padding(toLength: max(benchmark.name.count, 78), withPad: " ", startingAt: 0)
            print("\(padded) \(figure)  [\(format(measurement.min))..\(format(measurement.max))]")
        }
    }
}
