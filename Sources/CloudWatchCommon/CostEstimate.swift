import Foundation
import MetricsCore

/// CloudWatch list prices (US dollars) for ``CostEstimate``.
///
/// ``usEast1`` holds the prices published on
/// https://aws.amazon.com/cloudwatch/pricing/ for US East (N. Virginia),
/// standard log class, as recorded here on 2026-11-30. The free tier (10
/// custom metrics, 1 million API requests, 5 GB of logs a month) is not
/// deducted. Pass your own for other regions or negotiated prices.
public struct CloudWatchPrices: Sendable, Equatable {
    /// One tier of the custom-metric price: `metrics` more metrics (`nil`:
    /// all the rest) at `perMetricMonth` each.
    public struct Tier: Sendable, Equatable {
        /// The metrics this tier covers, or `nil` for all the rest.
        public var metrics: Int?
        /// The price of one metric for a month in this tier, in US dollars.
        public var perMetricMonth: Double

        /// A tier of `metrics` metrics (`nil`: the rest) at `perMetricMonth` dollars each.
        public init(metrics: Int?, perMetricMonth: Double) {
            self.metrics = metrics
            self.perMetricMonth = perMetricMonth
        }
    }

    /// Custom metrics, per metric and month, by tier.
    public var metricTiers: [Tier]
    /// API requests (`PutMetricData`), per 1,000.
    public var perThousandRequests: Double
    /// Log ingestion (EMF through CloudWatch Logs), per GB (2^30 bytes).
    public var perGigabyteIngested: Double

    /// Prices of a region: metric tiers in order, API requests per thousand, and log data ingested (EMF) per gigabyte, in US dollars.
    public init(metricTiers: [Tier], perThousandRequests: Double, perGigabyteIngested: Double) {
        self.metricTiers = metricTiers
        self.perThousandRequests = perThousandRequests
        self.perGigabyteIngested = perGigabyteIngested
    }

    /// US East (N. Virginia) list prices, recorded 2026-11-30: metrics $0.30
    /// (first 10,000), $0.10 (next 240,000), $0.05 (next 750,000), $0.02
    /// (over 1,000,000); $0.01 per 1,000 requests; $0.50 per GB ingested.
    public static let usEast1 = CloudWatchPrices(
        metricTiers: [
            Tier(metrics: 10_000, perMetricMonth: 0.30), Tier(metrics: 240_000, perMetricMonth: 0.10),
            Tier(metrics: 750_000, perMetricMonth: 0.05), Tier(metrics: nil, perMetricMonth: 0.02),
        ],
        perThousandRequests: 0.01, perGigabyteIngested: 0.50)

    /// The monthly price of `metrics` custom metrics, tier by tier.
    package func metricsPerMonth(_ metrics: Int) -> Double {
        var left = metrics
        var total = 0.0
        for tier in metricTiers where left > 0 {
            let here = tier.metrics.map { Swift.min($0, left) } ?? left
            total += Double(here) * tier.perMetricMonth
            left -= here
        }
        return total
    }
}

/// How a sink is billed by CloudWatch, for ``CostEstimate``.
public enum SinkBilling: Sendable {
    /// Not billed by CloudWatch (console, memory, nowhere).
    case none
    /// `PutMetricData`: a custom metric per series, and requests of up to
    /// `datumsPerRequest` datums.
    case putMetricData(datumsPerRequest: Int)
    /// Embedded Metric Format through CloudWatch Logs: a custom metric per
    /// series and the ingested bytes, which `measure` returns for a set of
    /// snapshots (PutLogEvents' 26 bytes per event included).
    case logIngestion(measure: @Sendable ([MetricSnapshot]) -> Int)
}

/// What the live series cost in CloudWatch at the current rate: from
/// `MetricsManager.costEstimate(prices:)`, and a line of `ConsoleSink`'s
/// table.
///
/// Every live series is one custom metric; each window sends one datum per
/// series (a histogram with more than 150 distinct values sends more: the
/// figures are a floor) in requests of up to 1,000 datums; EMF bytes are
/// measured by encoding one window of the live series. A month is 730 hours.
public struct CostEstimate: Sendable, Equatable, CustomStringConvertible {
    /// The minutes in a month as AWS prices them (730 hours).
    package static let minutesPerMonth = 730.0 * 60

    /// Live series (each a CloudWatch custom metric).
    public let series: Int
    /// Windows per minute (60 s windows: 1).
    public let windowsPerMinute: Double
    /// PutMetricData datums per minute (0 without a PutMetricData sink).
    public let datumsPerMinute: Double
    /// PutMetricData requests per minute.
    public let requestsPerMinute: Double
    /// EMF bytes ingested per minute, or `nil` without an EMF sink to CloudWatch Logs.
    public let emfBytesPerMinute: Double?
    /// Monthly price of the custom metrics.
    public let metricsPerMonth: Double
    /// Monthly price of the PutMetricData requests.
    public let requestsPerMonth: Double
    /// Monthly price of the EMF log ingestion.
    public let ingestionPerMonth: Double

    /// Everything, per month.
    public var totalPerMonth: Double { metricsPerMonth + requestsPerMonth + ingestionPerMonth }

    /// The estimate for `series` live series exported every `uploadInterval`
    /// through sinks billed as `billing`, with `sample` (one window of the
    /// series) measured for EMF.
    public init(series: Int, uploadInterval: Duration, billing: [SinkBilling], sample: [MetricSnapshot] = [],
                prices: CloudWatchPrices = .usEast1) {
        let seconds = Double(uploadInterval.components.seconds) + Double(uploadInterval.components.attoseconds) / 1e18
        let windows = seconds > 0 ? 60 / seconds : 0
        var datums = 0.0
        var requests = 0.0
        var bytes: Double?
        var billed = false
        for sink in billing {
            switch sink {
            case .none:
                continue
            case .putMetricData(let perRequest):
                billed = true
                datums += Double(series) * windows
                requests += (Double(series) / Double(Swift.max(1, perRequest))).rounded(.up) * windows
            case .logIngestion(let measure):
                billed = true
                bytes = (bytes ?? 0) + Double(measure(sample)) * windows
            }
        }
        self.series = series
        windowsPerMinute = windows
        datumsPerMinute = datums
        requestsPerMinute = requests
        emfBytesPerMinute = bytes
        metricsPerMonth = billed ? prices.metricsPerMonth(series) : 0
        requestsPerMonth = requests * Self.minutesPerMonth / 1000 * prices.perThousandRequests
        ingestionPerMonth = (bytes ?? 0) * Self.minutesPerMonth / 1_073_741_824 * prices.perGigabyteIngested
    }

    public var description: String {
        var text = "\(series) series"
        if datumsPerMinute > 0 {
            text += ", \(Self.number(datumsPerMinute)) datums and \(Self.number(requestsPerMinute)) PutMetricData requests a minute"
        }
        if let bytes = emfBytesPerMinute { text += ", \(Self.number(bytes)) EMF bytes a minute" }
        return text + String(format: ": about $%.2f a month (metrics $%.2f, requests $%.2f, ingestion $%.2f)",
                             totalPerMonth, metricsPerMonth, requestsPerMonth, ingestionPerMonth)
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
