import Foundation
import MetricsCore

/// How histograms with a distribution are sent.
public enum HistogramEncoding: String, Sendable {
    /// `Values`/`Counts` (at most 150 pairs per datum; more become several
    /// datums of the same metric): CloudWatch can then answer percentiles.
    /// Sums and extremes come from the bucket values (within 1/128; min and
    /// max are exact).
    case valuesAndCounts
    /// Exact `StatisticValues` only, as for every other snapshot; no percentiles.
    case statisticSet
}

/// Turns snapshots into datums exactly as the Python original did, plus
/// what it lacked:
///
/// - `MetricName`; `Dimensions` in snapshot order, keys renamed by
///   `dimensionNames` (by default `stream` → `StreamName`, `shard` →
///   `ShardId`, `error_code` → `ErrorCode`, anything else verbatim);
///   `StatisticValues {SampleCount, Sum, Minimum, Maximum}`;
/// - beyond it: `Timestamp` (the window's end), `Unit` (omitted for
///   `None`, as the original sent none), `StorageResolution`, and
///   histograms as `Values`/`Counts`.
///
/// Every snapshot is validated first; see ``MetricDatumValidationError``.
final class MetricDatumMapper: Sendable {
    static let maximumMagnitude = 1.174271e108
    static let minimumMagnitude = 8.515920e-109
    static let maximumDimensions = 30
    static let maximumValuesPerDatum = 150

    let storageResolution: Int
    let histogramEncoding: HistogramEncoding
    /// Key renaming as pairs: a linear scan of a few short keys is cheaper
    /// than hashing every dimension key of every snapshot.
    private let renames: [(from: String, to: String)]

    init(dimensionNames: [String: String], storageResolution: Int, histogramEncoding: HistogramEncoding) {
        renames = dimensionNames.map { ($0.key, $0.value) }.sorted { $0.from < $1.from }
        self.storageResolution = storageResolution
        self.histogramEncoding = histogramEncoding
    }

    /// The wire name of dimension key `key`.
    func wireName(_ key: String) -> String {
        let length = key.utf8.count
        for rename in renames where rename.from.utf8.count == length && rename.from == key { return rename.to }
        return key
    }

    /// Checks that `snapshot` can be sent; throws the first problem found.
    /// Returns whether its dimension names and values need no JSON escaping
    /// (no `"` or `\`), so the encoder can copy them without scanning again.
    @discardableResult
    func validate(_ snapshot: MetricSnapshot) throws(MetricDatumValidationError) -> Bool {
        let name = snapshot.name
        if name.isEmpty { throw .emptyMetricName }
        if name.utf8.count > 255 { throw .metricNameTooLong(length: name.utf8.count) }
        guard snapshot.count > 0 else { throw .noObservations }
        let plain = try validateDimensions(snapshot.dimensions)
        if snapshot.unit != .none, !MetricUnit.standardUnits.contains(snapshot.unit) {
            throw .unsupportedUnit(snapshot.unit.rawValue)
        }
        if usesDistribution(snapshot) {
            for bucket in snapshot.distribution { _ = try Self.checked(bucket.value, field: "Values") }
        } else {
            _ = try Self.checked(snapshot.sum, field: "Sum")
            _ = try Self.checked(snapshot.min, field: "Minimum")
            _ = try Self.checked(snapshot.max, field: "Maximum")
        }
        return plain
    }

    func usesDistribution(_ snapshot: MetricSnapshot) -> Bool {
        snapshot.kind == .histogram && !snapshot.distribution.isEmpty && histogramEncoding == .valuesAndCounts
    }

    /// How many datums a valid snapshot becomes: one, or one per 150 buckets.
    func datumCount(for snapshot: MetricSnapshot) -> Int {
        guard usesDistribution(snapshot) else { return 1 }
        return (snapshot.distribution.count + Self.maximumValuesPerDatum - 1) / Self.maximumValuesPerDatum
    }

    /// The datums `snapshot` becomes, validated.
    func datums(for snapshot: MetricSnapshot) throws(MetricDatumValidationError) -> [MetricDatum] {
        try validate(snapshot)
        return withUnsafePointer(to: snapshot) { pointer in
            (0..<datumCount(for: snapshot)).map { MetricDatum(SnapshotDatum(pointer, mapper: self, part: $0)) }
        }
    }

    /// Finite and within range; magnitudes too small for CloudWatch become 0.
    static func checked(_ value: Double, field: String) throws(MetricDatumValidationError) -> Double {
        guard value.isFinite else { throw .nonFiniteValue(field: field) }
        if abs(value) > maximumMagnitude { throw .valueOutOfRange(field: field, value: value) }
        return clamped(value)
    }

    /// A validated value as sent: magnitudes too small for CloudWatch become 0.
    @inline(__always)
    static func clamped(_ value: Double) -> Double {
        abs(value) < minimumMagnitude ? 0 : value
    }

