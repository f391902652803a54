import Foundation
import MetricsCore
import CWMTestSupport
import Testing
@testable import EMFSink

private func encoder(defaultDimensions: [[String]] = [], properties: [String: String] = [:],
                     resolution: Int = 60) -> EMFDocumentEncoder {
    EMFDocumentEncoder(namespace: "MyService", names: CloudWatchNames(dimensionNames: KPLDimension.cloudWatchNames),
                       storageResolution: resolution, defaultDimensions: defaultDimensions,
                       properties: properties.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
}

private func parsed(_ documents: [EMFDocument]) -> [[String: Any]] {
    documents.map { EMFSchema.check($0.bytes) }
}

private func metrics(_ document: [String: Any]) -> [String] {
    let aws = document["_aws"] as! [String: Any]
    let directive = (aws["CloudWatchMetrics"] as! [[String: Any]])[0]
    return (directive["Metrics"] as! [[String: Any]]).map { $0["Name"] as! String }
}

private func dimensionSets(_ document: [String: Any]) -> [[String]] {
    let aws = document["_aws"] as! [String: Any]
    return (aws["CloudWatchMetrics"] as! [[String: Any]])[0]["Dimensions"] as! [[String]]
}

@Suite("EMF documents", .timeLimit(.minutes(3)))
struct EMFDocumentTests {
    @Test("series with the same dimensions share one document; names renamed as CloudWatchSink; statistics exact")
    func shape() throws {
        let dims = [("stream", "s1"), ("shard", "shardId-1"), ("host", "a")]
        let (documents, rejected) = encoder().encode([
            snapshot("UserRecordsPut", dimensions: dims, count: 3, sum: 3),
            snapshot("Latency", kind: .histogram, unit: .milliseconds, dimensions: dims, count: 2, sum: 7.5, min: 2.5, max: 5),
            snapshot("Pending", kind: .gauge, unit: .none, dimensions: dims, count: 4, sum: 10, min: 1, max: 4),
        ])
        #expect(rejected.isEmpty)
        let document = try #require(parsed(documents).first)
        #expect(documents.count == 1)
        let aws = document["_aws"] as! [String: Any]
        #expect((aws["Timestamp"] as! NSNumber).int64Value == 1_795_437_300_000)
        let directive = (aws["CloudWatchMetrics"] as! [[String: Any]])[0]
        #expect(directive["Namespace"] as? String == "MyService")
        #expect(dimensionSets(document) == [["StreamName", "ShardId", "host"]])
        #expect(document["StreamName"] as? String == "s1")
        let definitions = directive["Metrics"] as! [[String: Any]]
        #expect(definitions.map { $0["Unit"] as! String } == ["Count", "Milliseconds", "None"])
        #expect(definitions.allSatisfy { $0["StorageResolution"] as? Int == 60 })
        let latency = document["Latency"] as! [String: Any]
        #expect(latency["Count"] as? Int == 2 && latency["Sum"] as? Double == 7.5)
        #expect(latency["Min"] as? Double == 2.5 && latency["Max"] as? Int == 5)
        #expect(documents[0].snapshots == [0, 1, 2])
    }

    @Test("a series without dimensions gets Dimensions [[]]; different values or times, different documents")
    func grouping() throws {
        let later = windowEnd + 60
        let (documents, _) = encoder().encode([
            snapshot("A"), snapshot("B", dimensions: [("stream", "s1")]), snapshot("C", dimensions: [("stream", "s2")]),
            snapshot("D", dimensions: [("stream", "s1")]), snapshot("E", end: later),
        ])
        let parsedDocuments = parsed(documents)
        #expect(parsedDocuments.map(metrics) == [["A"], ["B", "D"], ["C"], ["E"]])
        #expect(dimensionSets(parsedDocuments[0]) == [[]])
    }

    @Test("at most 100 metrics per document, and one member per name")
    func metricLimit() {
        let series = (0..<250).map { snapshot("M\($0)", dimensions: [("stream", "s")]) }
        let (documents, _) = encoder().encode(series + [snapshot("M0", kind: .gauge, dimensions: [("stream", "s")])])
        let counts = parsed(documents).map { metrics($0).count }
        #expect(counts == [100, 100, 51])
        #expect(Set(documents.flatMap(\.snapshots)).count == 251)
        // A small group (names compared rather than hashed) splits alike.
        let small = ["A", "B", "A", "C", "A"].map { snapshot($0, dimensions: [("stream", "s")]) }
        let (smallDocuments, _) = encoder().encode(small)
        #expect(smallDocuments.map(\.snapshots) == [[0, 1, 3], [2], [4]])
        // After groups of the same distinct names (packed without comparing
        // them again), a group with a repeated name is still split.
        let sets = [("s1", ["A", "B"]), ("s2", ["A", "B"]), ("s3", ["A", "A"]), ("s4", ["A", "B"]), ("s5", ["A", "B", "C"])]
        let (setDocuments, _) = encoder().encode(sets.flatMap { value, names in
            names.map { snapshot($0, dimensions: [("stream", value)]) }
        })
        #expect(parsed(setDocuments).map(metrics) == [["A", "B"], ["A", "B"], ["A"], ["A"], ["A", "B"], ["A", "B", "C"]])
    }

    @Test("a distribution over 100 values continues in further documents, with exact totals across them")
    func distributionSplit() throws {
        let buckets = (1...250).map { MetricSnapshot.Bucket(value: Double($0), count: 2) }
        let total = buckets.reduce(0) { $0 + $1.value * Double($1.count) } + 0.25   // not the buckets' sum: exact
        let (documents, rejected) = encoder().encode([
            snapshot("Latency", kind: .histogram, unit: .milliseconds, count: 501, sum: total, min: 0.5, max: 250,
                     distribution: buckets),
        ])
        #expect(rejected.isEmpty)
        let parts = parsed(documents).map { $0["Latency"] as! [String: Any] }
        #expect(parts.map { ($0["Values"] as! [Any]).count } == [100, 100, 50])
        #expect(parts.reduce(0) { $0 + ($1["Count"] as! Int) } == 501)
        #expect(abs(parts.reduce(0.0) { $0 + ($1["Sum"] as! NSNumber).doubleValue } - total) < 1e-9)
        #expect(parts.allSatisfy { ($0["Min"] as! NSNumber).doubleValue == 0.5 && ($0["Max"] as! NSNumber).doubleValue == 250 })
    }

    @Test("default dimension sets: a roll-up, a set on a property, and a set whose keys are missing is left out")
    func defaultDimensions() throws {
        let (documents, _) = encoder(defaultDimensions: [[], ["ServiceName"], ["Missing"], ["ServiceName", "StreamName"]],
                                     properties: ["ServiceName": "checkout"]).encode([
            snapshot("A", dimensions: [("stream", "s1")]),
        ])
        let document = try #require(parsed(documents).first)
        #expect(dimensionSets(document) == [["StreamName"], [], ["ServiceName"], ["ServiceName", "StreamName"]])
        #expect(document["ServiceName"] as? String == "checkout")
    }

    @Test("invalid snapshots are rejected with CloudWatchSink's typed errors; the rest is encoded")
    func rejections() {
        let (documents, rejected) = encoder(properties: ["Service": "x"]).encode([
            snapshot("Bad", sum: .nan), snapshot("Good"), snapshot("", dimensions: []),
            snapshot("host", dimensions: [("host", "h")]), snapshot("Service"),
            snapshot("Hist", kind: .histogram, distribution: [.init(value: .infinity, count: 1)]),
            // Dimensions are checked once per group: a rejected snapshot makes no group, so the
            // next one with the same dimensions is checked (and rejected) too.
            snapshot("Empty1", dimensions: [("stream", "")]), snapshot("Empty2", dimensions: [("stream", "")]),
        ])
        #expect(documents.flatMap(\.snapshots) == [1])
        #expect(rejected.map(\.0) == [0, 2, 3, 4, 5, 6, 7])
        #expect(rejected.map { $0.1 as? MetricDatumValidationError } == [
            .nonFiniteValue(field: "Sum"), .emptyMetricName, .metricNameClash(name: "host"),
            .metricNameClash(name: "Service"), .nonFiniteValue(field: "Values"),
            .emptyDimensionValue(dimension: "StreamName"), .emptyDimensionValue(dimension: "StreamName"),
        ])
    }

    @Test("over the byte limit a document is halved until it fits; a snapshot too large alone is rejected whole")
    func byteLimit() {
        var small = encoder()
        small.maximumDocumentBytes = 2_000
        let series = (0..<40).map { snapshot("Metric\($0)", dimensions: [("stream", "s")]) }
        let (documents, rejected) = small.encode(series)
        #expect(rejected.isEmpty)
        #expect(documents.count > 1)
        #expect(documents.allSatisfy { $0.bytes.count <= 2_000 })
        #expect(documents.flatMap(\.snapshots).sorted() == Array(0..<40))
        for document in documents { #expect(EMFSchema.problems(document.bytes).isEmpty) }

        let wide = snapshot("Wide", dimensions: (0..<5).map { ("d\($0)", String(repeating: "v", count: 1000)) })
        let (kept, tooLarge) = small.encode([wide, snapshot("Fine")])
        #expect(kept.flatMap(\.snapshots) == [1])
        #expect(tooLarge.map(\.0) == [0])
        #expect(tooLarge.first?.1 as? EMFSinkError == .documentTooLarge(metric: "Wide", limit: 2_000))
    }

    @Test("names and values are escaped; numbers are JSON numbers")
    func escaping() throws {
        let (documents, _) = encoder().encode([
            snapshot("quote\"back\\slash", dimensions: [("k", "a\"b\\c")], count: 1, sum: 1e-5, min: -0.0, max: 1.5e100),
        ])
        let document = try #require(parsed(documents).first)
        #expect(document["k"] as? String == "a\"b\\c")
        let value = try #require(document["quote\"back\\slash"] as? [String: Any])
        #expect((value["Sum"] as! NSNumber).doubleValue == 1e-5)
    }

    @Test("a schema copied from the document before stays exact when a unit, the metrics' order or the dimension names change")
    func schemaReuse() {
        let (documents, rejected) = encoder().encode([
            snapshot("A", dimensions: [("stream", "s1")]), snapshot("B", dimensions: [("stream", "s1")]),
            snapshot("A", dimensions: [("stream", "s2")]), snapshot("B", dimensions: [("stream", "s2")]),
            snapshot("A", unit: .milliseconds, dimensions: [("stream", "s3")]), snapshot("B", dimensions: [("stream", "s3")]),
            snapshot("B", dimensions: [("stream", "s4")]), snapshot("A", dimensions: [("stream", "s4")]),
            snapshot("A", dimensions: [("host", "s5")]), snapshot("B", dimensions: [("host", "s5")]),
            snapshot("A", dimensions: [("stream", "s6")]),
        ])
        #expect(rejected.isEmpty)
        let parsedDocuments = parsed(documents)
        #expect(parsedDocuments.map(metrics) == [["A", "B"], ["A", "B"], ["A", "B"], ["B", "A"], ["A", "B"], ["A"]])
        #expect(parsedDocuments.map(dimensionSets) == [[["StreamName"]], [["StreamName"]], [["StreamName"]], [["StreamName"]],
                                                        [["host"]], [["StreamName"]]])
        let units = parsedDocuments.map { document -> [String] in
            let aws = document["_aws"] as! [String: Any]
            let definitions = (aws["CloudWatchMetrics"] as! [[String: Any]])[0]["Metrics"] as! [[String: Any]]
            return definitions.map { $0["Unit"] as! String }
        }
        #expect(units == [["Count", "Count"], ["Count", "Count"], ["Milliseconds", "Count"], ["Count", "Count"],
                          ["Count", "Count"], ["Count"]])
        #expect(parsedDocuments.map { ($0["StreamName"] ?? $0["host"]) as? String } == ["s1", "s2", "s3", "s4", "s5", "s6"])
    }
}
