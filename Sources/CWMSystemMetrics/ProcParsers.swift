// CWMSystemMetrics: CPU and memory utilisation of the host, or of the cgroup
// the process runs in when that has a limit, from /proc and /sys/fs/cgroup
// (Linux). Parsers take text, so they are tested on fixtures of several
// kernels and cgroup layouts.
//
// Imports: nothing of this package.

import Foundation

/// Why a file could not be used.
public struct SystemMetricsError: Error, Equatable, CustomStringConvertible {
    /// The file that could not be read or parsed.
    public let path: String
    /// What was wrong with it.
    public let reason: String
    /// An error about the file at `path`.
    public init(_ path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }
}

/// Aggregate CPU time of all cores since boot, in clock ticks (`/proc/stat`'s first line).
package struct CPUTimes: Equatable, Sendable {
    /// Every tick: user, nice, system, idle, iowait, irq, softirq, steal.
    package let total: UInt64
    /// Ticks not working: idle and iowait.
    package let idle: UInt64

    package init(total: UInt64, idle: UInt64) {
        self.total = total
        self.idle = idle
    }

    /// Busy share of all cores between `earlier` and this, in percent
    /// (0...100), or `nil` if no time passed.
    package func utilization(since earlier: CPUTimes) -> Double? {
        guard total > earlier.total else { return nil }
        let elapsed = Double(total - earlier.total)
        let idled = Double(idle >= earlier.idle ? idle - earlier.idle : 0)
        return min(100, max(0, (elapsed - idled) / elapsed * 100))
    }
}

/// Host memory from `/proc/meminfo`, in bytes.
package struct HostMemory: Equatable, Sendable {
    package let total: UInt64
    /// What could be used without swapping: `MemAvailable`, or on kernels
    /// before 3.14 free + buffers + page cache + reclaimable slab - shmem.
    package let available: UInt64

    /// Used share: `(total - available) / total`, in percent.
    package var utilization: Double {
        guard total > 0 else { return 0 }
        return min(100, max(0, Double(total - min(available, total)) / Double(total) * 100))
    }
}

package enum ProcParsers {
    /// The `cpu` line of `/proc/stat`. Kernels before 2.6.11 lack `steal`,
    /// before 2.5.41 `iowait` and the rest; `guest` and `guest_nice` are
    /// already counted in `user` and `nice`, so they are left out.
    package static func cpuTimes(_ procStat: String) throws -> CPUTimes {
        guard let line = procStat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else {
            throw SystemMetricsError("/proc/stat", "no aggregate cpu line")
        }
        let fields = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().compactMap { UInt64($0) }
        guard fields.count >= 4 else { throw SystemMetricsError("/proc/stat", "fewer than 4 cpu fields") }
        let counted = fields.prefix(8)  // user nice system idle iowait irq softirq steal
        // Real counters are far from 2^64; a sum that overflows is a corrupt file, not a trap.
        var total: UInt64 = 0
        for field in counted {
            let (sum, overflow) = total.addingReportingOverflow(field)
            guard !overflow else { throw SystemMetricsError("/proc/stat", "cpu fields out of range") }
            total = sum
        }
        let idle = fields[3].addingReportingOverflow(fields.count > 4 ? fields[4] : 0)
        guard !idle.overflow, idle.partialValue <= total else { throw SystemMetricsError("/proc/stat", "cpu fields out of range") }
        return CPUTimes(total: total, idle: idle.partialValue)
    }

    /// `/proc/meminfo` (values in kB).
    package static func memory(_ meminfo: String) throws -> HostMemory {
        var values: [Substring: UInt64] = [:]
        for line in meminfo.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let number = line[line.index(after: colon)...].split(separator: " ").first.flatMap { UInt64($0) }
            // Over 2^50 kB (an exbibyte) is not a real value but a corrupt file: left out.
            if let number, number <= 1 << 50 { values[line[..<colon]] = number * 1024 }
        }
        guard let total = values["MemTotal"], total > 0 else { throw SystemMetricsError("/proc/meminfo", "no MemTotal") }
        if let available = values["MemAvailable"] { return HostMemory(total: total, available: available) }
        // Each value is at most 2^60 here, so these sums cannot overflow.
        let free = values["MemFree"] ?? 0
        let cache = (values["Buffers"] ?? 0) + (values["Cached"] ?? 0) + (values["SReclaimable"] ?? 0)
        let shared = values["Shmem"] ?? 0
        return HostMemory(total: total, available: free + cache - min(shared, free + cache))
    }
}
