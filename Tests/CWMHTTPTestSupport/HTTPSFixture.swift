import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTPS server on 127.0.0.1 serving the repository's self-signed test
/// certificate (Tests/Fixtures/tls, for 127.0.0.1 and localhost), run by
/// scripts/https_fixture.py with the system's `python3` (standard library
/// only). It answers every request with 200 and an empty body.
///
/// Verification on must refuse it; `verifySSL: false` on one sink, or the
/// certificate as a CA bundle, must reach it.
public final class HTTPSFixture: Sendable {
    public let port: Int
    /// The certificate it serves, usable as a CA bundle.
    public let certificatePath: String
    private let process: RunningProcess

    /// Whether the fixture can run here (a `python3` was found).
    public static var available: Bool { TestEnvironment.python != nil }

    /// Starts the fixture and waits (at most `timeLimit`, by its watchdog)
    /// for it to listen.
    public init(timeLimit: Duration = .seconds(120)) async throws {
        let python = try TestEnvironment.require(TestEnvironment.python, "the TLS tests need python3 on PATH")
        let process = try RunningProcess(python, [TestEnvironment.path("scripts/https_fixture.py")],
                                         environment: ProcessInfo.processInfo.environment,
                                         timeLimit: timeLimit, holdInput: true)
        let fields = (await process.nextOutputLine() ?? "").split(separator: " ")
        guard fields.count == 2, let port = Int(fields[0]) else {
            process.send(SIGKILL)
            _ = await process.nextErrorLine()
            _ = await process.waitForExit()
            throw TestEnvironment.Missing(description: "scripts/https_fixture.py did not start")
        }
        self.process = process
        self.port = port
        certificatePath = String(fields[1])
    }

    /// `https://127.0.0.1:PORT/`.
    public var url: URL { URL(string: "https://127.0.0.1:\(port)/")! }

    /// The next request the fixture answered, as "METHOD PATH", or `nil`
    /// when none came within `timeout` (the fixture is then of no further
    /// use: stop it) or it has stopped.
    public func nextRequest(timeout: Duration = .seconds(10)) async -> String? {
        let process = self.process
        let line: String? = await withTaskGroup(of: String?.self) { group in
            group.addTask { await process.nextOutputLine() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            if first == nil { process.send(SIGKILL) }   // ends the read still waiting, so the group can finish
            group.cancelAll()
            return first
        }
        guard let line else { return nil }
        return line.hasPrefix("request ") ? String(line.dropFirst("request ".count)) : line
    }

    /// Stops the fixture (SIGKILL) and reaps it in the background.
    public func stop() {
        process.send(SIGKILL)
        let process = self.process
        Task.detached {
            while await process.nextErrorLine() != nil {}
            _ = await process.waitForExit()
        }
    }
}
