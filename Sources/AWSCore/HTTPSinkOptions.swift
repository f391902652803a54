import Foundation

/// What the options of every HTTP sink have, under the same names and with
/// the same meaning: `CloudWatchSink.Options`, `EMFSink.Options`,
/// `OTLPSink.Options` and `DatadogSink.Options` conform. What a sink does
/// with them (its transport, its AWS connection) is written once, here.
public protocol HTTPSinkOptions: Sendable {
    /// Retries: the AWS SDK standard mode (throttling, 5xx and connection
    /// failures, with backoff and a quota, never sooner than a `Retry-After`).
    var retryPolicy: RetryPolicy { get set }
    /// Deadline of each request (default 10 s).
    var requestTimeout: Duration { get set }
    /// A PEM file of extra trusted certificates (a private CA, a proxy's).
    var caBundlePath: String? { get set }
    /// The sink's name in events and stats.
    var name: String { get set }
    /// Where the sink's settings (`AWS_*`, proxies, its own variables) are
    /// read; the options keep only those keys, and show their names alone.
    var environment: [String: String] { get set }
}

/// The options of a sink that can talk to AWS (`CloudWatchSink`,
/// `EMFSink` to CloudWatch Logs, `OTLPSink.cloudWatch`).
public protocol AWSSinkOptions: HTTPSinkOptions {
    /// Credentials to use instead of the default chain, when no keys are given.
    var credentialProvider: (any CredentialProvider)? { get set }
}

extension HTTPSinkOptions {
    /// The transport to a backend that is not AWS (an OTLP collector,
    /// Datadog): `verifySSL` and ``caBundlePath`` as given, proxies from
    /// ``environment``.
    package func transport(verifySSL: Bool) throws -> any HTTPTransport {
        try makeHTTPTransport(tls: TLSOptions(verifyPeer: verifySSL, caBundlePath: caBundlePath),
                              proxies: HTTPProxies(environment: environment))
    }
}

extension AWSSinkOptions {
    /// The sink's way to AWS: its region, endpoint and keys, with these
    /// options' credential provider, CA bundle, timeout and environment.
    package func connection(region: String?, endpoint: URL?, verifySSL: Bool, accessKeyId: String?,
                            secretAccessKey: String?, sessionToken: String?) -> AWSConnection {
        AWSConnection(region: region, endpoint: endpoint, verifySSL: verifySSL, accessKeyId: accessKeyId,
                      secretAccessKey: secretAccessKey, sessionToken: sessionToken,
                      credentialProvider: credentialProvider, caBundlePath: caBundlePath, timeout: requestTimeout,
                      environment: environment)
    }
}
