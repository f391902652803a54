import Foundation
import CWMHTTPTestSupport

/// An EC2 instance metadata server on loopback that hands out a role's
/// keys, as IMDSv2 does: a token, the role's name, then its credentials.
func fakeIMDS(accessKeyId: String, role: String = "instance-role") throws -> LoopbackHTTPServer {
    try LoopbackHTTPServer { request in
        switch (request.method, request.path) {
        case ("PUT", "/latest/api/token"): return .text(200, "TOKEN")
        case ("GET", "/latest/meta-data/iam/security-credentials/"): return .text(200, "\(role)\n")
        case ("GET", "/latest/meta-data/iam/security-credentials/\(role)"):
            return .text(200, #"{"AccessKeyId":"\#(accessKeyId)","SecretAccessKey":"s","Token":"t","Expiration":"2099-01-01T00:00:00Z"}"#)
        default: return .text(404, "")
        }
    }
}
