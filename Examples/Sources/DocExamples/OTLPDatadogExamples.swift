// Docs/otlp.md's and Docs/datadog.md's examples, line for line. Compiled,
// not run: they talk to collectors and Datadog.

import DatadogSink
import Foundation
import MetricsCore
import OTLPSink

enum OTLPDatadogExamples {
    /// Docs/otlp.md: a collector and CloudWatch's OTLP endpoint.
    static func otlp() -> MetricsManager {
        let collector = OTLPSink(endpoint: URL(string: "http://127.0.0.1:4318/v1/metrics")!)
        let cloudWatchOTLP = OTLPSink.cloudWatch(region: "us-east-1")   // SigV4, service "monitoring"
        let manager = MetricsManager(level: .detailed, sinks: [collector, cloudWatchOTLP])
        let tenant = OTLPSink(endpoint: URL(string: "https://otlp.example.com/v1/metrics")!,
                              options: .init(encoding: .json, headers: ["x-api-key": "secret"],
                                             resourceAttributes: ["service.name": "checkout"]))
        _ = tenant
        return manager
    }

    /// Docs/datadog.md: the site, a local endpoint, options.
    static func datadog() -> [DatadogSink] {
        let datadog = DatadogSink(apiKey: nil, site: "datadoghq.com")    // nil: DD_API_KEY
        let local = DatadogSink(apiKey: "k", site: "datadoghq.com",
                                endpoint: URL(string: "http://127.0.0.1:8126")!)  // tests, proxies
        let tagged = DatadogSink(apiKey: nil, site: "datadoghq.eu",
                                 options: .init(host: "web-1", tags: ["env:prod"]))
        return [datadog, local, tagged]
    }
}
