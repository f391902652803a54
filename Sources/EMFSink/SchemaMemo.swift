import MetricsCore

/// The schema of the last EMF document written (the part of `_aws` after
/// the timestamp: namespace, dimension sets and metric definitions) and its
/// bytes. The documents of a batch mostly repeat it (the same metrics over
/// many dimension values): one that does copies the bytes instead of
/// writing them again. One per batch.
struct SchemaMemo {
    private var dimensionNames: [String] = []
    private var metrics: [(name: String, unit: String)] = []
    private(set) var bytes: [UInt8] = []

    /// Whether a document of these entries, with these dimension names, has
    /// the schema remembered. Everything else in a schema is the encoder's
    /// own (namespace, resolution, default dimensions, properties).
    func matches(_ dimensionNames: [String], _ entries: [EMFDocumentEncoder.Entry],
                 _ snapshots: UnsafeBufferPointer<MetricSnapshot>) -> Bool {
        guard !bytes.isEmpty, metrics.count == entries.count, dimensionNames == self.dimensionNames else { return false }
        for (position, entry) in entries.enumerated() {
            let snapshot = snapshots.baseAddress! + entry.snapshot
            guard snapshot.pointee.name == metrics[position].name,
                  snapshot.pointee.unit.rawValue == metrics[position].unit else { return false }
        }
        return true
    }

    mutating func remember(_ dimensionNames: [String], _ entries: [EMFDocumentEncoder.Entry],
                           _ snapshots: UnsafeBufferPointer<MetricSnapshot>, bytes: [UInt8]) {
        self.dimensionNames = dimensionNames
        metrics = entries.map { entry in
            let snapshot = snapshots.baseAddress! + entry.snapshot
            return (snapshot.pointee.name, snapshot.pointee.unit.rawValue)
        }
        self.bytes = bytes
    }
}
