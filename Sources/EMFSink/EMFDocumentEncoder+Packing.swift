import MetricsCore

extension EMFDocumentEncoder {
    /// A group's entries in documents: greedy packing,
    /// each entry in the first document with room and without a metric of
    /// that name. A name new to the group is in no document yet, so it takes
    /// the first one with room; only a repeated name looks into the documents.
    ///
    /// `distinct`: the names of the last small group whose names were all
    /// different. A group with the same names (the usual case: the same
    /// metrics over many dimension values) has none repeated either, and
    /// goes into documents in order without its names compared pairwise.
    static func pack(_ entries: ArraySlice<Entry>, snapshots: UnsafeBufferPointer<MetricSnapshot>,
                     distinct: inout [String]) -> [[Entry]] {
        if entries.count == distinct.count,
           zip(entries, distinct).allSatisfy({ name(of: $0.0, in: snapshots) == $0.1 }) {
            return [Array(entries)]
        }
        let packed = packComparingNames(entries, snapshots: snapshots)
        if entries.count <= 16, packed.count == 1, packed[0].count == entries.count {
            distinct = entries.map { name(of: $0, in: snapshots) }
        }
        return packed
    }

    private static func name(of entry: Entry, in snapshots: UnsafeBufferPointer<MetricSnapshot>) -> String {
        (snapshots.baseAddress! + entry.snapshot).pointee.name
    }

    private static func packComparingNames(_ entries: ArraySlice<Entry>,
                                           snapshots: UnsafeBufferPointer<MetricSnapshot>) -> [[Entry]] {
        let count = entries.count
        var packed: [[Entry]] = []
        var firstWithRoom = 0
        // Up to 16 entries, names are compared; beyond, hashed.
        var seen = Set<String>()
        let hashesNames = count > 16
        func nameOf(_ entry: Entry) -> String { name(of: entry, in: snapshots) }
        for entry in entries {
            let name = nameOf(entry)
            let repeated = hashesNames
                ? !seen.insert(name).inserted
                : packed.contains { $0.contains { nameOf($0) == name } }
            var slot = firstWithRoom
            if repeated {
                while slot < packed.count, packed[slot].count >= maximumMetricsPerDocument
                        || packed[slot].contains(where: { nameOf($0) == name }) {
                    slot += 1
                }
            }
            if slot == packed.count {
                packed.append([])
                packed[slot].reserveCapacity(min(count, maximumMetricsPerDocument))
            }
            packed[slot].append(entry)
            while firstWithRoom < packed.count, packed[firstWithRoom].count >= maximumMetricsPerDocument {
                firstWithRoom += 1
            }
        }
        return packed
    }
}
