import Foundation

/// Reads files relative to a root directory (`/` on a real host; a fixture
/// tree in tests).
package struct FileReader: Sendable {
    package let root: String

    package init(root: String = "/") {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// The file's text, or `nil` if it cannot be read.
    package func read(_ path: String) -> String? {
        let full = root + (path.hasPrefix("/") ? path : "/" + path)
        guard let file = fopen(full, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The file's content as one number, surrounding whitespace ignored.
    func number<Value: LosslessStringConvertible>(_ path: String, as type: Value.Type = Value.self) -> Value? {
        read(path).flatMap { Value($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// The value of `key` in a file of `key value` lines (`memory.stat`, `cpu.stat`).
    func keyedValue(_ path: String, key: String) -> UInt64? {
        for line in (read(path) ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == key, let value = UInt64(parts[1]) { return value }
        }
        return nil
    }
}


/// The control group hierarchy a limit comes from.
public enum CGroupVersion: String, Sendable {
    /// cgroup v1: one hierarchy per controller (`/sys/fs/cgroup/cpu`, `/sys/fs/cgroup/memory`).
    case v1
    /// cgroup v2: the unified hierarchy (`cpu.max`, `memory.max`).
    case v2
}

/// The cgroup the process runs in, and the limits it sets.
package struct CGroup: Equatable, Sendable {
    package typealias Version = CGroupVersion

    package let version: Version
    /// Directory of the memory controller (v1) or of the cgroup (v2), rooted.
    package let memoryDirectory: String?
    /// Directory of the cpu controller (v1) or of the cgroup (v2).
    package let cpuDirectory: String?
    /// Directory of the cpuacct controller (v1) or of the cgroup (v2).
    package let cpuAccountingDirectory: String?

    /// Memory limit in bytes, or `nil` when unlimited (or higher than any host has).
    package let memoryLimit: UInt64?
    /// CPU limit in cores (quota / period), or `nil` when unlimited.
    package let cpuLimit: Double?

    /// Finds the process's cgroup from `/proc/self/cgroup` and
    /// `/proc/self/mountinfo`. `nil` when there is none to read.
    package static func detect(_ files: FileReader) -> CGroup? {
        guard let membership = files.read("/proc/self/cgroup"), let mounts = files.read("/proc/self/mountinfo") else {
            return nil
        }
        let mountTable = parseMountinfo(mounts)
        var v1Paths: [String: String] = [:]
        var v2Path: String?
        for line in membership.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            if parts[0] == "0", parts[1].isEmpty {
                v2Path = String(parts[2])
            } else {
                for controller in parts[1].split(separator: ",") { v1Paths[String(controller)] = String(parts[2]) }
            }
        }
        func v1Directory(_ controller: String) -> String? {
            guard let path = v1Paths[controller],
                  let mount = mountTable.first(where: { $0.type == "cgroup" && $0.options.contains(controller) }) else { return nil }
            return join(mount, path)
        }
        if let memory = v1Directory("memory") {
            let cpu = v1Directory("cpu")
            let accounting = v1Directory("cpuacct")
            return CGroup(
                version: .v1, memoryDirectory: memory, cpuDirectory: cpu, cpuAccountingDirectory: accounting,
                memoryLimit: files.read(memory + "/memory.limit_in_bytes").flatMap(parseLimit),
                cpuLimit: cpu.flatMap { v1CPULimit(files, $0) })
        }
        if let path = v2Path, let unified = mountTable.first(where: { $0.type == "cgroup2" }) {
            let directory = join(unified, path)
            return CGroup(
                version: .v2, memoryDirectory: directory, cpuDirectory: directory, cpuAccountingDirectory: directory,
                memoryLimit: files.read(directory + "/memory.max").flatMap(parseLimit),
                cpuLimit: files.read(directory + "/cpu.max").flatMap(parseCPUMax))
        }
        return nil
    }

    struct Mount {
        let root: String
        let point: String
        let type: String
        let options: Set<String>
    }

    /// `/proc/self/mountinfo`: root (field 4), mount point (5), and after
    /// the " - " separator the filesystem type and its super options.
    static func parseMountinfo(_ text: String) -> [Mount] {
        text.split(separator: "\n").compactMap { line in
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2 else { return nil }
            let head = halves[0].split(separator: " ")
            let tail = halves[1].split(separator: " ")
            guard head.count >= 5, tail.count >= 3 else { return nil }
            return Mount(root: String(head[3]), point: String(head[4]), type: String(tail[0]),
                         options: Set(tail[2].split(separator: ",").map(String.init)))
        }
    }

    /// The cgroup's directory under a mount: its path relative to the mount's
    /// root (inside a container both are usually the container's own).
    private static func join(_ mount: Mount, _ path: String) -> String {
        var relative = path
        if mount.root != "/", relative.hasPrefix(mount.root) { relative = String(relative.dropFirst(mount.root.count)) }
        if relative == "/" { relative = "" }
        return mount.point + relative
    }

    /// A byte limit; `max` (v2) and the v1 "no limit" value (near 2^63) mean none.
    static func parseLimit(_ text: String) -> UInt64? {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard value != "max", let bytes = UInt64(value), bytes < (1 << 60) else { return nil }
        return bytes
    }

    /// `cpu.max`: "quota period" or "max period".
    static func parseCPUMax(_ text: String) -> Double? {
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard fields.count == 2, let quota = Double(fields[0]), let period = Double(fields[1]),
              quota.isFinite, quota > 0, period.isFinite, period > 0 else { return nil }
        let cores = quota / period
        return cores.isFinite ? cores : nil
    }

    private static func v1CPULimit(_ files: FileReader, _ directory: String) -> Double? {
        guard let quota = files.number(directory + "/cpu.cfs_quota_us", as: Double.self), quota > 0,
              let period = files.number(directory + "/cpu.cfs_period_us", as: Double.self), period > 0 else { return nil }
        return quota / period
    }

    /// Memory in use that the kernel would not simply drop: usage minus
    /// inactive page cache (the working set, as container tools report it).
    func memoryWorkingSet(_ files: FileReader) -> UInt64? {
        guard let directory = memoryDirectory else { return nil }
        let usageFile = version == .v1 ? "/memory.usage_in_bytes" : "/memory.current"
        guard let usage = files.number(directory + usageFile, as: UInt64.self) else { return nil }
        let key = version == .v1 ? "total_inactive_file" : "inactive_file"
        let inactive = files.keyedValue(directory + "/memory.stat", key: key) ?? 0
        return usage - min(inactive, usage)
    }

    /// CPU time the cgroup has used, in nanoseconds.
    func cpuUsageNanoseconds(_ files: FileReader) -> UInt64? {
        switch version {
        case .v1:
            guard let directory = cpuAccountingDirectory else { return nil }
            return files.number(directory + "/cpuacct.usage", as: UInt64.self)
        case .v2:
            guard let directory = cpuDirectory else { return nil }
            return files.keyedValue(directory + "/cpu.stat", key: "usage_usec").map { $0 * 1000 }
        }
    }
}

