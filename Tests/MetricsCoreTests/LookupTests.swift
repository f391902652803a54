import Foundation
import CWMLocking
import Sinks
import Testing
@testable import MetricsCore

/// `put`'s lookup path: its hash must equal the hash of the same identity
/// built as an array (or `put` and `histogram(_:dimensions:)` would see two
/// series), and it records into the series a handle holds.
@Suite("Series lookup", .timeLimit(.minutes(3)))
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

/// An eventful sink that, for every observation of `Outer`, puts into a new
/// series of the same manager (a sink that records its own metrics).
private final class RecordingBackSink: EventfulSink, @unchecked Sendable {
    // @unchecked: `manager` is set once, before any recording.
    weak var manager: MetricsManager?
    private let created = Locked(0)
    func record(_ event: MetricEvent) {
        guard event.name == "Outer" else { return }
        let index = created.withLock { value -> Int in
            value += 1
            return value
        }
        manager?.put("Inner", 1, stream: "s\(index)")
    }
    func export(_ snapshots: [MetricSnapshot]) async throws {}
}

extension LookupTests {
    @Test("an eventful sink may create series from inside put without waiting on itself")
    func eventfulSinkCreatesSeries() async throws {
        let sink = RecordingBackSink()
        let manager = MetricsManager(level: .detailed, sink: sink)
        sink.manager = manager
        manager.put("Outer", 1, stream: "s0")   // created: the slow path
        // On a thread of its own, with a limit: a self-deadlock must fail, not hang.
        let finished = DispatchSemaphore(value: 0)
        Thread {
            for _ in 0..<3 { manager.put("Outer", 1, stream: "s0") }   // existing: the fast path
            finished.signal()
        }.start()
        #expect(finished.wait(timeout: .now() + 10) == .success, "put from inside an eventful sink hung")
        #expect(manager.snapshots().filter { $0.name == "Inner" }.count == 4)
    }
}
