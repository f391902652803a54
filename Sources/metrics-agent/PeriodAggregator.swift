import Foundation
import CWMSystemMetrics

/// Collects one period's samples and reduces them to what is published.
struct PeriodAggregator {
    struct Summary: Equatable {
        let cpuMedian: Double?
        let memoryMedian: Double
        let memoryMax: Double
        /// Time of the last sample: the datums' timestamp.
        let lastSampleTime: Date
        let samples: Int
    }

    private var cpu: [Double] = []
    private var memory: [Double] = []
    private var last: Date?

    mutating func add(_ sample: HostSample) {
        if let utilization = sample.cpuUtilization { cpu.append(utilization) }
        memory.append(sample.memoryUtilization)
        last = sample.time
    }

    var isEmpty: Bool { memory.isEmpty }

    /// The period's summary, and a fresh period; `nil` if nothing was sampled.
    mutating func finishPeriod() -> Summary? {
        defer {
            cpu.removeAll(keepingCapacity: true)
            memory.removeAll(keepingCapacity: true)
            last = nil
        }
        guard let last, let memoryMedian = Self.median(memory), let memoryMax = memory.max() else { return nil }
        return Summary(cpuMedian: Self.median(cpu), memoryMedian: memoryMedian, memoryMax: memoryMax,
                       lastSampleTime: last, samples: memory.count)
    }

    /// The middle value; for an even count the mean of the two middle ones.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
