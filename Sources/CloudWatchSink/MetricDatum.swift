// CloudWatchSink: exports snapshots to Amazon CloudWatch with PutMetricData,
// wire-compatible with aiokpl's CloudWatchSink (same datum shape, chunking,
// dimension names), in the AWS JSON 1.0 or Query protocol, SigV4-signed.
//
//   [MetricSnapshot] -> MetricDatumMapper (names, validation) -> [MetricDatum]
//     -> PutMetricDataChunker (<= 1000 datums, <= 1 MB, measured) -> request bodies
//     -> CloudWatchClient (AWSCloudWatchClient: SigV4 + HTTP; or a test fake)

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
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// `{SampleCount, Sum, Minimum, Maximum}`; CloudWatch requires all four.
    public struct StatisticSet: Sendable, Equatable, Hashable {
        public var sampleCount: Double
        public var sum: Double
        public var minimum: Double
        public var maximum: Double
        public init(sampleCount: Double, sum: Double, minimum: Double, maximum: Double) {
            self.sampleCount = sampleCount
            self.sum = sum
            self.minimum = minimum
            self.maximum = maximum
        }
    }

    public var metricName: String
    /// In order; at most 30.
    public var dimensions: [Dimension]
    /// A single value (not used by this sink, accepted for completeness).
    public var value: Double?
    public var statisticValues: StatisticSet?
    /// Distinct values (at most 150) and how often each occurred.
    public var values: [Double]
    public var counts: [Double]
    /// A CloudWatch `StandardUnit` name, or `nil` for none.
    public var unit: String?
    public var timestamp: Date?
    /// 1 (high resolution) or 60.
    public var storageResolution: Int?

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
