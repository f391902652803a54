// CWMHTTPExport: what the four HTTP sinks (CloudWatchSink, EMFSink to
// CloudWatch Logs, OTLPSink, DatadogSink) share on the way out, between
// MetricsCore's export contract and CWMHTTP's transport and retry policy:
// the one send loop and the AWS standard retry mode as an
// `ExportRetryPolicy`. It imports MetricsCore and CWMHTTP, so that neither
// CWMHTTP nor AWSCore imports a metrics module. Not a product of its own:
// it is part of each HTTP sink's product, and its one public declaration
// is `RetryPolicy`'s conformance to `ExportRetryPolicy`.
//
// What an HTTP sink has to write, and no more:
//
//   1. its `Options`, conforming to `HTTPSinkOptions` (`AWSSinkOptions` for
//      AWS): the transport or the AWS connection comes from them;
//   2. an encoder that turns a batch into requests, each naming the
//      snapshots (indices into the batch) it carries, and rejects with
//      `ExportResult.reject` what its backend cannot take;
//   3. `export(_:attempt:)`: `var result = ExportResult(for: snapshots)`,
//      the encoder, then `sendInOrder(requests, carrying:, of:, policy:,
//      attempt:, into: &result) { request in try await send(request) }`,
//      where `send` posts one request and throws the backend's error
//      (`AWSError`, `HTTPStatusError`) or returns a partial refusal.
//
// `sendInOrder` (SinkSupport.swift) does the rest: request order, what a
// refused request costs, splitting a request too large, leaving the rest to
// retry, and the retry quota's refunds; the export worker retries what the
// result leaves unsent.
//
// Imports: MetricsCore, CWMHTTP.
