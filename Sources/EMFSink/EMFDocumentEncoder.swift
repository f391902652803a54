import AWSCore
import CloudWatchCommon
import Foundation
import MetricsCore

/// One EMF document: a JSON object on one line (without the newline), the
/// time it is stamped with, and the snapshots (by index in the batch) whose
/// metrics it carries.
struct EMFDocument: Sendable {
    let timestamp: Int64
    let bytes: [UInt8]
    let snapshots: [Int]
}

/// Turns a batch of snapshots into EMF documents.
///
/// - Series with the same window end and the same dimensions (names after
///   renaming, and values) share a document: one `_aws` header for all
///   their metrics, which is what makes EMF cheap.
/// - Limits are met by splitting, never by dropping: at most 100 metrics per
///   directive (document), at most 100 values per metric (a larger
///   distribution continues in further documents), one member per name in a
///   document (a second series of that name goes to another document), and
///   at most ``maximumDocumentBytes`` per document.
/// - Counters, gauges and statistics-only histograms are written as
///   `{"Max","Min","Count","Sum"}`, histograms with a distribution as
///   `{"Values","Counts","Max","Min","Count","Sum"}`: exactly the statistics
///   PutMetricData would carry, and exact across the parts of a split (each
///   part has the snapshot's minimum and maximum; the last part's count and
///   sum make the totals exact).
struct EMFDocumentEncoder: Sendable {
    static let maximumMetricsPerDocument = 100
    static let maximumValuesPerMetric = 100
    static let maximumKeysPerDimensionSet = 30
    /// A PutLogEvents event may not exceed 1,048,576 bytes with its 26 bytes
    /// of overhead, so that every document fits a batch alone.
    static let maximumDocumentBytes = 1_048_576 - 26

    let namespace: String
    let names: CloudWatchNames
    let storageResolution: Int
    /// Extra dimension sets (metrique's `default_dimensions`), each kept in a
    /// document whose root members include all of its keys.
    let defaultDimensions: [[String]]
    /// Root members added to every document (a dimension of the same name wins).
    let properties: [(key: String, value: String)]
    var maximumDocumentBytes = Self.maximumDocumentBytes

    private struct GroupKey: Hashable {
        let timestamp: Int64
        let dimensions: [String]   // name, value, name, value...
    }

    private struct Entry {
        let snapshot: Int
        let part: Int
        let parts: Int
    }

    /// The documents for `snapshots`, and the snapshots rejected (by index).
    func encode(_ snapshots: [MetricSnapshot]) -> (documents: [EMFDocument], rejected: [(Int, any Error)]) {
        // Through a pointer: binding an element to a name would copy the
        // snapshot, retaining and releasing every string and array in it.
        snapshots.withUnsafeBufferPointer { encode($0) }
    }

