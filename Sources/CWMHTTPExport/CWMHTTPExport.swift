// CWMHTTPExport: what the four HTTP sinks (CloudWatchSink, EMFSink to
// CloudWatch Logs, OTLPSink, DatadogSink) share on the way out, between
// MetricsCore's export contract and AWSCore's transport and retry policy:
// the one send loop (`sendInOrder`: requests in order, refusals that spare
// the rest of the batch, the retry quota's refunds) and the AWS standard
// retry mode as an `ExportRetryPolicy`. It imports MetricsCore and AWSCore,
// so that AWSCore imports no metrics module. Not a product of its own: it is
// part of each HTTP sink's product, and its one public declaration is
// `RetryPolicy`'s conformance to `ExportRetryPolicy`.
//
// Imports: MetricsCore, AWSCore.
