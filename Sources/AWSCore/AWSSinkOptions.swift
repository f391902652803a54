import CWMHTTP
import Foundation

/// The options of a sink that can talk to AWS (`CloudWatchSink`,
/// `EMFSink` to CloudWatch Logs, `OTLPSink.cloudWatch`).
public protocol AWSSinkOptions: HTTPSinkOptions {
    /// Credentials to use instead of the default chain, when no keys are given.
    var credentialProvider: (any CredentialProvider)? { get set }
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
