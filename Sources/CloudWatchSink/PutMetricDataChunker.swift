import CloudWatchCommon
import MetricsCore

/// Splits datums into `PutMetricData` requests: at most `maxDatums` datums
/// (1000, as the original) and at most `maxBytes` of encoded body (1 MB is
/// CloudWatch's limit), measured by encoding, not estimated.
///
/// The datums of one snapshot (a histogram can need several) go into the
/// same request, so a request that fails takes whole snapshots with it and
/// retrying them never duplicates a part that was delivered. Only a
/// snapshot too big for a request on its own is split.
struct PutMetricDataChunker {
    /// Datums `parts` of snapshot `snapshot` (an index into the batch).
    struct Entry: Sendable {
        let snapshot: Int
        let parts: Range<Int>
    }

    /// One request: what it carries and its encoded body.
    struct Chunk: Sendable {
        var entries: [Entry] = []
        var body: [UInt8] = []
        var datumCount = 0

        /// The snapshots the request carries, ascending, each once.
        var snapshotIndices: [Int] {
            var indices: [Int] = []
            for entry in entries where indices.last != entry.snapshot { indices.append(entry.snapshot) }
            return indices
        }
    }

    let wireProtocol: CloudWatchProtocol
    let namespace: String
    let maxDatums: Int
    let maxBytes: Int
    let mapper: MetricDatumMapper
    /// The buffer bodies are written into; each finished body is copied out.
    let scratch: ByteStorage

    /// Packs the datums of the snapshots at `valid` (indices into
    /// `snapshots`, ascending, each with what validation said about escaping).
    func chunks(_ snapshots: [MetricSnapshot], valid: [(index: Int, plain: Bool)]) -> [Chunk] {
        snapshots.withUnsafeBufferPointer { batch in
            var chunks: [Chunk] = []
            var body = newBody()
            var current = Chunk()
            current.entries.reserveCapacity(min(valid.count, maxDatums))

            func close() {
                guard current.datumCount > 0 else { return }
                current.body = body.finished()
                chunks.append(current)
                body = newBody()
                current = Chunk()
            }

            func fits() -> Bool {
                body.datumCount <= maxDatums && body.finishedSize <= maxBytes
            }

            var plain = false
            var keys = CloudWatchNames.KeyMemo()
            var wireNames: [String] = []
            func appendParts(_ snapshot: UnsafePointer<MetricSnapshot>, _ parts: Range<Int>) {
                for part in parts {
                    body.append(SnapshotDatum(snapshot, mapper: mapper, part: part, wireNames: wireNames, plain: plain))
                }
            }

            for (index, isPlain) in valid {
                plain = isPlain
                let snapshot = batch.baseAddress! + index
                wireNames = mapper.wireNames(snapshot, keys: &keys)
                let parts = 0..<mapper.datumCount(for: snapshot)
                let checkpoint = body.checkpoint
                appendParts(snapshot, parts)
                if !fits() {
                    // Does not fit: undo, close this request, try in a fresh one.
                    body.rollBack(to: checkpoint)
                    close()
                    appendParts(snapshot, parts)
                    if !fits() {
                        // Too big even alone: split it, datum by datum.
                        body = newBody()
                        for part in parts {
                            let before = body.checkpoint
                            appendParts(snapshot, part..<(part + 1))
                            if !fits(), current.datumCount > 0 {
                                body.rollBack(to: before)
                                close()
                                appendParts(snapshot, part..<(part + 1))
                            }
                            current.entries.append(Entry(snapshot: index, parts: part..<(part + 1)))
                            current.datumCount += 1
                        }
                        continue
                    }
                }
                current.entries.append(Entry(snapshot: index, parts: parts))
                current.datumCount += parts.count
            }
            close()
            return chunks
        }
    }

    private func newBody() -> PutMetricDataBody {
        PutMetricDataBody(protocol: wireProtocol, namespace: namespace, storage: scratch)
    }
}
