// CloudWatchSink: exports snapshots to Amazon CloudWatch with PutMetricData,
// wire-compatible with aiokpl's CloudWatchSink (same datum shape, chunking,
// dimension names), in the AWS JSON 1.0 or Query protocol, SigV4-signed.
//
//   [MetricSnapshot] -> MetricDatumMapper (names, validation) -> [MetricDatum]
//     -> PutMetricDataChunker (<= 1000 datums, <= 1 MB, measured) -> request bodies
//     -> CloudWatchClient (AWSCloudWatchClient: SigV4 + HTTP; or a test fake)
//
// Imports: MetricsCore, CloudWatchCommon, CWMHTTP, AWSCore, CWMHTTPExport, CWMLocking.

import Foundation

/// One CloudWatch datum, as `PutMetricData` takes it: a plain value type a
/// fake ``CloudWatchClient`` can assert on.
///
/// ```swift
/// let datum = MetricDatum(metricName: "UserRecordsPut",
///                         dimensions: [.init(name: "StreamName", value: "s1")],
///                         statisticValues: .init(sampleCount: 3, sum: 6, minimum: 1, maximum: 3))
/// ```
public struct MetricDatum: Sendable, Equatable, Hashable {
    /// A name/value pair.
    public struct Dimension: Sendable, Equatable, Hashable {
        /// The dimension's name.
        public var name: String
        /// The dimension's value.
        public var value: String
        /// A dimension.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// `{SampleCount, Sum, Minimum, Maximum}`; CloudWatch requires all four.
    public struct StatisticSet: Sendable, Equatable, Hashable {
        /// How many values the set summarises.
        public var sampleCount: Double
        /// Their sum.
        public var sum: Double
        /// The smallest value.
        public var minimum: Double
        /// The largest value.
        public var maximum: Double
        /// A statistic set.
        public init(sampleCount: Double, sum: Double, minimum: Double, maximum: Double) {
            self.sampleCount = sampleCount
            self.sum = sum
            self.minimum = minimum
            self.maximum = maximum
        }
    }

    /// The metric's name.
    public var metricName: String
    /// In order; at most 30.
    public var dimensions: [Dimension]
    /// A single value (not used by this sink, accepted for completeness).
    public var value: Double?
    /// The window's count, sum, minimum and maximum, for a summarised datum.
    public var statisticValues: StatisticSet?
    /// Distinct values (at most 150) and how often each occurred.
    public var values: [Double]
    /// How many times each of ``values`` occurred (same length; empty for one each).
    public var counts: [Double]
    /// A CloudWatch `StandardUnit` name, or `nil` for none.
    public var unit: String?
    /// When the values were observed; CloudWatch uses the time of receipt when `nil`.
    public var timestamp: Date?
    /// 1 (high resolution) or 60.
    public var storageResolution: Int?

    /// A datum as PutMetricData sends it: one of `value`, `statisticValues` or `values` (with `counts`) carries the observations.
    public init(
        metricName: String,
        dimensions: [Dimension] = [],
        value: Double? = nil,
        statisticValues: StatisticSet? = nil,
        values: [Double] = [],
        counts: [Double] = [],
        unit: String? = nil,
        timestamp: Date? = nil,
        storageResolution: Int? = nil
    ) {
        self.metricName = metricName
        self.dimensions = dimensions
        self.value = value
        self.statisticValues = statisticValues
        self.values = values
        self.counts = counts
        self.unit = unit
        self.timestamp = timestamp
        self.storageResolution = storageResolution
    }
}

/// The wire protocol of `PutMetricData`.
public enum CloudWatchProtocol: String, Sendable, CaseIterable {
    /// AWS JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.PutMetricData`,
    /// `x-amzn-query-mode: true`): what botocore, and so the Python original, sends.
    case json
    /// AWS Query (`Action=PutMetricData&Version=2010-08-01`, form-encoded).
    case query
}
