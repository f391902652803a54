import AWSCore
import Foundation

/// Builds one `PutMetricData` request body, datum by datum, in the bytes
/// botocore produces for the same call:
///
/// - JSON 1.0 as Python's `json.dumps` writes it (`", "` and `": "`
///   separators, non-ASCII as `\uXXXX`), timestamps as whole epoch seconds;
/// - Query as `urlencode` writes it (`Action=PutMetricData&Version=2010-08-01&...`,
///   1-based `member.N` indices, space as `+`, `+` as `%2B`), timestamps
///   as ISO 8601 in whole seconds.
///
/// Numbers are the shortest text that reads back as the same Double, as
/// Python's `repr` prints them (`3.0`, `0.5`, `1e-05`, `1.174271e+108`).
///
/// A ``Checkpoint`` marks a point the body can be cut back to in O(1), so
/// the chunker can try a datum group and undo it if the request would grow
/// past a limit.
struct PutMetricDataBody {
    let `protocol`: CloudWatchProtocol
    /// The buffer the body is written into (the sink's, reused across
    /// requests; a body never replaces it).
    let storage: ByteStorage
    private(set) var datumCount = 0
    /// The last JSON datum's closing fields (timestamp, unit, resolution):
    /// the datums of a request nearly always share them.
    private var lastTail = RecentBytes<Tail>()
    /// The last Query datum's timestamp (its other fields carry the datum's index).
    var lastTimestamp = RecentBytes<Date>()

    private struct Tail: Equatable {
        let time: Date?
        let unit: String?
        let resolution: Int?
    }

    /// The bytes written so far (a copy; for tests).
    var bytes: [UInt8] { storage.array() }

    /// A point to roll back to.
    struct Checkpoint {
        fileprivate let length: Int
        fileprivate let datumCount: Int
    }

    init(protocol: CloudWatchProtocol, namespace: String, reservingCapacity capacity: Int = 4096) {
        self.init(protocol: `protocol`, namespace: namespace, storage: ByteStorage(capacity: capacity))
    }

    /// A body written into `storage`, which is emptied first (to reuse a
    /// buffer across requests instead of touching fresh pages each time).
    init(protocol: CloudWatchProtocol, namespace: String, storage: ByteStorage) {
        self.protocol = `protocol`
        storage.count = 0
        self.storage = storage
        write(room: 64 + 6 * namespace.utf8.count) { out in
            switch `protocol` {
            case .json:
                out.write("{\"Namespace\": ")
                out.writeJSONString(namespace)
                out.write(", \"MetricData\": [")
            case .query:
                out.write("Action=PutMetricData&Version=2010-08-01&Namespace=")
                out.writeFormEncoded(namespace)
            }
        }
    }

    var checkpoint: Checkpoint { Checkpoint(length: storage.count, datumCount: datumCount) }

    mutating func rollBack(to checkpoint: Checkpoint) {
        storage.count = checkpoint.length
        datumCount = checkpoint.datumCount
    }

    /// Bytes of the finished body: what has been written plus the closing part.
    var finishedSize: Int { storage.count + (`protocol` == .json ? 2 : 0) }

    /// The finished body.
    func finished() -> [UInt8] {
        storage.array(appending: `protocol` == .json ? "]}" : "")
    }

    /// Appends one datum. Its bytes are written in room made once for the
    /// whole datum; a datum with long or escaped text that needs more than
    /// a usual one's room is written again in more.
    mutating func append(_ datum: some DatumFields) {
        datumCount += 1
        let room = 512 + 128 * datum.dimensionCount + 64 * (datum.valueCount + datum.countCount)
        let index = datumCount
        switch `protocol` {
        case .json: write(room: room) { out, body in body.writeJSON(datum, to: &out) }
        case .query: write(room: room) { out, body in body.writeQuery(datum, index: index, to: &out) }
        }
    }

    /// Appends what `write` writes, in the room given or, when that was too
    /// little, in twice as much, and so on.
    private mutating func write(room: Int, _ write: (inout ByteCursor, inout PutMetricDataBody) -> Void) {
        let storage = storage
        var room = room
        while !storage.append(room: room, { write(&$0, &self) }) { room *= 2 }
    }

    private mutating func write(room: Int, _ write: (inout ByteCursor) -> Void) {
        self.write(room: room) { out, _ in write(&out) }
    }

    // MARK: JSON

    private mutating func writeJSON(_ datum: some DatumFields, to out: inout ByteCursor) {
        if datumCount > 1 { out.write(", ") }
        out.write("{\"MetricName\": ")
        out.writeJSONString(datum.metricName)
        out.write(", \"Dimensions\": [")
        for index in 0..<datum.dimensionCount {
            let dimension = datum.dimension(at: index)
            if index > 0 { out.write(", ") }
            out.write("{\"Name\": ")
            if datum.dimensionsArePlain {
                out.writePlainJSONString(dimension.name)
                out.write(", \"Value\": ")
                out.writePlainJSONString(dimension.value)
            } else {
                out.writeJSONString(dimension.name)
                out.write(", \"Value\": ")
                out.writeJSONString(dimension.value)
            }
            out.write("}")
        }
        out.write("]")
        if let value = datum.singleValue {
            out.write(", \"Value\": ")
            out.writeNumber(value)
        }
        if let statistics = datum.statistics {
            out.write(", \"StatisticValues\": {\"SampleCount\": ")
            out.writeNumber(statistics.sampleCount)
            out.write(", \"Sum\": ")
            out.writeNumber(statistics.sum)
            out.write(", \"Minimum\": ")
            out.writeNumber(statistics.minimum)
            out.write(", \"Maximum\": ")
            out.writeNumber(statistics.maximum)
            out.write("}")
        }
        // Closures written out, not `datum.value(at:)`: a method reference
        // boxes the datum on the heap, for every datum.
        out.writeJSONNumbers(", \"Values\": [", count: datum.valueCount) { datum.value(at: $0) }
        out.writeJSONNumbers(", \"Counts\": [", count: datum.countCount) { datum.count(at: $0) }
        let tail = Tail(time: datum.time, unit: datum.unitName, resolution: datum.resolution)
        lastTail.write(tail, to: &out) { out in
            if let timestamp = tail.time {
                out.write(", \"Timestamp\": ")
                out.writeInteger(Int(timestamp.timeIntervalSince1970.rounded(.down)))
            }
            if let unit = tail.unit {
                out.write(", \"Unit\": ")
                out.writeJSONString(unit)
            }
            if let resolution = tail.resolution {
                out.write(", \"StorageResolution\": ")
                out.writeInteger(resolution)
            }
            out.write("}")
        }
    }
}

