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
    var lastTimestamp: (time: Date, encoded: [UInt8])?

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
        switch `protocol` {
        case .json:
            append("{\"Namespace\": ")
            appendJSONString(namespace)
            append(", \"MetricData\": [")
        case .query:
            append("Action=PutMetricData&Version=2010-08-01&Namespace=")
            appendFormEncoded(namespace)
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

    mutating func append(_ datum: some DatumFields) {
        datumCount += 1
        switch `protocol` {
        case .json: appendJSON(datum)
        case .query: appendQuery(datum, index: datumCount)
        }
    }

    // MARK: JSON

    private mutating func appendJSON(_ datum: some DatumFields) {
        if datumCount > 1 { append(", ") }
        append("{\"MetricName\": ")
        appendJSONString(datum.metricName)
        append(", \"Dimensions\": [")
        for index in 0..<datum.dimensionCount {
            let dimension = datum.dimension(at: index)
            if index > 0 { append(", ") }
            append("{\"Name\": ")
            if datum.dimensionsArePlain {
                appendPlainJSONString(dimension.name)
                append(", \"Value\": ")
                appendPlainJSONString(dimension.value)
            } else {
                appendJSONString(dimension.name)
                append(", \"Value\": ")
                appendJSONString(dimension.value)
            }
            append("}")
        }
        append("]")
        if let value = datum.singleValue {
            append(", \"Value\": ")
            appendNumber(value)
        }
        if let statistics = datum.statistics {
            append(", \"StatisticValues\": {\"SampleCount\": ")
            appendNumber(statistics.sampleCount)
            append(", \"Sum\": ")
            appendNumber(statistics.sum)
            append(", \"Minimum\": ")
            appendNumber(statistics.minimum)
            append(", \"Maximum\": ")
            appendNumber(statistics.maximum)
            append("}")
        }
        // Closures written out, not `datum.value(at:)`: a method reference
        // boxes the datum on the heap, for every datum.
        appendJSONNumbers(", \"Values\": [", count: datum.valueCount) { datum.value(at: $0) }
        appendJSONNumbers(", \"Counts\": [", count: datum.countCount) { datum.count(at: $0) }
        if let timestamp = datum.time {
            append(", \"Timestamp\": ")
            appendTimestamp(timestamp) { $0.appendInteger(Int(timestamp.timeIntervalSince1970.rounded(.down))) }
        }
        if let unit = datum.unitName {
            append(", \"Unit\": ")
            appendJSONString(unit)
        }
        if let resolution = datum.resolution {
            append(", \"StorageResolution\": ")
            appendInteger(resolution)
        }
        append("}")
    }

    /// A datum's timestamp as `write` encodes it. The datums of a request
    /// nearly always share one (their window's end), so the last one's
    /// bytes are kept and copied.
    mutating func appendTimestamp(_ time: Date, write: (inout PutMetricDataBody) -> Void) {
        if let cached = lastTimestamp, cached.time == time {
            cached.encoded.withUnsafeBufferPointer { storage.append($0) }
            return
        }
        let start = storage.count
        write(&self)
        lastTimestamp = (time, storage.slice(from: start))
    }

    /// `opening` then `count` numbers and `]`; nothing when `count` is 0.
    private mutating func appendJSONNumbers(_ opening: StaticString, count: Int, _ number: (Int) -> Double) {
        guard count > 0 else { return }
        append(opening)
        for index in 0..<count {
            if index > 0 { append(", ") }
            appendNumber(number(index))
        }
        append("]")
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string with Python's `ensure_ascii` escaping. Plain ASCII
    /// (the usual case) is copied in one go.
    private mutating func appendJSONString(_ string: String) {
        let storage = storage
        storage.append(0x22)
        let plain: Bool? = string.utf8.withContiguousStorageIfAvailable { utf8 in
            for byte in utf8 where byte >= 0x7F || byte < 0x20 || byte == 0x22 || byte == 0x5C {
                // 0x7F is printed as it is by Python, but rare enough to take the slow path.
                return false
            }
            storage.append(utf8)
            return true
        }
        if plain != true { appendEscapedJSON(string) }
        storage.append(0x22)
    }

    /// A string known to need no escaping (printable ASCII without `"` or `\\`).
    private mutating func appendPlainJSONString(_ string: String) {
        storage.append(0x22)
        if string.utf8.withContiguousStorageIfAvailable({ storage.append($0) }) == nil {
            Array(string.utf8).withUnsafeBufferPointer { storage.append($0) }
        }
        storage.append(0x22)
    }

    private mutating func appendEscapedJSON(_ string: String) {
        for scalar in string.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x22: append("\\\"")
            case 0x5C: append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0x20..<0x7F, 0x7F: storage.append(UInt8(value))
            case 0x10000...:
                let offset = value - 0x10000
                appendUnicodeEscape(0xD800 + (offset >> 10))
                appendUnicodeEscape(0xDC00 + (offset & 0x3FF))
            default: appendUnicodeEscape(value)
            }
        }
    }

    private mutating func appendUnicodeEscape(_ unit: UInt32) {
        append("\\u")
        for shift in stride(from: 12, through: 0, by: -4) {
            storage.append(Self.hexDigits[Int((unit >> UInt32(shift)) & 0xF)])
        }
    }

    // MARK: Numbers and text

    @inline(__always)
    mutating func append(_ text: StaticString) {
        storage.append(text.utf8Start, text.utf8CodeUnitCount)
    }

    /// Appends runtime text (number descriptions). Literals use the
    /// `StaticString` overload, which Swift would not pick over a `String`
    /// one of the same name.
    private mutating func appendText(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ storage.append($0) }) == nil {
            Array(text.utf8).withUnsafeBufferPointer { storage.append($0) }
        }
    }

    mutating func appendInteger(_ value: Int) {
        if value < 0 {
            storage.append(0x2D)
            storage.appendDecimal(UInt(value.magnitude))
        } else {
            storage.appendDecimal(UInt(value))
        }
    }

    /// Python's `repr(float)`: integral values below 1e16 as `N.0` (written
    /// here without formatting), everything else through Swift's shortest
    /// round-trip description, which prints the same digits and exponents
    /// there (Swift alone would switch to an exponent from 2^53, Python from 1e16).
    mutating func appendNumber(_ value: Double) {
        if value == value.rounded(.towardZero), abs(value) < 1e16 {
            if value == 0, value.sign == .minus { storage.append(0x2D) }
            appendInteger(Int(value))
            append(".0")
        } else {
            appendText(value.description)
        }
    }
}
