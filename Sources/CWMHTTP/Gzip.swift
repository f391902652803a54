import CCWMZlib
import Foundation

/// Request-body compression, spelled one way by every HTTP sink's options
/// (`compression:` of CloudWatchSink, OTLPSink and DatadogSink).
public enum RequestCompression: Sendable, Equatable {
    /// Send bodies as they are.
    case none
    /// gzip bodies of at least `minimumBytes` (`Content-Encoding: gzip`;
    /// botocore's threshold is 10240, and 0 compresses every body).
    case gzip(minimumBytes: Int)

    /// Whether a body of `byteCount` bytes is sent compressed.
    package func compresses(_ byteCount: Int) -> Bool {
        switch self {
        case .none: return false
        case .gzip(let minimumBytes): return byteCount >= minimumBytes
        }
    }

    /// `body` as it is sent: gzipped, with `Content-Encoding: gzip` added
    /// to `headers`, when ``compresses(_:)`` says so.
    package func encode(_ body: Data, headers: inout [(String, String)]) throws -> Data {
        guard compresses(body.count) else { return body }
        headers.append(("Content-Encoding", "gzip"))
        return try Gzip.compress(body)
    }
}

/// gzip compression of request bodies (zlib's deflate with a gzip wrapper).
package enum Gzip {
    package enum Failure: Error, CustomStringConvertible {
        case zlib(Int32)
        package var description: String {
            switch self {
            case .zlib(let code): return "zlib failed with code \(code)"
            }
        }
    }

    /// `data` as a gzip stream (RFC 1952), at zlib's default level.
    package static func compress(_ data: Data, level: Int32 = Z_DEFAULT_COMPRESSION) throws -> Data {
        var stream = z_stream()
        // deflateInit2 is a macro; its function takes the version and size explicitly.
        // windowBits 15 + 16 asks for a gzip header and trailer.
        var status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw Failure.zlib(status) }
        defer { deflateEnd(&stream) }
        var output = Data(count: Int(deflateBound(&stream, UInt(data.count))) + 32)
        let produced: Int = try data.withUnsafeBytes { input in
            try output.withUnsafeMutableBytes { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                status = deflate(&stream, Z_FINISH)
                guard status == Z_STREAM_END else { throw Failure.zlib(status) }
                return out.count - Int(stream.avail_out)
            }
        }
        output.count = produced
        return output
    }

    /// Decompresses a gzip stream (for tests and fakes).
    package static func decompress(_ data: Data) throws -> Data {
        var stream = z_stream()
        var status = inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw Failure.zlib(status) }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        try data.withUnsafeBytes { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            while status != Z_STREAM_END {
                let hadInput = stream.avail_in > 0
                try chunk.withUnsafeMutableBytes { out in
                    stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                    stream.avail_out = uInt(out.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    guard status == Z_OK || status == Z_STREAM_END else { throw Failure.zlib(status) }
                    output.append(out.bindMemory(to: UInt8.self).baseAddress!, count: out.count - Int(stream.avail_out))
                }
                // Input used up without the end of the stream: truncated.
                if status == Z_OK, !hadInput, stream.avail_out > 0 { throw Failure.zlib(Z_BUF_ERROR) }
            }
        }
        guard status == Z_STREAM_END else { throw Failure.zlib(status) }
        return output
    }
}
