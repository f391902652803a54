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
