// Recording through swift-metrics' facade: this SDK's backend against
// swift-prometheus's, in the same process and run. Build in release:
//   swift run -c release --package-path Benchmarks facade-bench
// Prints the median of several runs of each case (ns per operation) and the
// ratio ours / Prometheus. Figures only; nothing is asserted.

import CoreMetrics
import Foundation
import MetricsCore
import Prometheus
import SwiftMetricsBackend

/// Nanoseconds per call of `body`, over `count` calls.
@inline(never)
func measure(_ count: Int, _ body: (Int) -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    for index in 0..<count { body(index) }
    return Double(DispatchTime.now().uptimeNanoseconds - start) / Double(count)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

struct Case {
    let name: String
    let run: (any MetricsFactory) -> Double
    /// The same operation on the SDK's own instrument, without the facade.
    let direct: (MetricsManager) -> Double
}

let operations = 2_000_000
let dimensions = [("route", "/orders"), ("method", "POST")]
let cases = [
    Case(name: "Counter.increment()") { factory in
        let counter = CoreMetrics.Counter(label: "requests", dimensions: dimensions, factory: factory)
        return measure(operations) { _ in counter.increment() }
    } direct: { manager in
        let counter = manager.counter("requests", dimensions: dimensions)
        return measure(operations) { _ in counter.increment() }
    },
    Case(name: "Timer.recordNanoseconds") { factory in
        let timer = CoreMetrics.Timer(label: "latency", dimensions: dimensions, factory: factory)
        return measure(operations) { timer.recordNanoseconds(Int64(1_000_000 + $0 % 50_000_000)) }
    } direct: { manager in
        let histogram = manager.histogram("latency", dimensions: dimensions, unit: .milliseconds)
        return measure(operations) { histogram.record(Double(1_000_000 + $0 % 50_000_000) / 1e6) }
    },
    Case(name: "Recorder.record (aggregating)") { factory in
        let recorder = Recorder(label: "sizes", dimensions: dimensions, factory: factory)
        return measure(operations) { recorder.record(Double($0 % 1000) + 0.5) }
    } direct: { manager in
        let histogram = manager.histogram("sizes", dimensions: dimensions)
        return measure(operations) { histogram.record(Double($0 % 1000) + 0.5) }
    },
    Case(name: "Gauge.record") { factory in
        let gauge = CoreMetrics.Gauge(label: "depth", dimensions: dimensions, factory: factory)
        return measure(operations) { gauge.record(Double($0 % 1000)) }
    } direct: { manager in
        let gauge = manager.gauge("depth", dimensions: dimensions)
        return measure(operations) { gauge.set(Double($0 % 1000)) }
    },
]

#if DEBUG
print("warning: debug build; figures are meaningless. Use: swift run -c release facade-bench")
#endif
let runs = Int(ProcessInfo.processInfo.environment["FACADE_BENCH_RUNS"] ?? "") ?? 7
print("facade-bench: ns per operation through swift-metrics, median of \(runs) runs, \(operations) operations each")
print("case".padding(toLength: 32, withPad: " ", startingAt: 0) + "     ours  Prometheus   ratio   SDK direct")
for benchmark in cases {
    var ours: [Double] = []
    var theirs: [Double] = []
    var direct: [Double] = []
    // Alternated, each run with fresh factories, so drift hits both alike.
    for _ in 0..<runs {
        let manager = MetricsManager(level: .detailed, sinks: [], uploadInterval: .seconds(3600))
        ours.append(benchmark.run(MetricsManagerFactory(manager: manager)))
        theirs.append(benchmark.run(PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())))
        direct.append(benchmark.direct(MetricsManager(level: .detailed, sinks: [], uploadInterval: .seconds(3600))))
    }
    let (a, b) = (median(ours), median(theirs))
    print(benchmark.name.padding(toLength: 32, withPad: " ", startingAt: 0)
        + String(format: "%9.2f %11.2f %7.2fx %12.2f", a, b, a / b, median(direct)))
}
