import CWMHTTP
import Foundation

/// How a sink reaches AWS: the region, endpoint, credentials, TLS, timeout
/// and environment its parameters give. `CloudWatchSink`,
/// `EMFDestination.cloudWatchLogs` and `OTLPSink.cloudWatch` each hold one
/// and turn it into a signed client here, so that all three resolve the
/// region, the credentials, the endpoint, the CA bundle and the proxies the
/// same way, and fail with the same errors:
/// ``EndpointError/missingRegion(service:)`` when no region is given or
/// found, ``CredentialsError/incompleteKeys`` when only one of the two keys
/// is given, ``CredentialsError/profileNotFound(_:files:)`` when a named
/// profile does not exist.
///
/// Nothing is read from files or the network until
/// ``client(for:transport:path:files:)``, which reads the shared AWS files
/// once and resolves the region, endpoint, CA bundle and credentials from
/// that one reading.
package struct AWSConnection: Sendable {
    /// `nil` resolves `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile.
    package var region: String?
    /// An explicit endpoint (LocalStack, moto); `nil` resolves the service's
    /// `AWS_ENDPOINT_URL_*`, `AWS_ENDPOINT_URL`, then AWS's own.
    package var endpoint: URL?
    /// `false` accepts any certificate, for this connection only.
    package var verifySSL: Bool
    package var accessKeyId: String?
    package var secretAccessKey: String?
    package var sessionToken: String?
    /// Used when no keys are given, instead of the default chain.
    package var credentialProvider: (any CredentialProvider)?
    /// Extra trusted certificates; `nil` reads `AWS_CA_BUNDLE`, then the
    /// profile's `ca_bundle`.
    package var caBundlePath: String?
    /// Deadline of each request.
    package var timeout: Duration
    /// The `AWS_*`, `HOME` and proxy settings only (the initialiser keeps
    /// nothing else of the environment it is given).
    package let environment: [String: String]

    package init(region: String?, endpoint: URL?, verifySSL: Bool, accessKeyId: String?, secretAccessKey: String?,
                 sessionToken: String?, credentialProvider: (any CredentialProvider)?, caBundlePath: String?,
                 timeout: Duration, environment: [String: String]) {
        self.region = region
        self.endpoint = endpoint
        self.verifySSL = verifySSL
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.credentialProvider = credentialProvider
        self.caBundlePath = caBundlePath
        self.timeout = timeout
        self.environment = environment.awsSettings
    }

    /// The region given, else the environment's or the profile's (`files`,
    /// read from ``environment`` when `nil`).
    package func resolvedRegion(for service: AWSService, files: SharedConfigFiles? = nil) throws(EndpointError) -> String {
        guard let region = AWSRegion.resolve(explicit: region, environment: environment, files: files) else {
            throw .missingRegion(service: service.signingName)
        }
        return region
    }

    /// The credentials the parameters mean: both keys given, those (with the
    /// session token); neither, ``credentialProvider`` or the default chain;
    /// one of them only, ``CredentialsError/incompleteKeys``. A named profile
    /// that does not exist fails here, before any request.
    package func credentials(files: SharedConfigFiles? = nil) throws(CredentialsError) -> any CredentialProvider {
        switch (accessKeyId, secretAccessKey) {
        case (let keyId?, let secret?):
            return StaticCredentialProvider(AWSCredentials(accessKeyId: keyId, secretAccessKey: secret,
                                                           sessionToken: sessionToken))
        case (nil, nil):
            let provider = credentialProvider ?? DefaultCredentialProvider(environment: environment, files: files)
            if let problem = (provider as? DefaultCredentialProvider)?.configurationProblem { throw problem }
            return provider
        default:
            throw .incompleteKeys
        }
    }

    /// The TLS settings: ``verifySSL``, and the CA bundle given, else
    /// `AWS_CA_BUNDLE`, else the profile's `ca_bundle`.
    package func tls(files: SharedConfigFiles? = nil) -> TLSOptions {
        TLSOptions.aws(verifyPeer: verifySSL, caBundlePath: caBundlePath, environment: environment, files: files)
    }

    /// A client signing for `service`, with the region, credentials and
    /// endpoint resolved (`path` appended to a resolved endpoint that has
    /// none; an explicit endpoint is used as given), over `transport` or the
    /// one ``tls(files:)`` and the proxy settings select. The shared files
    /// are read once here (or `files` used), never once per setting.
    package func client(for service: AWSService, transport: (any HTTPTransport)? = nil,
                        path: [String] = [], files: SharedConfigFiles? = nil) throws -> AWSServiceClient {
        let files = files ?? SharedConfigFiles(environment: environment)
        let region = try resolvedRegion(for: service, files: files)
        let credentials = try credentials(files: files)
        var resolved = try AWSEndpoint.resolve(service: service, region: region, explicit: endpoint,
                                               environment: environment, files: files)
        if endpoint == nil, !path.isEmpty, resolved.url.path.isEmpty || resolved.url.path == "/" {
            resolved = try AWSEndpoint(url: path.reduce(resolved.url) { $0.appendingPathComponent($1) })
        }
        return AWSServiceClient(service: service, region: region, endpoint: resolved, credentials: credentials,
                                transport: try transport ?? makeHTTPTransport(tls: tls(files: files),
                                                                              proxies: HTTPProxies(environment: environment)),
                                timeout: timeout)
    }

    /// What a sink's `description` shows of it: the region and endpoint
    /// given (the endpoint's user info and query redacted), and whether
    /// credentials were given, never what they are.
    package var descriptionFields: String {
        var text = ""
        if let region { text += ", region: \(region)" }
        if let endpoint { text += ", endpoint: \(redactedURL(endpoint))" }
        return text + ", credentials: \(accessKeyId == nil ? "default chain" : "explicit, <redacted>")"
    }
}
