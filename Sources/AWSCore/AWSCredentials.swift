import Foundation

/// An access key, its secret, and for temporary credentials a session
/// token and expiry.
///
/// Printing, interpolating, dumping or mirroring a value never shows the
/// secret or the token, and shows only the last four characters of the
/// access key id (as `aws configure list` does).
///
/// ```swift
/// let credentials = AWSCredentials(accessKeyId: "AKID", secretAccessKey: "SECRET", sessionToken: nil)
/// print(credentials)   // AWSCredentials(accessKeyId: ****AKID, secretAccessKey: <redacted>, ...)
/// ```
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// The access key id (`AKIA...` or `ASIA...`); shown redacted in descriptions.
    public let accessKeyId: String
    /// The secret access key; never in a description, log or error.
    public let secretAccessKey: String
    /// The session token of temporary credentials; never in a description, log or error.
    public let sessionToken: String?
    /// When temporary credentials stop working; `nil` for long-term keys.
    public let expiration: Date?

    /// Credentials from their parts; `expiration` is when temporary credentials stop working.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
        self.expiration = expiration
    }

    /// The access key id with all but its last four characters masked.
    package var maskedAccessKeyId: String {
        accessKeyId.count <= 4 ? String(repeating: "*", count: accessKeyId.count)
            : String(repeating: "*", count: 4) + accessKeyId.suffix(4)
    }

    public var description: String {
        var text = "AWSCredentials(accessKeyId: \(maskedAccessKeyId), secretAccessKey: <redacted>"
        text += sessionToken == nil ? ", sessionToken: none" : ", sessionToken: <redacted>"
        if let expiration { text += ", expiration: \(expiration)" }
        return text + ")"
    }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "accessKeyId": maskedAccessKeyId,
            "secretAccessKey": "<redacted>",
            "sessionToken": sessionToken == nil ? "none" : "<redacted>",
            "expiration": expiration as Any,
        ], displayStyle: .struct)
    }

    /// The secret and token, for removing them from text that might echo
    /// them back (AWS error messages can quote a canonical request).
    var secrets: [String] { [secretAccessKey, sessionToken].compactMap { $0 }.filter { $0.count >= 4 } }
}

extension String {
    /// This text with every occurrence of `secrets` replaced by `<redacted>`.
    func redacting(_ secrets: [String]) -> String {
        secrets.reduce(self) { $0.replacingOccurrences(of: $1, with: "<redacted>") }
    }
}
