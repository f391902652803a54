import Foundation
import MetricsCore
import Sinks
import Testing

/// A small deterministic generator (SplitMix64), so the data is the same on every run.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

@Suite("Histograms", .timeLimit(.minutes(3)))
struct HistogramTests {
    private func exactPercentile(_ sorted: [Double], _ q: Double) -> Double {
        let rank = max(1, Int((q * Double(sorted.count)).rounded(.up)))
        return sorted[rank - 1]
    }

    @Test("percentiles are within the stated relative error", arguments: [
        ("log-uniform 1e-3...1e6", 0),
        ("latency-like 0.1...2000 ms", 1),
        ("mixed signs", 2),
    ])
    func percentileError(label: String, shape: Int) async throws {
        var random = SplitMix64(state: 42 + UInt64(shape))
        let values: [Double] = (0..<20_000).map { _ in
            switch shape {
            case 0: return pow(10, -3 + 9 * random.unit())
            case 1: return 0.1 + pow(random.unit(), 4) * 2000
            default: return (random.unit() - 0.3) * 1e4
            }
        }
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory)
        try await manager.start()
        let histogram = manager.histogram("Latency", unit: .milliseconds)
        for value in values { histogram.record(value) }
        try await manager.shutdown()

        let snapshot = try #require(memory.snapshots(named: "Latency").first)
        let sorted = values.sorted()
        #expect(snapshot.count == values.count)
        #expect(snapshot.min == sorted.first)
        #expect(snapshot.max == sorted.last)
        #expect(abs(snapshot.sum - values.reduce(0, +)) <= 1e-9 * abs(values.reduce(0, +)) + 1e-6)
        #expect(snapshot.distribution.reduce(0) { $0 + $1.count } == values.count)
        #expect(snapshot.distribution.map(\.value) == snapshot.distribution.map(\.value).sorted())
        for q in [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1.0] {
            let exact = exactPercentile(sorted, q)
            let estimate = try #require(snapshot.percentile(q))
            let error = abs(estimate - exact) / abs(exact)
            #expect(error <= Histogram.relativeError, "\(label) q=\(q): \(estimate) vs \(exact)")
        }
    }

    @Test("the error bound is 1/128, under 1 %")
    func statedBound() {
        #expect(Histogram.relativeError == 1.0 / 128)
        #expect(Histogram.relativeError < 0.01)
    }

    @Test("zero, tiny and huge values are counted; extremes stay exact")
    func outOfRangeValues() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory)
        try await manager.start()
        let histogram = manager.histogram("Edge")
        for value in [0.0, 1e-30, -1e-30, 1e30, -1e30, 5] { histogram.record(value) }
        try await manager.shutdown()
        let snapshot = try #require(memory.allSnapshots.first)
        #expect(snapshot.count == 6)
        #expect(snapshot.min == -1e30)
        #expect(snapshot.max == 1e30)
        #expect(snapshot.distribution.first?.value == -1e30)
        #expect(snapshot.distribution.last?.value == 1e30)
        #expect(snapshot.distribution.reduce(0) { $0 + $1.count } == 6)
        #expect(snapshot.distribution.contains { $0.value == 0 && $0.count == 3 })
    }

    @Test("durations are converted to the histogram's unit")
    func durations() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory)
        try await manager.start()
        manager.histogram("Ms", unit: .milliseconds).record(.milliseconds(250))
        manager.histogram("Us", unit: .microseconds).record(.milliseconds(2))
        manager.histogram("S", unit: .seconds).record(.milliseconds(1500))
        try await manager.shutdown()
        #expect(memory.snapshots(named: "Ms").first?.sum == 250)
        #expect(memory.snapshots(named: "Us").first?.sum == 2000)
        #expect(memory.snapshots(named: "S").first?.sum == 1.5)
    }

    @Test("put creates statistics-only histograms, as the original's accumulators")
    func putHasNoDistribution() async throws {
        let memory = InMemorySink()
        let manager = MetricsManager(level: .detailed, sink: memory)
        try await manager.start()
        for value in [3.0, 1, 2] { manager.put("RequestTime", value, stream: "s1") }
        try await manager.shutdown()
        let snapshot = try #require(memory.allSnapshots.first)
        #expect(snapshot.kind == .histogram)
        #expect(snapshot.distribution.isEmpty)
        #expect((snapshot.count, snapshot.sum, snapshot.min, snapshot.max) == (3, 6, 1, 3))
    }
}
