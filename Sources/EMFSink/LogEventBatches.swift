/// Cuts EMF documents into PutLogEvents calls: chronological order, at most
/// `maxEvents` events and `maxBytes` bytes (messages plus 26 per event),
/// and at most 24 hours between a call's first and last event.
enum LogEventBatches {
    static let overheadPerEvent = 26
    static let maximumSpan: Int64 = 24 * 3_600_000

    /// Document indices per call, in the order the calls are made.
    static func cut(_ documents: [EMFDocument], maxEvents: Int, maxBytes: Int) -> [[Int]] {
        // Times and sizes read once: a document read in the sort's
        // comparisons would be copied, its arrays retained, every time.
        let timestamps = documents.map(\.timestamp)
        let sizes = documents.map { $0.bytes.count + overheadPerEvent }
        let order = documents.indices.sorted { (timestamps[$0], $0) < (timestamps[$1], $1) }
        var batches: [[Int]] = []
        var current: [Int] = []
        var bytes = 0
        for index in order {
            let size = sizes[index]
            if let first = current.first,
               current.count >= maxEvents || bytes + size > maxBytes
                || timestamps[index] - timestamps[first] > maximumSpan {
                batches.append(current)
                current = []
                bytes = 0
            }
            current.append(index)
            bytes += size
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}
