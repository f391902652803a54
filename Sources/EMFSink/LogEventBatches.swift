/// Cuts EMF documents into PutLogEvents calls: chronological order, at most
/// `maxEvents` events and `maxBytes` bytes (messages plus 26 per event),
/// and at most 24 hours between a call's first and last event.
enum LogEventBatches {
    static let overheadPerEvent = 26
    static let maximumSpan: Int64 = 24 * 3_600_000

    /// Document indices per call, in the order the calls are made.
    static func cut(_ documents: [EMFDocument], maxEvents: Int, maxBytes: Int) -> [[Int]] {
        let order = documents.indices.sorted {
            (documents[$0].timestamp, $0) < (documents[$1].timestamp, $1)
        }
        var batches: [[Int]] = []
        var current: [Int] = []
        var bytes = 0
        for index in order {
            let size = documents[index].bytes.count + overheadPerEvent
            if let first = current.first,
               current.count >= maxEvents || bytes + size > maxBytes
                || documents[index].timestamp - documents[first].timestamp > maximumSpan {
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