/// The bytes written last for a key, and the key: when the next write is
/// for an equal key, the bytes are copied instead of encoded again.
struct RecentBytes<Key: Equatable> {
    private var key: Key?
    private var bytes: [UInt8] = []

    /// Writes what `encode` writes for `key`, or the bytes it wrote for it last time.
    mutating func write(_ key: Key, to out: inout ByteCursor, _ encode: (inout ByteCursor) -> Void) {
        if self.key == key {
            bytes.withUnsafeBufferPointer { out.write($0) }
            return
        }
        let start = out.position
        encode(&out)
        guard !out.overflowed else { return }
        self.key = key
        bytes = Array(UnsafeBufferPointer(start: start, count: out.position - start))
    }
}

extension ByteCursor {
    /// `opening` then `count` numbers and `]`; nothing when `count` is 0.
    mutating func writeJSONNumbers(_ opening: StaticString, count: Int, _ number: (Int) -> Double) {
        guard count > 0 else { return }
        write(opening)
        for index in 0..<count {
            if index > 0 { write(", ") }
            writeNumber(number(index))
        }
        write("]")
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string with Python's `ensure_ascii` escaping. Plain ASCII
    /// (the usual case) is copied in one go.
    mutating func writeJSONString(_ string: String) {
        write(0x22)
        let plain: Bool? = string.utf8.withContiguousStorageIfAvailable { utf8 in
            for byte in utf8 where byte >= 0x7F || byte < 0x20 || byte == 0x22 || byte == 0x5C {
                // 0x7F is printed as it is by Python, but rare enough to take the slow path.
                return false
            }
            write(utf8)
            return true
        }
        if plain != true { writeEscapedJSON(string) }
        write(0x22)
    }

    /// A string known to need no escaping (printable ASCII without `"` or `\\`).
    mutating func writePlainJSONString(_ string: String) {
        write(0x22)
        writeText(string)
        write(0x22)
    }

    private mutating func writeEscapedJSON(_ string: String) {
        for scalar in string.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x22: write("\\\"")
            case 0x5C: write("\\\\")
            case 0x0A: write("\\n")
            case 0x0D: write("\\r")
            case 0x09: write("\\t")
            case 0x08: write("\\b")
            case 0x0C: write("\\f")
            case 0x20..<0x7F, 0x7F: write(UInt8(value))
            case 0x10000...:
                let offset = value - 0x10000
                writeUnicodeEscape(0xD800 + (offset >> 10))
                writeUnicodeEscape(0xDC00 + (offset & 0x3FF))
            default: writeUnicodeEscape(value)
            }
        }
    }

    private mutating func writeUnicodeEscape(_ unit: UInt32) {
        write("\\u")
        for shift in stride(from: 12, through: 0, by: -4) {
            write(Self.hexDigits[Int((unit >> UInt32(shift)) & 0xF)])
        }
    }

    // MARK: Numbers and text

    /// Writes runtime text as it is (number descriptions, plain strings). Literals use the
    /// `StaticString` overload, which Swift would not pick over a `String`
    /// one of the same name.
    mutating func writeText(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ write($0) }) == nil {
            Array(text.utf8).withUnsafeBufferPointer { write($0) }
        }
    }

    @inline(__always)
    mutating func writeInteger(_ value: Int) {
        if value < 0 {
            write(0x2D)
            writeDecimal(UInt(value.magnitude))
        } else {
            writeDecimal(UInt(value))
        }
    }

    /// Python's `repr(float)`: integral values below 1e16 as `N.0` (written
    /// here without formatting), everything else through Swift's shortest
    /// round-trip description, which prints the same digits and exponents
    /// there (Swift alone would switch to an exponent from 2^53, Python from 1e16).
    @inline(__always)
    mutating func writeNumber(_ value: Double) {
        if let integer = Self.integralBelow1e16(value) {
            if integer == 0, value.sign == .minus { write(0x2D) }
            writeInteger(integer)
            write(".0")
        } else {
            writeDescription(value)
        }
    }

    /// `value` as an integer when it is integral and below 1e16 (Python's
    /// `repr` prints those as `N.0`), else `nil`.
    @inline(__always)
    static func integralBelow1e16(_ value: Double) -> Int? {
        // Below 1e16 the conversion cannot trap; it is exact when the value is integral.
        guard abs(value) < 1e16, case let integer = Int(value), Double(integer) == value else { return nil }
        return integer
    }

    private mutating func writeDescription(_ value: Double) {
        writeText(value.description)
    }
}
