import EMFSink
import Foundation
import MetricsCore
import CWMTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Standard output or a file handle whose reader stalls, or that is
/// non-blocking: the write has a bound, and a document cut short never
/// takes the next one with it.
@Suite("EMFSink: a stalled or non-blocking output", .timeLimit(.minutes(1)))
struct StalledOutputTests {
    /// 60 histograms of one dimension set: one document several times the
    /// size of the test pipe.
    static let large = large(end: windowEnd)

    static func large(end: Date) -> [MetricSnapshot] {
        (0..<60).map {
            snapshot("Metric\($0)", kind: .histogram, dimensions: [("stream", "s")],
                     distribution: (1...40).map { .init(value: Double($0), count: 1) }, end: end)
        }
    }

    @Test("a reader that stops draining: the write gives up at its bound, the document cut short stays a line of its own and is not counted as delivered")
    func stalledReader() async throws {
        let pipe = PipeCapture(onePage: true, draining: false)
        let sink = EMFSink(namespace: "MyService", destination: .fileHandle(pipe.writeHandle),
                           options: .init(writeTimeout: .milliseconds(200)))
        let stalled = await sink.export(Self.large, attempt: .first)
        #expect(stalled.delivered == 0)
        #expect(stalled.unsent.count == Self.large.count)
        #expect((stalled.error as? EMFSinkError) == .writeFailed(errno: ETIMEDOUT))

        pipe.startDraining()
        let next = await sink.export([snapshot("Requests")], attempt: .first)
        #expect(next.delivered == 1 && next.error == nil)
        let lines = try #require(pipe.finish(), "the reader did not see the end of the pipe")
        #expect(lines.count == 2, "the fragment, then the next document on a line of its own")
        if lines.count == 2 {
            #expect(!EMFSchema.problems(lines[0]).isEmpty, "the fragment is not a document")
            #expect(EMFSchema.problems(lines[1]).isEmpty)
            #expect(String(decoding: lines[1], as: UTF8.self).contains("\"Requests\""))
        }
    }

    @Test("a non-blocking output that fills up: the write waits for room (EAGAIN) and every document arrives whole")
    func nonBlockingOutput() async throws {
        let pipe = PipeCapture(onePage: true)
        let flags = fcntl(pipe.writeHandle.fileDescriptor, F_GETFL)
        #expect(fcntl(pipe.writeHandle.fileDescriptor, F_SETFL, flags | O_NONBLOCK) == 0)
        let sink = EMFSink(namespace: "MyService", destination: .fileHandle(pipe.writeHandle))
        let batches = (0..<3).map { Self.large(end: windowEnd + Double($0)) }
        for batch in batches {
            let result = await sink.export(batch, attempt: .first)
            #expect(result.delivered == batch.count && result.error == nil)
        }
        let lines = try #require(pipe.finish(), "the reader did not see the end of the pipe")
        #expect(lines.count == 3)
        for line in lines { #expect(EMFSchema.problems(line).isEmpty) }
    }
}
