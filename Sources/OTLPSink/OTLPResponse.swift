import CWMHTTP
import Foundation

/// What a collector's answer says: the partial success of a 2xx, the
/// message of an error (a `google.rpc.Status`, in the request's encoding).
enum OTLPResponse {
    /// `ExportMetricsServiceResponse.partial_success`, if the body has one.
    static func partialSuccess(_ response: HTTPResponse, json: Bool) -> (rejected: Int, message: String)? {
        guard !response.body.isEmpty, !response.isBodyTruncated else { return nil }
        if json || response.header("Content-Type")?.lowercased().contains("json") == true {
            guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
                  let partial = object["partialSuccess"] as? [String: Any] else { return nil }
            // OTLP/JSON writes int64 as a string; accept a number too.
            let rejected = (partial["rejectedDataPoints"] as? String).flatMap(Int.init)
                ?? (partial["rejectedDataPoints"] as? NSNumber)?.intValue ?? 0
            return (rejected, partial["errorMessage"] as? String ?? "")
        }
        var reader = ProtobufReader(Array(response.body))
        var result: (rejected: Int, message: String)?
        while !reader.isAtEnd {
            guard let (number, value) = reader.field() else { return result }
            guard number == 1, case .bytes(let body) = value else { continue }
            var partial = ProtobufReader(body)
            var rejected = 0
            var message = ""
            while !partial.isAtEnd, let (field, value) = partial.field() {
                switch (field, value) {
                case (1, .varint(let count)): rejected = Int(truncatingIfNeeded: Int64(bitPattern: count))
                case (2, .bytes(let text)): message = String(decoding: text, as: UTF8.self)
                default: break
                }
            }
            result = (max(0, rejected), message)
        }
        return result
    }

    /// An error answer's message: `google.rpc.Status.message` (field 2) in
    /// protobuf or JSON, else the start of the body as text.
    static func errorMessage(_ response: HTTPResponse) -> String {
        if response.header("Content-Type")?.lowercased().contains("protobuf") == true {
            var reader = ProtobufReader(Array(response.body))
            while !reader.isAtEnd, let (number, value) = reader.field() {
                if number == 2, case .bytes(let text) = value { return String(decoding: text.prefix(256), as: UTF8.self) }
            }
            return ""
        }
        if let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
           let message = object["message"] as? String {
            return String(message.prefix(256))
        }
        return response.bodyExcerpt()
    }
}
