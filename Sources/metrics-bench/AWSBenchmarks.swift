import AWSCore
import CCWMBenchSupport
import Foundation

enum AWSBenchmarks {
    /// 64 MiB of data, made on first use (not when the benchmarks are listed).
    private static let buffer = Data((0..<(64 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })

    static func all() -> [Benchmark] {
        return [
            Benchmark("aws", "SHA-256, 64 MiB buffer, SHA extensions" + (SHA256.usesHardwareAcceleration ? "" : " (not available: portable)"),
                      unit: "MB/s", repeats: 5) {
                megabytesPerSecond(buffer.count) { _ = SHA256.hash(buffer) }
            },
            Benchmark("aws", "SHA-256, 64 MiB buffer, portable C", unit: "MB/s", repeats: 3) {
                megabytesPerSecond(buffer.count) { _ = SHA256.hash(buffer, implementation: .portable) }
            },
            Benchmark("aws", "openssl speed -evp sha256 (16 KiB blocks), same machine", unit: "MB/s", repeats: 3) {
                try opensslSHA256()
            },
            Benchmark("aws", "sign a 1 MB request (hash + SigV4), ms", unit: "ms", repeats: 7) {
                let signer = SigV4Signer(credentials: AWSCredentials(accessKeyId: "AKID", secretAccessKey: "SECRET", sessionToken: "TOKEN"),
                                         region: "us-east-1", service: "monitoring")
                let body = Data(buffer.prefix(1 << 20))
                let url = URL(string: "https://monitoring.us-east-1.amazonaws.com/")!
                let rounds = 50
                return nanosecondsPerOperation(rounds) {
                    for _ in 0..<rounds {
                        _ = signer.signedHeaders(method: "POST", url: url, headers: [("Content-Type", "application/x-amz-json-1.0")],
                                                 body: body, date: Date())
                    }
                } / 1e6
            },
            Benchmark("aws", "one HMAC-SHA256 of 64 bytes, µs", unit: "µs", repeats: 5) {
                let key = Data(repeating: 7, count: 32)
                let message = Data(repeating: 9, count: 64)
                let rounds = 100_000
                return nanosecondsPerOperation(rounds) {
                    for _ in 0..<rounds { _ = HMACSHA256.authenticationCode(for: message, key: key) }
                } / 1000
            },
        ]
    }

    private static func megabytesPerSecond(_ bytes: Int, _ body: () -> Void) -> Double {
        let nanoseconds = nanosecondsPerOperation(1, body)
        return Double(bytes) / 1e6 / (nanoseconds / 1e9)
    }

    /// Runs `openssl speed` and returns its 16 KiB figure in MB/s (it prints kB/s, 1 kB = 1000 bytes).
    private static func opensslSHA256() throws -> Double {
        let arguments = ["openssl", "speed", "-evp", "sha256", "-bytes", "16384", "-seconds", "1"]
        var pointers = arguments.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard bench_run_capturing(&pointers, &buffer, buffer.count) == 0 else { return .nan }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let line = text.split(separator: "\n").last(where: { $0.lowercased().hasPrefix("sha256") }),
              let figure = line.split(separator: " ").last,
              let kilobytes = Double(figure.replacingOccurrences(of: "k", with: "")) else {
            return .nan
        }
        return kilobytes / 1000
    }
}
