// AWSCore: everything needed to talk to AWS without a package dependency.
// SHA-256 and HMAC, the SigV4 signer, credentials and the default provider
// chain, regions and endpoints, HTTP transports (URLSession, and libcurl
// where TLS options are needed), AWS error parsing, the standard retry mode,
// and gzip request bodies. Its AWS parts know nothing about metrics; it
// imports MetricsCore for what the HTTP sinks share on the way out
// (SinkSupport.swift: the send loop, request refunds, the retry policy as an
// ExportRetryPolicy): the part that is to become a module of its own, so
// that AWSCore is a leaf again. AWSConnection.swift is how every sink that
// talks to AWS turns its region, endpoint, keys and TLS settings into a
// signed client.
