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

    /// The series of one document group: the same window end and the same
    /// dimensions (wire names and values, in order).
    private struct Group {
        let timestamp: Int64
        /// A snapshot of the group, whose dimensions are the group's.
        let representative: Int
        /// The next group with the same hash (an index into the groups), or -1.
        var next: Int
        /// Its entries (a snapshot's parts count one each).
        var count = 0
    }

    struct Entry {
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
        // Groups in order of first appearance, found by a hash of their
        // dimensions (their bytes mixed a word at a time) and compared string by string:
        // no key array is built or hashed per series.
        var groups: [Group] = []
        // Each entry and its group, in batch order.
        var assigned: [(group: Int, entry: Entry)] = []
        assigned.reserveCapacity(snapshots.count)
        var firstWithHash = HashIndex(expected: snapshots.count)
        let propertyKeys = properties.isEmpty ? [] : Set(properties.map(\.key))
        var keys = CloudWatchNames.KeyMemo()
        var hasher = GroupHasher()
        // The group of the snapshot placed last: series of one dimension
        // set often come one after another, and the next is tried there
        // before it is hashed.
        var lastSlot = -1
        for index in snapshots.indices {
            let snapshot = snapshots.baseAddress! + index
            let buckets = snapshot.pointee.kind == .histogram && !snapshot.pointee.distribution.isEmpty
            let name = snapshot.pointee.name
            let timestamp = hasher.timestamp(snapshot)
            // Through the array's buffer: the pairs are read in place, not copied.
            let wireNames = snapshot.pointee.dimensions.withUnsafeBufferPointer { names.wireNames($0, keys: &keys) }
            let clash = hasher.clashes(name, wireNames: wireNames) || GroupHasher.same(name, "_aws")
                || (!propertyKeys.isEmpty && propertyKeys.contains(name))
            // The group first: a group's dimensions are those of a snapshot
            // that passed, so its later members' are not checked again.
            var hash: UInt64 = 0
            var slot = -1
            if lastSlot >= 0, groups[lastSlot].timestamp == timestamp,
               sameDimensions(snapshots.baseAddress! + groups[lastSlot].representative, snapshot) {
                slot = lastSlot
            } else {
                hash = snapshot.pointee.dimensions.withUnsafeBufferPointer {
                    hasher.hash($0, wireNames: wireNames, timestamp: timestamp)
                }
                slot = firstWithHash[hash]
                while slot >= 0, !(groups[slot].timestamp == timestamp
                                   && sameDimensions(snapshots.baseAddress! + groups[slot].representative, snapshot)) {
                    slot = groups[slot].next
                }
            }
            do {
                try names.validate(snapshot, checkingBuckets: false, dimensionsChecked: slot >= 0, keys: &keys)
                if buckets { for bucket in snapshot.pointee.distribution { _ = try CloudWatchNames.checked(bucket.value, field: "Values") } }
            } catch {
                rejected.append((index, error))
                continue
            }
            if clash {
                rejected.append((index, MetricDatumValidationError.metricNameClash(name: name)))
                continue
            }
            if slot < 0 {
                slot = groups.count
                groups.append(Group(timestamp: timestamp, representative: index, next: firstWithHash[hash]))
                firstWithHash[hash] = slot
            }
            lastSlot = slot
            let parts = buckets ? (snapshot.pointee.distribution.count + Self.maximumValuesPerMetric - 1) / Self.maximumValuesPerMetric : 1
            for part in 0..<parts { assigned.append((slot, Entry(snapshot: index, part: part, parts: parts))) }
            groups[slot].count += parts
        }
        // Each group's entries side by side, in batch order (a counting
        // sort): one array for all, rather than one growing per group.
        var starts = [Int](repeating: 0, count: groups.count + 1)
        for (groupIndex, group) in groups.enumerated() { starts[groupIndex + 1] = starts[groupIndex] + group.count }
        var ordered = [Entry](repeating: Entry(snapshot: 0, part: 0, parts: 0), count: assigned.count)
        var cursors = starts
        for (slot, entry) in assigned {
            ordered[cursors[slot]] = entry
            cursors[slot] += 1
        }

        var documents: [EMFDocument] = []
        var tooLarge = Set<Int>()
        var schema = SchemaMemo()
        var distinctNames: [String] = []
        // One buffer for the batch's documents, each copied out when done.
        var json = JSONBytes(capacity: 320 + Swift.min(snapshots.count, Self.maximumMetricsPerDocument) * 160)
        for (groupIndex, group) in groups.enumerated() {
            let entries = ordered[starts[groupIndex]..<starts[groupIndex + 1]]
            let packed = Self.pack(entries, snapshots: snapshots, distinct: &distinctNames)
            // The memo's array while the keys stay the same: no array per group.
            let dimensionNames = (snapshots.baseAddress! + group.representative).pointee.dimensions
                .withUnsafeBufferPointer { names.wireNames($0, keys: &keys) }
            for entries in packed {
                emit(entries, group: group, dimensionNames: dimensionNames, snapshots: snapshots,
                     schema: &schema, json: &json, into: &documents, tooLarge: &tooLarge)
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

    /// The same dimensions on the wire: names after renaming, and values, in order.
    /// Through pointers and the arrays' buffers: nothing is copied or retained.
    private func sameDimensions(_ one: UnsafePointer<MetricSnapshot>, _ other: UnsafePointer<MetricSnapshot>) -> Bool {
        one.pointee.dimensions.withUnsafeBufferPointer { one in
            other.pointee.dimensions.withUnsafeBufferPointer { other in
                guard one.count == other.count else { return false }
                for position in one.indices {
                    guard one[position].1 == other[position].1,
                          one[position].0 == other[position].0 || names.wireName(one[position].0) == names.wireName(other[position].0)
                    else { return false }
                }
                return true
            }
        }
    }

    /// Encodes `entries` as one document, or halves until each fits.
    private func emit(_ entries: [Entry], group: Group, dimensionNames: [String],
                      snapshots: UnsafeBufferPointer<MetricSnapshot>, schema: inout SchemaMemo, json: inout JSONBytes,
                      into documents: inout [EMFDocument], tooLarge: inout Set<Int>) {
        let bytes = document(entries, group: group, dimensionNames: dimensionNames, snapshots: snapshots,
                             schema: &schema, json: &json)
        if bytes.count <= maximumDocumentBytes {
            // Entries are in batch order, a snapshot's parts side by side.
            var carried: [Int] = []
            carried.reserveCapacity(entries.count)
            for entry in entries where carried.last != entry.snapshot { carried.append(entry.snapshot) }
            documents.append(EMFDocument(timestamp: group.timestamp, bytes: bytes, snapshots: carried))
            return
        }
        guard entries.count > 1 else {
            tooLarge.insert(entries[0].snapshot)
            return
        }
        let half = entries.count / 2
        emit(Array(entries[..<half]), group: group, dimensionNames: dimensionNames, snapshots: snapshots,
             schema: &schema, json: &json, into: &documents, tooLarge: &tooLarge)
        emit(Array(entries[half...]), group: group, dimensionNames: dimensionNames, snapshots: snapshots,
             schema: &schema, json: &json, into: &documents, tooLarge: &tooLarge)
    }

    private func document(_ entries: [Entry], group: Group, dimensionNames: [String],
                          snapshots: UnsafeBufferPointer<MetricSnapshot>, schema: inout SchemaMemo,
                          json: inout JSONBytes) -> [UInt8] {
        json.removeAll()
        let properties = self.properties.isEmpty ? [] : self.properties.filter { !dimensionNames.contains($0.key) }

        json.raw("{\"_aws\":{\"Timestamp\":")
        json.integer(group.timestamp)
        if schema.matches(dimensionNames, entries, snapshots) {
            json.raw(schema.bytes)
        } else {
            let start = json.count
            writeSchema(entries, dimensionNames: dimensionNames, properties: properties, snapshots: snapshots, into: &json)
            schema.remember(dimensionNames, entries, snapshots, bytes: json.withUnsafeBytes { Array($0[start...]) })
        }
        for (position, pair) in (snapshots.baseAddress! + group.representative).pointee.dimensions.enumerated() {
            json.raw(0x2C)
            json.string(dimensionNames[position])
            json.raw(0x3A)
            json.string(pair.1)
        }
        for property in properties {
            json.raw(0x2C)
            json.string(property.key)
            json.raw(0x3A)
            json.string(property.value)
        }
        for entry in entries {
            json.raw(0x2C)
            json.string((snapshots.baseAddress! + entry.snapshot).pointee.name)
            json.raw(0x3A)
            value(of: snapshots.baseAddress! + entry.snapshot, part: entry.part, parts: entry.parts, into: &json)
        }
        json.raw(0x7D)
        return json.bytes
    }

    /// The `CloudWatchMetrics` member after the timestamp: the namespace,
    /// the dimension sets and each metric's definition.
    private func writeSchema(_ entries: [Entry], dimensionNames: [String], properties: [(key: String, value: String)],
                             snapshots: UnsafeBufferPointer<MetricSnapshot>, into json: inout JSONBytes) {
        json.raw(",\"CloudWatchMetrics\":[{\"Namespace\":")
        json.string(namespace)
        json.raw(",\"Dimensions\":[")
        var sets: [[String]] = [dimensionNames]
        if !defaultDimensions.isEmpty {
            let members = Set(dimensionNames).union(properties.map(\.key))
            for set in defaultDimensions where set.allSatisfy(members.contains) && !sets.contains(set) { sets.append(set) }
        }
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
