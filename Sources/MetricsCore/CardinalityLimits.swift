/// Bounds on the number of live series, so that a dimension value from
/// outside (a user id, a URL path, an error message) cannot grow the heap
/// and the CloudWatch bill without end.
///
/// Past a limit, a new series is folded into its metric's overflow series:
/// the same name and dimension keys, every value replaced by
/// ``overflowValue``, so totals stay right and only the breakdown is lost.
/// Distinct metric names count toward ``total`` too: past it, a series of
/// a new name (or of one without dimensions) is folded into the catch-all
/// series ``overflowMetricName`` of its kind, without dimensions, so names
/// made from outside input cannot grow the heap either.
/// Existing series are never affected, and neither are handles already
/// held. Each fold is counted (``MetricsStats/foldedSeries``) and reported
/// once per window per metric (``MetricsEvent/seriesFolded(metric:count:)``).
///
/// ```swift
/// var configuration = MetricsManager.Configuration()
/// configuration.cardinalityLimits = CardinalityLimits(perMetric: 2_000, total: 20_000)
/// ```
///
/// The defaults, 10,000 series per metric name and 100,000 in all, are far
/// above ordinary use (a metric per shard of a 4,000-shard stream stays whole)
/// and still bound the worst case: 100,000 live series hold about 22 MB of
/// heap and, as CloudWatch custom metrics, cost about $12,000 a month at
/// list prices. See Docs/cardinality.md.
public struct CardinalityLimits: Sendable, Equatable {
    /// Most live series of one metric name (all kinds together).
    public var perMetric: Int
    /// Most live series in all.
    public var total: Int
    /// The dimension value of overflow series.
    public var overflowValue: String
    /// The name of the catch-all series that new metric names fold into
    /// past ``total``.
    public var overflowMetricName: String

    /// Limits with the given bounds; each parameter is the property of the same name.
    public init(perMetric: Int = 10_000, total: Int = 100_000, overflowValue: String = "Other",
                overflowMetricName: String = "OtherMetrics") {
        self.perMetric = Swift.max(1, perMetric)
        self.total = Swift.max(1, total)
        self.overflowValue = overflowValue.isEmpty ? "Other" : overflowValue
        self.overflowMetricName = overflowMetricName.isEmpty ? "OtherMetrics" : overflowMetricName
    }
}
