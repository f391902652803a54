import Foundation

/// What the options of every HTTP sink have, under the same names and with
/// the same meaning: `CloudWatchSink.Options`, `EMFSink.Options`,
/// `OTLPSink.Options` and `DatadogSink.Options` conform. What a sink does
/// with them (its transport) is written once, here; AWSCore's
/// `AWSSinkOptions` adds the credentials of the sinks that talk to AWS.
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
    /// Where the sink's settings are read (proxies, its own variables, and
    /// `AWS_*` for a sink that talks to AWS); the options keep only those
    /// keys, and show their names alone.
    var environment: [String: String] { get set }
}

extension HTTPSinkOptions {
    /// The transport to a backend that is not AWS (an OTLP collector,
    /// Datadog): `verifySSL` and ``caBundlePath`` as given, proxies from
    /// ``environment``.
    package func transport(verifySSL: Bool) throws -> any HTTPTransport {
        try makeHTTPTransport(tls: TLSOptions(verifyPeer: verifySSL, caBundlePath: caBundlePath),
                              proxies: HTTPProxies(environment: environment))
    }

    /// A sink's own settings, then the ones every HTTP sink has: what its
    /// options' `description` and `customMirror` show, through
    /// `OptionsRendering` (the environment by its keys alone).
    package func renderedFields(_ own: KeyValuePairs<String, Any>) -> [(String, Any)] {
        own.map { ($0.key, $0.value) } + [
            ("retryPolicy", retryPolicy), ("requestTimeout", requestTimeout), ("caBundlePath", caBundlePath as Any),
            ("name", name), ("environment", environment),
        ]
    }
}
