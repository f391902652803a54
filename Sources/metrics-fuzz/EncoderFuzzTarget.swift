@testable import CloudWatchSink
@testable import EMFSink
import Foundation
import MetricsCore

extension FuzzTarget {
    /// The request writers, on text of any length and content: the input's
    /// pieces (split at zero bytes) become a metric's name, its dimensions
    /// and unit, its numbers come from the input's bytes. The PutMetricData
    /// bodies (JSON and Query) and the EMF documents must come out whole:
    /// each JSON one parses, and every body is as long as its writer said.
    /// The writers make room per datum and write a datum again in more when
    /// it needs it: under AddressSanitizer, a byte past the room is a crash.
    static let encoders = FuzzTarget(name: "encoders") { data in
        let pieces = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let name = pieces[0]
        var dimensions: [(String, String)] = []
        var index = 1
        while index + 1 < pieces.count, dimensions.count < 30 {
            dimensions.append((pieces[index], pieces[index + 1]))
            index += 2
        }
        let numbers = stride(from: 0, to: data.count - 7, by: 8).map { offset in
            Double(bitPattern: data.dropFirst(offset).prefix(8).reduce(0) { $0 << 8 | UInt64($1) })
        }.filter(\.isFinite)
        let values = Array(numbers.prefix(300))
        let datum = MetricDatum(metricName: name, dimensions: dimensions.map { .init(name: $0.0, value: $0.1) },
                                statisticValues: .init(sampleCount: 1, sum: numbers.first ?? 0, minimum: numbers.last ?? 0,
                                                       maximum: values.max() ?? 0),
                                values: values, counts: values.map { _ in 1 },
                                unit: pieces.count > 2 ? pieces[pieces.count - 1] : nil,
                                timestamp: Date(timeIntervalSince1970: 1_795_437_300))
        for wire in [CloudWatchProtocol.json, .query] {
            var body = PutMetricDataBody(protocol: wire, namespace: name, reservingCapacity: 64)
            body.append(datum)
            body.append(datum)
            let bytes = body.finished()
            precondition(bytes.count == body.finishedSize, "the body's size is not what was written")
            if wire == .json {
                precondition((try? JSONSerialization.jsonObject(with: Data(bytes))) != nil, "a JSON body that does not parse")
            }
        }
        let snapshot = MetricSnapshot(name: name, kind: .counter, unit: .count, dimensions: dimensions,
                                      windowStart: Date(timeIntervalSince1970: 1_795_437_240),
                                      windowEnd: Date(timeIntervalSince1970: 1_795_437_300),
                                      count: 1, sum: numbers.first ?? 0, min: numbers.last ?? 0, max: values.max() ?? 0)
        let encoder = EMFDocumentEncoder(namespace: "Fuzz", names: CloudWatchNames(dimensionNames: KPLDimension.cloudWatchNames),
                                         storageResolution: 60, defaultDimensions: [], properties: [])
        for document in encoder.encode([snapshot, snapshot]).documents {
            precondition((try? JSONSerialization.jsonObject(with: Data(document.bytes))) != nil, "an EMF document that does not parse")
        }
    }
}