    private func encode(_ snapshots: UnsafeBufferPointer<MetricSnapshot>) -> (documents: [EMFDocument], rejected: [(Int, any Error)]) {
        var rejected: [(Int, any Error)] = []
        var groupOrder: [GroupKey] = []
        var groups: [GroupKey: [Entry]] = [:]
        let propertyKeys = Set(properties.map(\.key))
        for index in snapshots.indices {
            let snapshot = snapshots.baseAddress! + index
            let buckets = snapshot.pointee.kind == .histogram && !snapshot.pointee.distribution.isEmpty
            do {
                try names.validate(snapshot.pointee, checkingBuckets: false)
                if buckets { for bucket in snapshot.pointee.distribution { _ = try CloudWatchNames.checked(bucket.value, field: "Values") } }
            } catch {
                rejected.append((index, error))
                continue
            }
            var dimensions: [String] = []
            dimensions.reserveCapacity(snapshot.pointee.dimensions.count * 2)
            for (key, value) in snapshot.pointee.dimensions {
                dimensions.append(names.wireName(key))
                dimensions.append(value)
            }
            let dimensionNames = stride(from: 0, to: dimensions.count, by: 2).map { dimensions[$0] }
            if snapshot.pointee.name == "_aws" || dimensionNames.contains(snapshot.pointee.name) || dimensionNames.contains("_aws")
                || propertyKeys.contains(snapshot.pointee.name) {
                rejected.append((index, MetricDatumValidationError.metricNameClash(name: snapshot.pointee.name)))
                continue
            }
            let key = GroupKey(timestamp: Self.milliseconds(snapshot.pointee.windowEnd), dimensions: dimensions)
            let parts = buckets ? (snapshot.pointee.distribution.count + Self.maximumValuesPerMetric - 1) / Self.maximumValuesPerMetric : 1
            if groups[key] == nil { groupOrder.append(key) }
            for part in 0..<parts { groups[key, default: []].append(Entry(snapshot: index, part: part, parts: parts)) }
        }

        var documents: [EMFDocument] = []
        var tooLarge = Set<Int>()
        for key in groupOrder {
            // Greedy packing: each entry goes to the first document with room
            // and without a metric of that name.
            var packed: [(names: Set<String>, entries: [Entry])] = []
            for entry in groups[key]! {
                let name = snapshots[entry.snapshot].name
                if let slot = packed.firstIndex(where: { $0.entries.count < Self.maximumMetricsPerDocument && !$0.names.contains(name) }) {
                    packed[slot].names.insert(name)
                    packed[slot].entries.append(entry)
                } else {
                    packed.append(([name], [entry]))
                }
            }
            for document in packed {
                emit(document.entries, key: key, snapshots: snapshots, into: &documents, tooLarge: &tooLarge)
            }
        }
        for index in tooLarge.sorted() {
            rejected.append((index, EMFSinkError.documentTooLarge(metric: snapshots[index].name, limit: maximumDocumentBytes)))
        }
        if !tooLarge.isEmpty {
            // A snapshot that cannot fit is dropped whole: none of its parts go out.
            documents = documents.compactMap { document in
                let kept = document.snapshots.filter { !tooLarge.contains($0) }
                return kept.count == document.snapshots.count ? document : nil
            }
        }
        return (documents, rejected.sorted { $0.0 < $1.0 })
    }

    /// Encodes `entries` as one document, or halves until each fits.
    private func emit(_ entries: [Entry], key: GroupKey, snapshots: UnsafeBufferPointer<MetricSnapshot>,
                      into documents: inout [EMFDocument], tooLarge: inout Set<Int>) {
        let bytes = document(entries, key: key, snapshots: snapshots)
        if bytes.count <= maximumDocumentBytes {
            documents.append(EMFDocument(timestamp: key.timestamp, bytes: bytes,
                                         snapshots: Array(Set(entries.map(\.snapshot))).sorted()))
            return
        }
        guard entries.count > 1 else {
            tooLarge.insert(entries[0].snapshot)
            return
        }
        let half = entries.count / 2
        emit(Array(entries[..<half]), key: key, snapshots: snapshots, into: &documents, tooLarge: &tooLarge)
        emit(Array(entries[half...]), key: key, snapshots: snapshots, into: &documents, tooLarge: &tooLarge)
    }

