// Fuzz harnesses for every parser that reads outside input, and for the
// request writers (which write whatever text users name metrics with). Built two ways:
//
// - with `-DFUZZING -sanitize=fuzzer,address` by scripts/fuzz.sh: libFuzzer
//   supplies `main` and calls `LLVMFuzzerTestOneInput`, the target chosen
//   by `METRICS_FUZZ_TARGET`;
// - as an ordinary executable: `metrics-fuzz TARGET FILE...` runs the
//   named files through the target once (replaying a crash input).

@testable import AWSCore
import CWMUTCTime
import Foundation
@testable import OTLPSink
@testable import CWMSystemMetrics

/// One harness: takes any bytes and must never crash.
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable (Data) -> Void

    static let all: [FuzzTarget] = [
        FuzzTarget(name: "shared-config") { data in
            let text = String(decoding: data, as: UTF8.self)
            _ = SharedConfigFiles.parse(text)
        },
        FuzzTarget(name: "aws-error") { data in
            // The same bytes as a JSON-protocol and as a Query-protocol error.
            _ = AWSError.parse(HTTPResponse(status: 400, body: data), redacting: ["SECRET"])
            let header = String(decoding: data.prefix(64), as: UTF8.self)
            _ = AWSError.parse(HTTPResponse(status: 503, headers: [("x-amzn-query-error", header),
                                                                   ("x-amz-retry-after", header)], body: data))
        },
        FuzzTarget(name: "credentials-json") { data in
            _ = try? RemoteCredentials.parseJSON(data, provider: "fuzz")
        },
        FuzzTarget(name: "sts-xml") { data in
            let xml = String(decoding: data, as: UTF8.self)
            for element in ["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "Code", "Message"] {
                _ = XMLText.first(element, in: xml).flatMap(AWSDate.parseISO8601)
            }
        },
        FuzzTarget(name: "proc") { data in
            let text = String(decoding: data, as: UTF8.self)
            _ = try? ProcParsers.cpuTimes(text)
            _ = try? ProcParsers.memory(text).utilization
            _ = CGroup.parseMountinfo(text)
            _ = CGroup.parseLimit(text)
            _ = CGroup.parseCPUMax(text)
        },
        FuzzTarget(name: "percent-decoding") { data in
            let text = String(decoding: data, as: UTF8.self)
            _ = URIEncoding.decode(text)
            _ = SigV4Signer.normalize(text)
            if let url = URL(string: "https://example.amazonaws.com/" + text) {
                let signer = SigV4Signer(credentials: AWSCredentials(accessKeyId: "AKID", secretAccessKey: "SECRET"),
                                         region: "us-east-1", service: "monitoring")
                _ = signer.sign(method: "GET", url: url, headers: [("X-Fuzz", text)], payloadHash: "", date: Date())
            }
        },
        FuzzTarget(name: "collector-answer") { data in
            // An OTLP collector's answer, as protobuf and as JSON, success and
            // error; its Retry-After.
            for contentType in ["application/x-protobuf", "application/json"] {
                let response = HTTPResponse(status: 200, headers: [("Content-Type", contentType),
                                                                   ("Retry-After", String(decoding: data.prefix(40), as: UTF8.self))],
                                            body: data)
                _ = OTLPResponse.partialSuccess(response, json: contentType.hasSuffix("json"))
                _ = OTLPResponse.errorMessage(HTTPResponse(status: 400, headers: response.headers, body: data))
                _ = response.retryAfter()
            }
        },
        FuzzTarget(name: "http-date") { data in
            _ = UTCTime.parseHTTPDate(String(decoding: data, as: UTF8.self))
            _ = AWSDate.parseISO8601(String(decoding: data, as: UTF8.self))
        },
        encoders,
    ]

    static func named(_ name: String?) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}

#if FUZZING
private let selected: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["METRICS_FUZZ_TARGET"]
    guard let target = FuzzTarget.named(name) else {
        fatalError("set METRICS_FUZZ_TARGET to one of: \(FuzzTarget.all.map(\.name).joined(separator: ", "))")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    selected.run(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}

// SwiftPM links an executable's `main` to `<module>_main`; hand it to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("metrics_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzOneInput)
}
#else
@main
enum FuzzReplay {
    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let first = arguments.first, let target = FuzzTarget.named(first) else {
            print("usage: metrics-fuzz TARGET FILE...   targets: \(FuzzTarget.all.map(\.name).joined(separator: " "))")
            exit(2)
        }
        for path in arguments.dropFirst() {
            target.run(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        print("\(target.name): \(arguments.count - 1) input(s), no crash")
    }
}
#endif
