/// A window's snapshots cut into chunks of at most `maxBatchSize` (by the
/// manager, as it cuts the window), each with its snapshots' estimated
/// sizes, computed once for every sink.
struct SnapshotChunks: Sendable {
    struct Chunk: Sendable {
        let snapshots: [MetricSnapshot]
        let sizes: [Int]
    }

    let chunks: [Chunk]
    let count: Int
    let bytes: Int

    init(chunks: [Chunk]) {
        self.chunks = chunks
        self.count = chunks.reduce(0) { $0 + $1.snapshots.count }
        self.bytes = chunks.reduce(0) { $0 + $1.sizes.reduce(0, +) }
    }
}
