import Foundation

/// Reading the credential documents IMDS, containers and STS return.
enum RemoteCredentials {
    /// `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}` (IMDS and
    /// container endpoints).
    static func parseJSON(_ data: Data, provider: String) throws -> AWSCredentials {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CredentialsError.failed(provider: provider, reason: "the response is not a JSON object")
        }
        if let code = object["Code"] as? String, code != "Success" {
            throw CredentialsError.failed(provider: provider, reason: "the endpoint answered Code=\(code)")
        }
        guard let keyId = object["AccessKeyId"] as? String, let secret = object["SecretAccessKey"] as? String else {
            throw CredentialsError.failed(provider: provider, reason: "AccessKeyId or SecretAccessKey missing")
        }
        let expiration = (object["Expiration"] as? String).flatMap(AWSDate.parseISO8601)
        return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret,
                              sessionToken: object["Token"] as? String, expiration: expiration)
    }
}