    private func validateDimensions(_ pairs: [(String, String)]) throws(MetricDatumValidationError) -> Bool {
        if pairs.count > Self.maximumDimensions { throw .tooManyDimensions(count: pairs.count) }
        var plain = true
        for (position, (key, value)) in pairs.enumerated() {
            let name = wireName(key)
            if name.isEmpty { throw .emptyDimensionName }
            if value.isEmpty { throw .emptyDimensionValue(dimension: name) }
            if name.utf8.count > 255 { throw .dimensionNameTooLong(dimension: String(name.prefix(255)), length: name.utf8.count) }
            if value.utf8.count > 1024 { throw .dimensionValueTooLong(dimension: name, length: value.utf8.count) }
            let nameClass = Self.classify(name)
            let valueClass = Self.classify(value)
            try Self.check(nameClass, dimension: name)
            try Self.check(valueClass, dimension: name)
            if nameClass == .printableNeedingEscapes || valueClass == .printableNeedingEscapes { plain = false }
            if name.utf8.first == UInt8(ascii: ":") { throw .dimensionNameStartsWithColon(dimension: name) }
            // At most 30: a linear scan beats hashing.
            if pairs[..<position].contains(where: { wireName($0.0) == name }) { throw .duplicateDimension(dimension: name) }
        }
        return plain
    }

    enum TextClass: Equatable { case printable, printableNeedingEscapes, nonASCII, control, blank }

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
    static func classify(_ text: String) -> TextClass {
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

/// What the encoder reads from a datum. ``MetricDatum`` has these fields;
/// ``SnapshotDatum`` computes them from a snapshot, so the sink encodes
/// snapshots without building datums. One generic writer serves both, so
/// the two cannot drift apart.
protocol DatumFields {
    var metricName: String { get }
    /// True when no dimension name or value needs JSON escaping (checked).
    var dimensionsArePlain: Bool { get }
    var dimensionCount: Int { get }
    func dimension(at index: Int) -> (name: String, value: String)
    var singleValue: Double? { get }
    var statistics: MetricDatum.StatisticSet? { get }
    var valueCount: Int { get }
    func value(at index: Int) -> Double
    var countCount: Int { get }
    func count(at index: Int) -> Double
    var unitName: String? { get }
    var time: Date? { get }
    var resolution: Int? { get }
}

extension MetricDatum: DatumFields {
    var dimensionsArePlain: Bool { false }
    var dimensionCount: Int { dimensions.count }
    func dimension(at index: Int) -> (name: String, value: String) { (dimensions[index].name, dimensions[index].value) }
    var singleValue: Double? { value }
    var statistics: MetricDatum.StatisticSet? { statisticValues }
    var valueCount: Int { values.count }
    func value(at index: Int) -> Double { values[index] }
    var countCount: Int { counts.count }
    func count(at index: Int) -> Double { counts[index] }
    var unitName: String? { unit }
    var time: Date? { timestamp }
    var resolution: Int? { storageResolution }

    /// The datum a snapshot view stands for.
    init(_ view: some DatumFields) {
        self.init(
            metricName: view.metricName,
            dimensions: (0..<view.dimensionCount).map { view.dimension(at: $0) }.map { Dimension(name: $0.name, value: $0.value) },
            value: view.singleValue, statisticValues: view.statistics,
            values: (0..<view.valueCount).map { view.value(at: $0) },
            counts: (0..<view.countCount).map { view.count(at: $0) },
            unit: view.unitName, timestamp: view.time, storageResolution: view.resolution)
    }
}

/// One datum of a validated snapshot: all of it (statistics), or part
/// `part` of its buckets (`Values`/`Counts`, 150 at a time). It points into
/// storage the caller keeps alive (a batch's buffer) instead of copying
/// the snapshot and the mapper, so encoding a datum does no reference
/// counting; use it only inside that scope.
struct SnapshotDatum: DatumFields {
    private let snapshot: UnsafePointer<MetricSnapshot>
    private unowned(unsafe) let mapper: MetricDatumMapper
    private let buckets: Range<Int>?
    let dimensionsArePlain: Bool

    /// - parameter plain: what `validate` returned for the snapshot.
    init(_ snapshot: UnsafePointer<MetricSnapshot>, mapper: MetricDatumMapper, part: Int, plain: Bool = false) {
        self.snapshot = snapshot
        self.mapper = mapper
        self.dimensionsArePlain = plain
        if mapper.usesDistribution(snapshot.pointee) {
            let start = part * MetricDatumMapper.maximumValuesPerDatum
            buckets = start..<min(start + MetricDatumMapper.maximumValuesPerDatum, snapshot.pointee.distribution.count)
        } else {
            buckets = nil
        }
    }

    var metricName: String { snapshot.pointee.name }
    var dimensionCount: Int { snapshot.pointee.dimensions.count }
    func dimension(at index: Int) -> (name: String, value: String) {
        let (key, value) = snapshot.pointee.dimensions[index]
        return (mapper.wireName(key), value)
    }
    var singleValue: Double? { nil }
    var statistics: MetricDatum.StatisticSet? {
        guard buckets == nil else { return nil }
        // Field by field through the pointer: copying the whole snapshot
        // would retain and release every string and array in it.
        return MetricDatum.StatisticSet(
            sampleCount: Double(snapshot.pointee.count), sum: MetricDatumMapper.clamped(snapshot.pointee.sum),
            minimum: MetricDatumMapper.clamped(snapshot.pointee.min), maximum: MetricDatumMapper.clamped(snapshot.pointee.max))
    }
    var valueCount: Int { buckets?.count ?? 0 }
    func value(at index: Int) -> Double {
        MetricDatumMapper.clamped(snapshot.pointee.distribution[buckets!.lowerBound + index].value)
    }
    var countCount: Int { buckets?.count ?? 0 }
    func count(at index: Int) -> Double { Double(snapshot.pointee.distribution[buckets!.lowerBound + index].count) }
    var unitName: String? { snapshot.pointee.unit == .none ? nil : snapshot.pointee.unit.rawValue }
    var time: Date? { snapshot.pointee.windowEnd }
    var resolution: Int? { mapper.storageResolution }
}
