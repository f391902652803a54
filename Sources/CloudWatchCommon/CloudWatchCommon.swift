// CloudWatchCommon: what the CloudWatch sinks (PutMetricData and EMF) and
// the console's dry run share, and the core knows nothing of: CloudWatch's
// rules for names, dimensions and values with their error
// (MetricDatumValidationError), its list prices, and the cost estimate
// (SinkBilling, CloudWatchBilledSink, MetricsManager.costEstimate()).
// Imports MetricsCore only. CloudWatchSink, EMFSink and ConsoleSink
// re-export it, so their users need not import it themselves.
//
// Imports: MetricsCore.
