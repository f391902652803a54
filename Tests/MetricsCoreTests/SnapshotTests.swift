import Foundation
import MetricsCore
import Testing

@Suite("MetricSnapshot", .timeLimit(.minutes(3)))
struct SnapshotTests {
    private let start = Date(timeIntervalSince1970: 1_700_000_000)

    @Test("equality compares dimensions pairwise, in order")
    func equality() {
        let a = MetricSnapshot(name: "A", dimensions: [("k", "v"), ("x", "y")], windowStart: start,
                               windowEnd: start + 60, count: 1, sum: 2, min: 2, max: 2)
        var b = a
        #expect(a == b)
        b = MetricSnapshot(name: "A", dimensions: [("x", "y"), ("k", "v")], windowStart: start,
                           windowEnd: start + 60, count: 1, sum: 2, min: 2, max: 2)
        #expect(a != b)
    }

    @Test("a unit is standard exactly when CloudWatch's 27 (and None) hold it; the common ones' shortcut agrees")
    func standardUnits() {
        for unit in MetricUnit.standardUnits { #expect(unit.isStandard, "\(unit)") }
        for raw in ["count", "Count ", "", "Furlongs", "Milliseconds/Second", "Byte"] {
            #expect(!MetricUnit(rawValue: raw).isStandard, "\(raw)")
        }
    }

    @Test("a data point's problem names the first bad field, in order: name, count, sum, min, max, last")
    func dataPointProblem() {
        func problem(name: String = "A", count: Int = 1, sum: Double = 1, min: Double = 1, max: Double = 1,
                     last: Double? = nil) -> DataPointError? {
            MetricSnapshot(name: name, windowStart: start, windowEnd: start + 60, count: count, sum: sum, min: min,
                           max: max, last: last).dataPointProblem
        }
        #expect(problem() == nil)
        #expect(problem(last: 3) == nil)
        #expect(problem(name: "", sum: .nan) == .emptyMetricName)
        #expect(problem(count: 0, sum: .nan) == .noObservations)
        #expect(problem(sum: .nan, min: .infinity) == .nonFiniteValue(field: "sum"))
        #expect(problem(min: -.infinity) == .nonFiniteValue(field: "min"))
        #expect(problem(max: .nan) == .nonFiniteValue(field: "max"))
        #expect(problem(last: .infinity) == .nonFiniteValue(field: "last"))
    }

    @Test("percentile uses nearest rank over the distribution")
    func percentile() {
        let snapshot = MetricSnapshot(
            name: "A", windowStart: start, windowEnd: start, count: 10, sum: 0, min: 1, max: 4,
            distribution: [.init(value: 1, count: 5), .init(value: 2, count: 4), .init(value: 4, count: 1)])
        #expect(snapshot.percentile(0.5) == 1)
        #expect(snapshot.percentile(0.51) == 2)
        #expect(snapshot.percentile(0.9) == 2)
        #expect(snapshot.percentile(0.91) == 4)
        #expect(snapshot.percentile(0) == 1)
        #expect(snapshot.percentile(.nan) == nil)
        let plain = MetricSnapshot(name: "A", windowStart: start, windowEnd: start, count: 1, sum: 1, min: 1, max: 1)
        #expect(plain.percentile(0.5) == nil)
    }

    @Test("the twelve KPL names are the original's")
    func kplNames() {
        #expect(KPLMetricName.all == [
            "UserRecordsReceived", "UserRecordsPut", "UserRecordsDataPut", "UserRecordsPending",
            "KinesisRecordsPut", "KinesisRecordsDataPut", "AllErrors", "ErrorsByCode",
            "RetriesPerRecord", "BufferedTime", "RequestTime", "ExpiredRecords",
        ])
    }
}
