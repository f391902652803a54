// Docs/cardinality.md's examples, line for line.

import MetricsCore

enum CardinalityExamples {
    static func configure() -> MetricsManager.Configuration {
        var configuration = MetricsManager.Configuration()
        configuration.seriesExpiry = 60        // an hour of 60 s windows; nil: never expire
        configuration.cardinalityLimits = CardinalityLimits(perMetric: 2_000, total: 20_000, overflowValue: "Other")
        configuration.cardinalityLimits = nil   // no limits
        return configuration
    }

    static func estimate(_ manager: MetricsManager) {
        let estimate = manager.costEstimate()
        print(estimate)
        // 12345 series, 12345 datums and 13 PutMetricData requests a minute: about $3240.19 a month (metrics $3234.50, requests $5.69, ingestion $0.00)
    }
}
