// CloudWatchMetricsTestKit: for users' tests of CloudWatch code: a
// recording CloudWatchClient with scripted answers, and all of
// MetricsCoreTestKit (re-exported).
//
// Imports: MetricsCoreTestKit, MetricsCore, CloudWatchSink, AWSCore, CWMLocking.

// The generic test kit comes with this one: `import CloudWatchMetricsTestKit`
// gives the manual clock, the recording observer, the bounded waits and the
// test sinks too, as it did before they moved to MetricsCoreTestKit.
@_exported import MetricsCoreTestKit
