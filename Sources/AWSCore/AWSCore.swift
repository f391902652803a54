// AWSCore: everything needed to talk to AWS without a package dependency.
// SHA-256 and HMAC, the SigV4 signer, credentials and the default provider
// chain, regions and endpoints, and AWS error parsing, over CWMHTTP's
// transports and retry mode (re-exported: `RetryPolicy` and the HTTP errors
// are in scope wherever AWSCore is). It knows nothing about metrics and
// imports no metrics module: what the HTTP sinks share on the way out (the
// send loop, the retry policy as an ExportRetryPolicy) is CWMHTTPExport,
// above it. AWSConnection.swift is how every sink that talks to AWS turns
// its region, endpoint, keys and TLS settings into a signed client.
//
// Imports: CCWMSHA256, CWMHTTP, CWMLocking, CWMUTCTime.

@_exported import CWMHTTP
