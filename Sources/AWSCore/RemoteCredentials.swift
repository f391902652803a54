import Foundation

/// Reading the credential documents IMDS, containers and STS return, and
/// writing the STS requests that ask for them.
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

    /// The `<Credentials>` of an STS answer (`AssumeRole`,
    /// `AssumeRoleWithWebIdentity`), or `nil` when it has none.
    static func parseSTS(_ body: Data) -> AWSCredentials? {
        let xml = String(decoding: body, as: UTF8.self)
        guard let keyId = XMLText.first("AccessKeyId", in: xml), let secret = XMLText.first("SecretAccessKey", in: xml) else {
            return nil
        }
        return AWSCredentials(
            accessKeyId: keyId, secretAccessKey: secret, sessionToken: XMLText.first("SessionToken", in: xml),
            expiration: XMLText.first("Expiration", in: xml).flatMap(AWSDate.parseISO8601))
    }

    /// An STS Query API body: `key=value` pairs, form-encoded, joined by `&`.
    static func stsForm(_ parameters: [(String, String)]) -> Data {
        var body = [UInt8]()
        for (index, (key, value)) in parameters.enumerated() {
            if index > 0 { body.append(UInt8(ascii: "&")) }
            URIEncoding.appendFormEncoded(key, to: &body)
            body.append(UInt8(ascii: "="))
            URIEncoding.appendFormEncoded(value, to: &body)
        }
        return Data(body)
    }
}
