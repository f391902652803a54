// CWMHTTP: HTTP without a package dependency, for every backend the sinks
// talk to. The transports (URLSession on Darwin; libcurl, loaded at run
// time, on Linux and wherever TLS options are needed), TLS and proxy
// settings read as botocore reads them, request deadlines, gzip bodies,
// the JSON writer the bodies are made of, the redaction that keeps secrets
// out of text, a non-AWS backend's error status, and the AWS SDKs' standard
// retry mode, which retries what a `RetryClassifiedError` says is worth it
// (AWSCore's `AWSError` conforms). It knows nothing about AWS or metrics:
// AWSCore builds SigV4 and credentials on it, CWMHTTPExport the send loop,
// and OTLP to a collector and Datadog need nothing more. AWSCore, OTLPSink
// and DatadogSink re-export it, so `RetryPolicy` is in scope wherever a
// sink's options are written.
//
// Imports: CCWMCurlShim, CCWMZlib, CWMLocking, CWMUTCTime.
