#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CWMHTTP
import Foundation

/// The `credential_process` of a profile: runs the command and reads the
/// credentials it prints, as botocore does.
///
/// - The command is split into words as a POSIX shell would split it
///   (quotes and backslashes), and run directly: no shell, so no
///   expansion, pipes or redirections.
/// - It must print, within `timeout` and `maxOutputBytes` (the
///   initialiser's), a JSON object with `"Version": 1`, `AccessKeyId`, `SecretAccessKey`, and
///   optionally `SessionToken` and `Expiration` (ISO 8601); credentials
///   are fetched again before `Expiration` (the default chain caches them).
/// - Its standard input is `/dev/null`; its standard error is discarded
///   and never put into an error or a log line, since a failing tool may
///   print a secret there. A non-zero exit, a timeout, too much output or
///   bad JSON is ``CredentialsError/failed(provider:reason:)`` naming the
///   profile.
///
/// The process's signal dispositions and standard streams are left alone.
public struct ProcessCredentialProvider: CredentialProvider, CustomStringConvertible,
    CustomReflectable {
    /// The profile the command comes from (for messages).
    package let profile: String
    private let command: String?
    /// How long the command may run (default 60 s).
    package let timeout: Duration
    /// The most it may print (default 64 KiB).
    package let maxOutputBytes: Int

    /// The selected profile's `credential_process`, if it has one.
    public init(files: SharedConfigFiles = SharedConfigFiles(), timeout: Duration = .seconds(60),
                maxOutputBytes: Int = 64 << 10) {
        self.init(command: files.settings["credential_process"], profile: files.profileName, timeout: timeout,
                  maxOutputBytes: maxOutputBytes)
    }

    /// `command`, as a profile's `credential_process` would give it.
    public init(command: String?, profile: String, timeout: Duration = .seconds(60), maxOutputBytes: Int = 64 << 10) {
        self.command = command.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        self.profile = profile
        self.timeout = timeout
        self.maxOutputBytes = max(1, maxOutputBytes)
    }

    public var name: String { "credential_process of profile \(profile)" }
    // The command line can carry a secret (a token as an argument): never shown.
    public var description: String { "ProcessCredentialProvider(profile: \(profile))" }
    public var customMirror: Mirror { Mirror(self, children: ["profile": profile], displayStyle: .struct) }

    public func credentials() async throws -> AWSCredentials {
        guard let command else {
            throw CredentialsError.notConfigured(provider: name, reason: "no credential_process")
        }
        let words = Self.split(command)
        guard let program = words.first else {
            throw CredentialsError.failed(provider: name, reason: "credential_process is empty")
        }
        let timeout = self.timeout
        let cap = maxOutputBytes
        let name = self.name
        let output: [UInt8] = try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try ChildProcess.run(program: program, arguments: words,
                                                                         timeout: timeout, maxOutput: cap, name: name) })
            }
            thread.stackSize = 512 << 10
            thread.start()
        }
        return try parse(output)
    }

    private func parse(_ output: [UInt8]) throws -> AWSCredentials {
        guard let object = try? JSONSerialization.jsonObject(with: Data(output)) as? [String: Any] else {
            throw CredentialsError.failed(provider: name, reason: "the command did not print a JSON object")
        }
        guard (object["Version"] as? NSNumber)?.intValue == 1 else {
            throw CredentialsError.failed(provider: name, reason: "the command's JSON is not \"Version\": 1")
        }
        guard let keyId = object["AccessKeyId"] as? String, !keyId.isEmpty,
              let secret = object["SecretAccessKey"] as? String, !secret.isEmpty else {
            throw CredentialsError.failed(provider: name, reason: "the command's JSON lacks AccessKeyId or SecretAccessKey")
        }
        var expiration: Date?
        if let text = object["Expiration"] as? String {
            guard let date = AWSDate.parseISO8601(text) else {
                throw CredentialsError.failed(provider: name, reason: "the command's Expiration is not an ISO 8601 time")
            }
            expiration = date
        }
        return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret,
                              sessionToken: (object["SessionToken"] as? String).flatMap { $0.isEmpty ? nil : $0 },
                              expiration: expiration)
    }

    /// Splits `command` into words as a POSIX shell does (Python's
    /// `shlex.split`, which botocore uses): blanks separate words; single
    /// quotes keep everything; double quotes keep everything but `\` before
    /// `\`, `"`, `$` or `` ` ``; a backslash outside quotes keeps the next
    /// character.
    package static func split(_ command: String) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var characters = command.makeIterator()
        while let character = characters.next() {
            switch character {
            case " ", "\t", "\n":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            case "'":
                inWord = true
                while let next = characters.next(), next != "'" { word.append(next) }
            case "\"":
                inWord = true
                while let next = characters.next(), next != "\"" {
                    if next == "\\", let escaped = characters.next() {
                        if !"\\\"$`".contains(escaped) { word.append("\\") }
                        word.append(escaped)
                    } else {
                        word.append(next)
                    }
                }
            case "\\":
                inWord = true
                if let escaped = characters.next() { word.append(escaped) }
            default:
                inWord = true
                word.append(character)
            }
        }
        if inWord { words.append(word) }
        return words
    }
}

/// A child process run to completion: standard input from `/dev/null`,
/// standard output read (bounded in time and size), standard error to
/// `/dev/null`.
enum ChildProcess {
    static func run(program: String, arguments: [String], timeout: Duration, maxOutput: Int,
                    name: String) throws -> [UInt8] {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw CredentialsError.failed(provider: name, reason: "pipe failed (errno \(errno))") }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        defer { close(readEnd) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, writeEnd)

        var pid: pid_t = 0
        let arguments = arguments.map { strdup($0) } + [nil]
        defer { for argument in arguments { free(argument) } }
        // The process's environment, as botocore passes it on.
        let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for entry in environment { free(entry) } }
        let spawned = posix_spawnp(&pid, program, &actions, nil, arguments, environment)
        close(writeEnd)
        guard spawned == 0 else {
            throw CredentialsError.failed(provider: name, reason: "could not run \(program) (errno \(spawned))")
        }

        let deadline = ContinuousClock.now + timeout
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var problem: String?
        reading: while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else {
                problem = "the command did not finish within \(timeout)"
                break
            }
            var entry = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(left.clampedMilliseconds + 1))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                problem = "reading its output failed (errno \(errno))"
                break reading
            }
            if count == 0 { break }
            output.append(contentsOf: buffer[..<count])
            if output.count > maxOutput {
                problem = "the command printed more than \(maxOutput) bytes"
                break
            }
        }
        // A command that closed its output but runs on is bounded too.
        var status: Int32 = 0
        var gone = false   // reaped by someone else: its pid may be another process's now
        while problem == nil {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR {
                gone = true
                problem = "the command's exit status could not be read (errno \(errno))"
            } else if ContinuousClock.now >= deadline {
                problem = "the command did not finish within \(timeout)"
            } else {
                var pause = timespec(tv_sec: 0, tv_nsec: 5_000_000)
                nanosleep(&pause, nil)
            }
        }
        if problem != nil && !gone {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        if let problem { throw CredentialsError.failed(provider: name, reason: problem) }
        let exited = status & 0x7F == 0
        let code = (status >> 8) & 0xFF
        guard exited, code == 0 else {
            let how = exited ? "exited with status \(code)" : "was killed by signal \(status & 0x7F)"
            throw CredentialsError.failed(
                provider: name,
                reason: "the command \(how) (its standard error is not shown, as it may hold a secret: "
                    + "run the command yourself to see it)")
        }
        return output
    }
}
