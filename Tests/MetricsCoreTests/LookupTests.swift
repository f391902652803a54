import Sinks
import Testing
@testable import MetricsCore

/// `put`'s lookup path: its hash must equal the hash of the same identity
/// built as an array (or `put` and `histogram(_:dimensions:)` would see two
/// series), and it records into the series a handle holds.
@Suite("Series lookup")
struct LookupTests {
    @Test("put's precomputed dimension names hash exactly as the names themselves",
          arguments: [
              (String?("s1"), String?("shardId-000000000001"), String?("ThrottledException")),
              ("a-stream-name-longer-than-sixteen-bytes", nil, nil),
              (nil, "shard", nil), (nil, nil, "e"), (nil, nil, nil), ("", "", ""),
          ])
    func precomputedKeys(stream: String?, shard: String?, errorCode: String?) {
        let pairs = KPLDimensionPairs(stream: stream, shard: shard, errorCode: errorCode)
        let array = pairs.materialized()
        #expect(array.count == pairs.pairCount)
        #expect(SeriesDescriptor.hash(name: "UserRecordsPut", kind: .histogram, dimensions: pairs)
            == SeriesDescriptor.hash(name: "UserRecordsPut", kind: .histogram, dimensions: array))
    }

    @Test("put records into the histogram a handle of the same identity holds")
    func putFindsTheHandle() {
        let manager = MetricsManager(level: .detailed, sink: NullSink())
        let handle = manager.histogram("UserRecordsPut", dimensions: [("stream", "s1"), ("shard", "shard-1")])
        manager.put("UserRecordsPut", 4, stream: "s1", shardId: "shard-1")
        manager.put("UserRecordsPut", 6, stream: "s1", shardId: "shard-1")
        manager.put("UserRecordsPut", 1, stream: "s2", shardId: "shard-1")
        let mine = manager.snapshots().filter { $0.dimensions.contains { $0 == ("stream", "s1") } }
        #expect(mine.count == 1)
        #expect(mine.first?.count == 2 && mine.first?.sum == 10)
        #expect(manager.stats().seriesCount == 2)
        withExtendedLifetime(handle) {}
    }
}

extension LookupTests {
    @Test("the hash reads every byte of a string: changing any one changes it")
    func everyByteCounts() {
        func hash(_ string: String) -> Int {
            var hasher = SeriesHasher()
            hasher.combine(string)
            return hasher.finalize()
        }
        for length in 0...24 {
            let base = String(repeating: "a", count: length)
            #expect(hash(base) != hash(base + "a"), "length \(length)")
            for position in 0..<length {
                var bytes = Array(base.utf8)
                bytes[position] = UInt8(ascii: "b")
                #expect(hash(String(decoding: bytes, as: UTF8.self)) != hash(base), "length \(length), byte \(position)")
            }
        }
    }
}
