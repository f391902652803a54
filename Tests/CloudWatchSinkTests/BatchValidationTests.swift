@testable import CloudWatchSink
import Foundation
import MetricsCore
import Testing

/// A batch's snapshots that share their dimension keys have the keys
/// checked and renamed once (`CloudWatchNames.KeyMemo`): what changes from
/// one snapshot to the next must still be checked, named and escaped.
@Suite("Validation across a batch", .timeLimit(.minutes(3)))
struct BatchValidationTests {
    @Test("keys seen before: each value still checked and reported under the key's wire name; new keys checked afresh")
    func valuesAfterKnownKeys() async throws {
        let client = recordingClient()
        let batch: [(MetricSnapshot, MetricDatumValidationError?)] = [
            (snapshot("A", dimensions: [("stream", "s"), ("k", "v")]), nil),
            (snapshot("B", dimensions: [("stream", ""), ("k", "v")]), .emptyDimensionValue(dimension: "StreamName")),
            (snapshot("C", dimensions: [("stream", "s"), ("k", "café")]), .nonASCIIDimension(dimension: "k")),
            (snapshot("D", dimensions: [("stream", "s"), ("k", "a\tb")]), .controlCharacterInDimension(dimension: "k")),
            (snapshot("E", dimensions: [("stream", "s"), ("k", "   ")]), .blankDimension(dimension: "k")),
            (snapshot("F", dimensions: [("stream", String(repeating: "v", count: 1025)), ("k", "v")]),
             .dimensionValueTooLong(dimension: "StreamName", length: 1025)),
            (snapshot("G", dimensions: [("stream", "with \"quotes\" and \\"), ("k", "v")]), nil),
            (snapshot("H", dimensions: [("stream", "s2"), ("k", "v2")]), nil),
            // The same keys in another order, then a set that renames into a duplicate.
            (snapshot("I", dimensions: [("k", "v"), ("stream", "s")]), nil),
            (snapshot("J", dimensions: [("stream", "s"), ("StreamName", "t")]), .duplicateDimension(dimension: "StreamName")),
            (snapshot("K", dimensions: [("stream", "s"), ("StreamName", "t")]), .duplicateDimension(dimension: "StreamName")),
            // Keys that need escaping, known after their first snapshot.
            (snapshot("L", dimensions: [("q\"k", "v")]), nil),
            (snapshot("M", dimensions: [("q\"k", "w")]), nil),
            (snapshot("N", dimensions: []), nil),
        ]
        let rejected = try await exportCollectingRejections(sink(client), batch.map(\.0))
        let expected = batch.compactMap { snapshot, error in error.map { (snapshot.name, $0) } }
        #expect(rejected.map(\.0) == expected.map(\.0))
        for ((_, wanted), (name, error)) in zip(expected, rejected) {
            #expect(error as? MetricDatumValidationError == wanted, "\(name)")
        }
        let call = try #require(client.requests.first)
        #expect(call.datums.map(\.metricName) == ["A", "G", "H", "I", "L", "M", "N"])
        #expect(call.datums.map { $0.dimensions.map(\.name) } == [
            ["StreamName", "k"], ["StreamName", "k"], ["StreamName", "k"], ["k", "StreamName"], ["q\"k"], ["q\"k"], [],
        ])
        // The body is what the encoder writes for those datums, escapes included.
        var reference = PutMetricDataBody(protocol: .json, namespace: "MyService")
        call.datums.forEach { reference.append($0) }
        #expect(try #require(call.body) == reference.finished())
        let text = String(decoding: try #require(call.body), as: UTF8.self)
        #expect(text.contains(#"{"Name": "StreamName", "Value": "with \"quotes\" and \\"}"#))
        #expect(text.contains(#"{"Name": "q\"k", "Value": "w"}"#))
    }
}
