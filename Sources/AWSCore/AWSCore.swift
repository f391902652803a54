// AWSCore: everything needed to talk to AWS without a package dependency.
// SHA-256 and HMAC, the SigV4 signer, credentials and the default provider
// chain, regions and endpoints, HTTP transports (URLSession, and libcurl
// where TLS options are needed), AWS error parsing, the standard retry mode,
// and gzip request bodies. It knows nothing about metrics.
