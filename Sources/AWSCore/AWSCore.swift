// AWSCore: everything needed to talk to AWS without a package dependency.
// SHA-256 and HMAC, the SigV4 signer, credentials and the default provider
// chain, regions and endpoints, HTTP transports (URLSession, and libcurl
// where TLS options are needed), AWS error parsing, the standard retry mode,
// and gzip request bodies. It knows nothing about metrics and imports no
// metrics module: what the HTTP sinks share on the way out (the send loop,
// the retry policy as an ExportRetryPolicy) is CWMHTTPExport, above it.
// AWSConnection.swift is how every sink that talks to AWS turns its region,
// endpoint, keys and TLS settings into a signed client.
//
// Imports: CCWMSHA256, CCWMCurlShim, CCWMZlib, CWMLocking, CWMUTCTime.
