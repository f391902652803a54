import Foundation
import MetricsCore

/// CloudWatch's rules for metric names, dimensions and values, and the
/// original's dimension renaming (`stream` → `StreamName`, ...): what both
/// CloudWatch sinks (PutMetricData and EMF) check before anything is sent,
/// so both reject the same snapshots with the same
/// ``MetricDatumValidationError``.
package struct CloudWatchNames: Sendable {
    /// Largest magnitude CloudWatch accepts.
    package static let maximumMagnitude = 1.174271e108
    /// Smallest non-zero magnitude CloudWatch accepts; smaller ones are sent as 0.
    @usableFromInline
    package static let minimumMagnitude = 8.515920e-109
    /// Most dimensions of one metric.
    package static let maximumDimensions = 30

    /// Key renaming as pairs: a linear scan of a few short keys is cheaper
    /// than hashing every dimension key of every snapshot.
    private let renames: [(from: String, to: String)]

    /// - parameter dimensionNames: key renaming (keys not in it keep their name).
    package init(dimensionNames: [String: String]) {
        renames = dimensionNames.map { ($0.key, $0.value) }.sorted { $0.from < $1.from }
    }

    /// Why CloudWatch would refuse `namespace`, or `nil` when it is valid:
    /// empty, longer than 255, non-ASCII or control characters, starting
    /// with `:` or with the reserved `AWS/`.
    package static func namespaceProblem(_ namespace: String) -> String? {
        if namespace.isEmpty { return "it is empty" }
        if namespace.utf8.count > 255 { return "it is longer than 255 characters" }
        if namespace.unicodeScalars.contains(where: { !$0.isASCII }) { return "it has non-ASCII characters" }
        if namespace.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "it has control characters"
        }
        if namespace.hasPrefix(":") { return "it starts with ':'" }
        if namespace.hasPrefix("AWS/") { return "the AWS/ prefix is reserved for AWS services" }
        return nil
    }

    /// The wire name of dimension key `key`.
    package func wireName(_ key: String) -> String {
        let length = key.utf8.count
        for rename in renames where rename.from.utf8.count == length && rename.from == key { return rename.to }
        return key
    }

    /// The dimension keys of the last snapshot seen, their wire names, and
    /// (once validation checked them) whether a wire name needs JSON
    /// escaping. A batch's snapshots mostly share their keys (one metric,
    /// many values): keys equal to the last ones are neither checked nor
    /// renamed again. One per batch and pass, handed to each call in turn.
    package struct KeyMemo {
        fileprivate var keys: [String] = []
        fileprivate var wireNames: [String] = []
        /// `nil` until validation checked `keys`.
        fileprivate var needEscapes: Bool?

        package init() {}

        /// Whether `pairs` has exactly these keys, in this order.
        fileprivate func match(_ pairs: UnsafeBufferPointer<(String, String)>) -> Bool {
            guard keys.count == pairs.count else { return false }
            for position in pairs.indices where pairs[position].0 != keys[position] { return false }
            return true
        }

        fileprivate mutating func remember(_ pairs: UnsafeBufferPointer<(String, String)>, names: CloudWatchNames,
                                           needEscapes: Bool?) {
            keys = pairs.map(\.0)
            wireNames = keys.map(names.wireName)
            self.needEscapes = needEscapes
        }
    }

    /// The wire names of the keys of `pairs` (a snapshot's dimensions), in order.
    package func wireNames(_ pairs: UnsafeBufferPointer<(String, String)>, keys: inout KeyMemo) -> [String] {
        if !keys.match(pairs) { keys.remember(pairs, names: self, needEscapes: nil) }
        return keys.wireNames
    }

    /// Checks that `snapshot` can be sent; throws the first problem found.
    /// `checkingBuckets`: the distribution's bucket values are sent (and
    /// checked) instead of sum, minimum and maximum.
    /// Returns whether its dimension names and values need no JSON escaping
    /// (no `"` or `\`), so the encoder can copy them without scanning again.
    /// `dimensionsChecked`: the caller knows the dimensions are those of a
    /// snapshot that passed (the same names on the wire and values), so
    /// they are not checked again, and the result is `false`.
    /// `keys`: the dimension keys checked last in this batch (``KeyMemo``).
    @discardableResult
    package func validate(_ snapshot: UnsafePointer<MetricSnapshot>, checkingBuckets: Bool,
                          dimensionsChecked: Bool = false,
                          keys: inout KeyMemo) throws(MetricDatumValidationError) -> Bool {
        // Field by field through the pointer: a copy of the snapshot would
        // retain and release every string and array in it.
        let nameLength = snapshot.pointee.name.utf8.count
        if nameLength == 0 { throw .emptyMetricName }
        if nameLength > 255 { throw .metricNameTooLong(length: nameLength) }
        guard snapshot.pointee.count > 0 else { throw .noObservations }
        let plain = dimensionsChecked ? false : try snapshot.pointee.dimensions.withUnsafeBufferPointer {
            pairs throws(MetricDatumValidationError) in try validateDimensions(pairs, keys: &keys)
        }
        if !snapshot.pointee.unit.isStandard {
            throw .unsupportedUnit(snapshot.pointee.unit.rawValue)
        }
        if checkingBuckets {
            for bucket in snapshot.pointee.distribution { _ = try Self.checked(bucket.value, field: "Values") }
        } else {
            _ = try Self.checked(snapshot.pointee.sum, field: "Sum")
            _ = try Self.checked(snapshot.pointee.min, field: "Minimum")
            _ = try Self.checked(snapshot.pointee.max, field: "Maximum")
        }
        return plain
    }

    /// Finite and within range; magnitudes too small for CloudWatch become 0.
    package static func checked(_ value: Double, field: String) throws(MetricDatumValidationError) -> Double {
        guard value.isFinite else { throw .nonFiniteValue(field: field) }
        if abs(value) > maximumMagnitude { throw .valueOutOfRange(field: field, value: value) }
        return clamped(value)
    }

    /// A validated value as sent: magnitudes too small for CloudWatch become 0.
    @inlinable
    package static func clamped(_ value: Double) -> Double {
        abs(value) < minimumMagnitude ? 0 : value
    }

    private func validateDimensions(_ pairs: UnsafeBufferPointer<(String, String)>,
                                    keys: inout KeyMemo) throws(MetricDatumValidationError) -> Bool {
        if pairs.count > Self.maximumDimensions { throw .tooManyDimensions(count: pairs.count) }
        if let keysNeedEscapes = keys.needEscapes, keys.match(pairs) {
            // The keys passed before: only the values are new.
            var plain = !keysNeedEscapes
            for position in pairs.indices {
                let value = pairs[position].1
                if value.isEmpty { throw .emptyDimensionValue(dimension: keys.wireNames[position]) }
                if value.utf8.count > 1024 {
                    throw .dimensionValueTooLong(dimension: keys.wireNames[position], length: value.utf8.count)
                }
                switch Self.classify(value) {
                case .printable: break
                case .printableNeedingEscapes: plain = false
                case let problem: try Self.check(problem, dimension: keys.wireNames[position])
                }
            }
            return plain
        }
        var namesNeedEscapes = false
        var valuesNeedEscapes = false
        for position in pairs.indices {
            let (key, value) = pairs[position]
            let name = wireName(key)
            if name.isEmpty { throw .emptyDimensionName }
            if value.isEmpty { throw .emptyDimensionValue(dimension: name) }
            if name.utf8.count > 255 { throw .dimensionNameTooLong(dimension: String(name.prefix(255)), length: name.utf8.count) }
            if value.utf8.count > 1024 { throw .dimensionValueTooLong(dimension: name, length: value.utf8.count) }
            let nameClass = Self.classify(name)
            let valueClass = Self.classify(value)
            try Self.check(nameClass, dimension: name)
            try Self.check(valueClass, dimension: name)
            if nameClass == .printableNeedingEscapes { namesNeedEscapes = true }
            if valueClass == .printableNeedingEscapes { valuesNeedEscapes = true }
            if name.utf8.first == UInt8(ascii: ":") { throw .dimensionNameStartsWithColon(dimension: name) }
            // At most 30: a linear scan beats hashing.
            if pairs[..<position].contains(where: { wireName($0.0) == name }) { throw .duplicateDimension(dimension: name) }
        }
        keys.remember(pairs, names: self, needEscapes: namesNeedEscapes)
        return !namesNeedEscapes && !valuesNeedEscapes
    }

    package enum TextClass: Equatable { case printable, printableNeedingEscapes, nonASCII, control, blank }

    private static func check(_ textClass: TextClass, dimension name: String) throws(MetricDatumValidationError) {
        switch textClass {
        case .printable, .printableNeedingEscapes: return
        case .nonASCII: throw .nonASCIIDimension(dimension: name)
        case .control: throw .controlCharacterInDimension(dimension: name)
        case .blank: throw .blankDimension(dimension: name)
        }
    }

    /// One pass over the UTF-8 bytes: ASCII only, no control characters,
    /// not whitespace only, and whether `"` or `\` need escaping in JSON.
    /// Eight bytes at a time (SWAR), then the tail byte by byte.
    package static func classify(_ text: String) -> TextClass {
        func scan(_ bytes: UnsafeRawBufferPointer) -> TextClass {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            @inline(__always) func hasZeroByte(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
            @inline(__always) func hasByteBelow(_ v: UInt64, _ n: UInt64) -> Bool { (v &- ones &* n) & ~v & highs != 0 }
            var blank = true
            var escapes = false
            var offset = 0
            while offset + 8 <= bytes.count {
                let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                if word & highs != 0 { return .nonASCII }
                if hasByteBelow(word, 0x20) || hasZeroByte(word ^ (ones &* 0x7F)) { return .control }
                if hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C)) { escapes = true }
                if word != ones &* 0x20 { blank = false }
                offset += 8
            }
            while offset < bytes.count {
                let byte = bytes[offset]
                if byte >= 0x80 { return .nonASCII }
                // Tab, line feed, vertical tab, form feed, carriage return are whitespace, yet still controls.
                if byte < 0x20 || byte == 0x7F { return .control }
                if byte != 0x20 { blank = false }
                if byte == 0x22 || byte == 0x5C { escapes = true }
                offset += 1
            }
            return blank ? .blank : escapes ? .printableNeedingEscapes : .printable
        }
        return text.utf8.withContiguousStorageIfAvailable { scan(UnsafeRawBufferPointer($0)) }
            ?? Array(text.utf8).withUnsafeBytes(scan)
    }
}

extension KPLDimension {
    /// Their names in CloudWatch, as the original sent them: `stream` →
    /// `StreamName`, `shard` → `ShardId`, `error_code` → `ErrorCode`. Both
    /// CloudWatch sinks (PutMetricData and EMF) rename with it by default.
    public static let cloudWatchNames: [String: String] = [
        stream: "StreamName", shard: "ShardId", errorCode: "ErrorCode",
    ]
}
