import Foundation
import MetricsCore

/// A sink whose exports CloudWatch bills: `MetricsManager.costEstimate()`
/// asks each such sink how. `CloudWatchSink` (PutMetricData) and `EMFSink`
/// (CloudWatch Logs ingestion) are; a sink that sends elsewhere is not, and
/// costs nothing in the estimate.
public protocol CloudWatchBilledSink: Sink {
    /// How CloudWatch bills what this sink sends.
    var billing: SinkBilling { get }
}

extension MetricsManager {
    /// What the live series would cost in CloudWatch at the current upload
    /// interval, through this manager's sinks (see ``CostEstimate``).
    ///
    /// ```swift
    /// print(manager.costEstimate())   // 1200 series, 1200 datums and 2 PutMetricData requests a minute: ...
    /// ```
    public func costEstimate(prices: CloudWatchPrices = .usEast1) -> CostEstimate {
        let billing = exportSinks.compactMap { ($0 as? any CloudWatchBilledSink)?.billing }
        let logIngestion = billing.contains { if case .logIngestion = $0 { true } else { false } }
        if logIngestion {
            let sample = liveSeriesSample()
            return CostEstimate(series: sample.count, uploadInterval: uploadInterval, billing: billing, sample: sample,
                                prices: prices)
        }
        return CostEstimate(series: liveSeriesCount, uploadInterval: uploadInterval, billing: billing, prices: prices)
    }
}
