import Foundation

/// One series' aggregate over one export window: immutable, `Sendable`, the
/// only thing a ``Sink`` ever sees.
///
/// Windows are deltas: a snapshot covers exactly the observations recorded
/// between `windowStart` and `windowEnd`, and the next snapshot of the same
/// series starts where this one ended.
///
/// ```swift
/// for snapshot in manager.snapshots() where snapshot.kind == .histogram {
///     print(snapshot.name, snapshot.percentile(0.99) ?? snapshot.max)
/// }
/// ```
public struct MetricSnapshot: Sendable, Equatable, CustomStringConvertible {
    /// What kind of instrument produced the snapshot.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A monotonic count of units. Each counted unit is one observation
        /// of value 1, so `count` equals the increase, `sum` equals it too,
        /// and `min` and `max` are 1 — the same statistics the original
        /// produced for `put(name, 1)` called once per unit.
        case counter
        /// A value that is set. `count`/`sum`/`min`/`max` describe the values
        /// set in the window and `last` is the last one set.
        case gauge
        /// A distribution of observations: exact `count`/`sum`/`min`/`max`
        /// and, unless it was created without one, a bucketed `distribution`.
        case histogram
    }

    /// One bucket of a histogram's distribution: a representative value and
    /// how many observations fell into the bucket.
    public struct Bucket: Sendable, Hashable, CustomStringConvertible {
        /// A value within the bucket's relative-error bound of every
        /// observation in it (see ``Histogram/relativeError``).
        public var value: Double
        /// The number of observations in the bucket.
        public var count: Int

        /// `count` observations of `value`.
        public init(value: Double, count: Int) {
            self.value = value
            self.count = count
        }

        public var description: String { "\(value)x\(count)" }
    }

    /// The metric name, for example `"UserRecordsPut"`.
    public let name: String
    /// The kind of instrument the snapshot came from.
    public let kind: Kind
    /// The unit the instrument was created with.
    public let unit: MetricUnit
    /// Dimensions as ordered `(name, value)` pairs, in the order they were given.
    public let dimensions: [(String, String)]
    /// Wall-clock start of the window (inclusive).
    public let windowStart: Date
    /// Wall-clock end of the window (exclusive); sinks use it as the timestamp.
    public let windowEnd: Date
    /// Number of observations in the window (always at least 1 in an exported snapshot).
    public let count: Int
    /// Sum of the observations.
    public let sum: Double
    /// Smallest observation.
    public let min: Double
    /// Largest observation.
    public let max: Double
    /// For gauges, the last value set in the window; `nil` for other kinds.
    public let last: Double?
    /// For histograms, the non-empty buckets in ascending order of value;
    /// empty for counters, gauges and histograms created without a distribution.
    public let distribution: [Bucket]

    /// Creates a snapshot. Sinks and tests build them directly; the manager
    /// builds them on every tick.
    public init(
        name: String,
        kind: Kind = .histogram,
        unit: MetricUnit = .none,
        dimensions: [(String, String)] = [],
        windowStart: Date,
        windowEnd: Date,
        count: Int,
        sum: Double,
        min: Double,
        max: Double,
        last: Double? = nil,
        distribution: [Bucket] = []
    ) {
        self.name = name
        self.kind = kind
        self.unit = unit
        self.dimensions = dimensions
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
        self.last = last
        self.distribution = distribution
    }

    /// Why the snapshot cannot be sent as a data point (no name, no
    /// observations, a non-finite statistic), or `nil`. The sinks that do not
    /// apply CloudWatch's own rules check this much.
    package var dataPointProblem: DataPointError? {
        if name.isEmpty { return .emptyMetricName }
        if count <= 0 { return .noObservations }
        // One test per field, no array of them: checked for every snapshot of every export.
        if !sum.isFinite { return .nonFiniteValue(field: "sum") }
        if !min.isFinite { return .nonFiniteValue(field: "min") }
        if !max.isFinite { return .nonFiniteValue(field: "max") }
        if let last, !last.isFinite { return .nonFiniteValue(field: "last") }
        return nil
    }

    /// `sum / count`, or 0 for an empty snapshot.
    public var average: Double { count > 0 ? sum / Double(count) : 0 }

    /// The value at quantile `q` (0...1) estimated from the distribution,
    /// within the histogram's relative-error bound; `nil` when the snapshot
    /// has no distribution.
    ///
    /// Uses the nearest-rank definition: the smallest bucket value whose
    /// cumulative count reaches `ceil(q * total)`.
    public func percentile(_ q: Double) -> Double? {
        guard !distribution.isEmpty, q.isFinite else { return nil }
        let total = distribution.reduce(0) { $0 + $1.count }
        guard total > 0 else { return nil }
        let clamped = Swift.min(Swift.max(q, 0), 1)
        let rank = Swift.max(1, Int((clamped * Double(total)).rounded(.up)))
        var seen = 0
        for bucket in distribution {
            seen += bucket.count
            if seen >= rank { return bucket.value }
        }
        return distribution.last?.value
    }

    public static func == (lhs: MetricSnapshot, rhs: MetricSnapshot) -> Bool {
        lhs.name == rhs.name && lhs.kind == rhs.kind && lhs.unit == rhs.unit
            && lhs.dimensions.count == rhs.dimensions.count
            && zip(lhs.dimensions, rhs.dimensions).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
            && lhs.windowStart == rhs.windowStart && lhs.windowEnd == rhs.windowEnd
            && lhs.count == rhs.count && lhs.sum == rhs.sum
            && lhs.min == rhs.min && lhs.max == rhs.max
            && lhs.last == rhs.last && lhs.distribution == rhs.distribution
    }

    public var description: String {
        let dims = dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        return "\(name){\(dims)} \(kind.rawValue) count=\(count) sum=\(sum) min=\(min) max=\(max)"
    }

    /// An estimate, in bytes, of what this snapshot costs once encoded for a
    /// sink; the export queues bound their memory with it. The yardstick is
    /// a CloudWatch JSON datum, within 25 % of the real size for the usual
    /// shapes (tested); cheap: nothing is encoded.
    public var estimatedSize: Int {
        // One datum's skeleton (keys, timestamp, resolution), name, unit,
        // and per dimension its keys and quotes plus the text itself.
        var perDatum = 110 + name.utf8.count
        if unit != .none { perDatum += 12 + unit.rawValue.utf8.count }
        for (key, value) in dimensions {
            perDatum += 29 + key.utf8.count + value.utf8.count
        }
        guard !distribution.isEmpty else {
            return perDatum + 75  // StatisticValues
        }
        // Values/Counts: about 16 bytes a bucket, the skeleton once per 150 buckets.
        let datums = (distribution.count + 149) / 150
        return datums * perDatum + distribution.count * 16
    }
}