    private func document(_ entries: [Entry], key: GroupKey, snapshots: UnsafeBufferPointer<MetricSnapshot>) -> [UInt8] {
        var json = JSONBytes(capacity: 256 + entries.count * 96)
        let dimensionNames = stride(from: 0, to: key.dimensions.count, by: 2).map { key.dimensions[$0] }
        let properties = self.properties.filter { !dimensionNames.contains($0.key) }
        let members = Set(dimensionNames).union(properties.map(\.key))

        json.raw("{\"_aws\":{\"Timestamp\":")
        json.integer(key.timestamp)
        json.raw(",\"CloudWatchMetrics\":[{\"Namespace\":")
        json.string(namespace)
        json.raw(",\"Dimensions\":[")
        var sets: [[String]] = [dimensionNames]
        for set in defaultDimensions where set.allSatisfy(members.contains) && !sets.contains(set) { sets.append(set) }
        for (index, set) in sets.enumerated() {
            if index > 0 { json.raw(0x2C) }
            json.raw(0x5B)
            for (position, name) in set.enumerated() {
                if position > 0 { json.raw(0x2C) }
                json.string(name)
            }
            json.raw(0x5D)
        }
        json.raw("],\"Metrics\":[")
        for (index, entry) in entries.enumerated() {
            let snapshot = snapshots.baseAddress! + entry.snapshot
            if index > 0 { json.raw(0x2C) }
            json.raw("{\"Name\":")
            json.string(snapshot.pointee.name)
            json.raw(",\"Unit\":")
            json.string(snapshot.pointee.unit.rawValue)
            json.raw(",\"StorageResolution\":")
            json.integer(storageResolution)
            json.raw(0x7D)
        }
        json.raw("]}]}")
        for position in stride(from: 0, to: key.dimensions.count, by: 2) {
            json.raw(0x2C)
            json.string(key.dimensions[position])
            json.raw(0x3A)
            json.string(key.dimensions[position + 1])
        }
        for property in properties {
            json.raw(0x2C)
            json.string(property.key)
            json.raw(0x3A)
            json.string(property.value)
        }
        for entry in entries {
            json.raw(0x2C)
            json.string(snapshots[entry.snapshot].name)
            json.raw(0x3A)
            value(of: snapshots.baseAddress! + entry.snapshot, part: entry.part, parts: entry.parts, into: &json)
        }
        json.raw(0x7D)
        return json.bytes
    }

    /// The metric's member: statistics, or one part of a distribution.
    private func value(of snapshot: UnsafePointer<MetricSnapshot>, part: Int, parts: Int, into json: inout JSONBytes) {
        let buckets = snapshot.pointee.kind == .histogram && !snapshot.pointee.distribution.isEmpty
        var count = snapshot.pointee.count
        var sum = snapshot.pointee.sum
        json.raw(0x7B)
        if buckets {
            let range = Self.range(of: part, in: snapshot.pointee.distribution.count)
            if parts > 1 {
                // Parts before the last carry their buckets' share; the last
                // one the rest, so that the totals stay exact.
                let share = { (range: Range<Int>) -> (Int, Double) in
                    snapshot.pointee.distribution[range].reduce((0, 0.0)) { ($0.0 + $1.count, $0.1 + $1.value * Double($1.count)) }
                }
                if part < parts - 1 {
                    (count, sum) = share(range)
                } else {
                    let before = share(0..<range.lowerBound)
                    count = snapshot.pointee.count - before.0
                    sum = snapshot.pointee.sum - before.1
                }
            }
            json.raw("\"Values\":[")
            for index in range {
                if index > range.lowerBound { json.raw(0x2C) }
                json.number(CloudWatchNames.clamped(snapshot.pointee.distribution[index].value))
            }
            json.raw("],\"Counts\":[")
            for index in range {
                if index > range.lowerBound { json.raw(0x2C) }
                json.integer(snapshot.pointee.distribution[index].count)
            }
            json.raw("],")
        }
        json.raw("\"Max\":")
        json.number(CloudWatchNames.clamped(snapshot.pointee.max))
        json.raw(",\"Min\":")
        json.number(CloudWatchNames.clamped(snapshot.pointee.min))
        json.raw(",\"Count\":")
        json.integer(count)
        json.raw(",\"Sum\":")
        json.number(CloudWatchNames.clamped(sum))
        json.raw(0x7D)
    }

    static func range(of part: Int, in count: Int) -> Range<Int> {
        let start = part * maximumValuesPerMetric
        return start..<Swift.min(start + maximumValuesPerMetric, count)
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
