import CWMHTTP
import Foundation

extension Dictionary where Key == String, Value == String {
    /// The `AWS_*` entries, `HOME`, and the proxy settings (`*_proxy` in
    /// any case, `REQUEST_METHOD`): all that the region, endpoint,
    /// credential and proxy resolution read.
    package var awsSettings: [String: String] {
        filter { $0.key.hasPrefix("AWS_") || $0.key == "HOME" }.merging(proxySettings) { $1 }
    }
}

extension TLSOptions {
    /// The options of a sink that talks to AWS: its own `caBundlePath`, else
    /// `AWS_CA_BUNDLE`, else the profile's `ca_bundle` (`files`, read from
    /// `environment` when `nil` and needed), as botocore reads them.
    package static func aws(verifyPeer: Bool, caBundlePath: String?, environment: [String: String],
                            files: SharedConfigFiles? = nil) -> TLSOptions {
        func nonEmpty(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }
        let path = nonEmpty(caBundlePath) ?? nonEmpty(environment["AWS_CA_BUNDLE"])
            ?? nonEmpty((files ?? SharedConfigFiles(environment: environment)).settings["ca_bundle"])
        return TLSOptions(verifyPeer: verifyPeer, caBundlePath: path.map { ($0 as NSString).expandingTildeInPath })
    }
}
