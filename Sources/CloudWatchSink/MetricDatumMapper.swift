import CloudWatchCommon
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
/// Every snapshot is validated first; see `MetricDatumValidationError`.
final class MetricDatumMapper: Sendable {
    static let maximumValuesPerDatum = 150

    let storageResolution: Int
    let histogramEncoding: HistogramEncoding
    /// Dimension renaming and CloudWatch's rules for names and values,
    /// shared with the EMF sink.
    let names: CloudWatchNames

    init(dimensionNames: [String: String], storageResolution: Int, histogramEncoding: HistogramEncoding) {
        names = CloudWatchNames(dimensionNames: dimensionNames)
        self.storageResolution = storageResolution
        self.histogramEncoding = histogramEncoding
    }

    /// Checks that `snapshot` can be sent; throws the first problem found.
    /// Returns whether its dimension names and values need no JSON escaping
    /// (no `"` or `\`), so the encoder can copy them without scanning again.
    /// `keys`: the batch's memory of the dimension keys checked last.
    @discardableResult
    func validate(_ snapshot: UnsafePointer<MetricSnapshot>,
                  keys: inout CloudWatchNames.KeyMemo) throws(MetricDatumValidationError) -> Bool {
        try names.validate(snapshot, checkingBuckets: usesDistribution(snapshot), keys: &keys)
    }

    /// Whether the snapshot is sent as `Values`/`Counts`. Through a pointer:
    /// passing the snapshot itself would copy it (retaining every string
    /// and array in it).
    @inline(__always)
    func usesDistribution(_ snapshot: UnsafePointer<MetricSnapshot>) -> Bool {
        snapshot.pointee.kind == .histogram && !snapshot.pointee.distribution.isEmpty
            && histogramEncoding == .valuesAndCounts
    }

    /// How many datums a valid snapshot becomes: one, or one per 150 buckets.
    func datumCount(for snapshot: UnsafePointer<MetricSnapshot>) -> Int {
        guard usesDistribution(snapshot) else { return 1 }
        return (snapshot.pointee.distribution.count + Self.maximumValuesPerDatum - 1) / Self.maximumValuesPerDatum
    }

    /// The datums `snapshot` becomes, validated.
    func datums(for snapshot: MetricSnapshot) throws(MetricDatumValidationError) -> [MetricDatum] {
        try withUnsafePointer(to: snapshot) { pointer throws(MetricDatumValidationError) in
            var keys = CloudWatchNames.KeyMemo()
            try validate(pointer, keys: &keys)
            let wireNames = self.wireNames(pointer, keys: &keys)
            return (0..<datumCount(for: pointer)).map {
                MetricDatum(SnapshotDatum(pointer, mapper: self, part: $0, wireNames: wireNames))
            }
        }
    }

    /// The wire names of the snapshot's dimension keys, in order.
    func wireNames(_ snapshot: UnsafePointer<MetricSnapshot>, keys: inout CloudWatchNames.KeyMemo) -> [String] {
        snapshot.pointee.dimensions.withUnsafeBufferPointer { names.wireNames($0, keys: &keys) }
    }

    /// A validated value as sent: magnitudes too small for CloudWatch become 0.
    @inline(__always)
    static func clamped(_ value: Double) -> Double {
        abs(value) < CloudWatchNames.minimumMagnitude ? 0 : value
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
    /// Used without a retain: several exports encode at once on other
    /// threads, and a retain of the one shared mapper per dimension would
    /// bounce its cache line between their cores.
    private let mapper: Unmanaged<MetricDatumMapper>
    private let buckets: Range<Int>?
    /// The wire names of its dimension keys, in order.
    private let wireNames: [String]
    let dimensionsArePlain: Bool

    /// - parameters:
    ///   - plain: what `validate` returned for the snapshot.
    ///   - wireNames: what `MetricDatumMapper.wireNames` returned for it.
    init(_ snapshot: UnsafePointer<MetricSnapshot>, mapper: MetricDatumMapper, part: Int, wireNames: [String],
         plain: Bool = false) {
        self.snapshot = snapshot
        self.mapper = .passUnretained(mapper)
        self.wireNames = wireNames
        self.dimensionsArePlain = plain
        if mapper.usesDistribution(snapshot) {
            let start = part * MetricDatumMapper.maximumValuesPerDatum
            buckets = start..<min(start + MetricDatumMapper.maximumValuesPerDatum, snapshot.pointee.distribution.count)
        } else {
            buckets = nil
        }
    }

    var metricName: String { snapshot.pointee.name }
    var dimensionCount: Int { snapshot.pointee.dimensions.count }
    func dimension(at index: Int) -> (name: String, value: String) {
        (wireNames[index], snapshot.pointee.dimensions[index].1)
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
    var resolution: Int? { mapper._withUnsafeGuaranteedRef { $0.storageResolution } }
}
