import Foundation

/// What utilisation is relative to.
public enum UtilizationBasis: Equatable, Sendable, CustomStringConvertible {
    /// The whole host: all cores, all memory.
    case host
    /// The cgroup's limit (a container's `--memory` / `--cpus`).
    case cgroup(CGroupVersion, limit: String)

    public var description: String {
        switch self {
        case .host: return "the host"
        case .cgroup(let version, let limit): return "the cgroup \(version.rawValue) limit (\(limit))"
        }
    }
}

/// One reading of the host (or container).
public struct HostSample: Equatable, Sendable {
    /// Wall-clock time of the reading.
    public let time: Date
    /// Busy share of the CPU limit since the previous reading, 0...100;
    /// `nil` for the first reading (a rate needs two).
    public let cpuUtilization: Double?
    /// Used share of the memory limit, 0...100.
    public let memoryUtilization: Double

    /// A sample taken at `time`; `cpuUtilization` is `nil` for the first sample, which has no interval yet.
    public init(time: Date, cpuUtilization: Double?, memoryUtilization: Double) {
        self.time = time
        self.cpuUtilization = cpuUtilization
        self.memoryUtilization = memoryUtilization
    }
}

/// Samples CPU and memory utilisation, relative to the cgroup's limits when
/// the process runs under them and to the host otherwise:
///
/// - CPU: with a CPU limit, the cgroup's CPU time over elapsed time times
///   the limit in cores; otherwise the busy share of all cores from `/proc/stat`;
/// - memory: with a memory limit, the working set (usage minus inactive
///   page cache) over the limit; otherwise `(MemTotal - MemAvailable) / MemTotal`,
///   that is without free memory, buffers, page cache and reclaimable slab.
///
/// One reading costs two or three small file reads (~30 µs).
///
/// If a cgroup file that was readable at start becomes unreadable (the
/// cgroup was moved or unmounted), the reading falls back to the host,
/// and ``onFallback`` is told once per resource.
public final class HostSampler {
    /// What the CPU utilisation is relative to: the host, or a cgroup's CPU limit.
    public private(set) var cpuBasis: UtilizationBasis
    /// What the memory utilisation is relative to: the host, or a cgroup's memory limit.
    public private(set) var memoryBasis: UtilizationBasis
    /// Told once, in words, when a reading falls back from the cgroup to the host.
    public var onFallback: ((String) -> Void)?
    private let files: FileReader
    private let cgroup: CGroup?
    private let wallClock: () -> Date
    private let monotonicNanoseconds: () -> UInt64
    private var previousHost: CPUTimes?
    private var previousCGroup: (usage: UInt64, at: UInt64)?

    /// A sampler of this host (or container): reads `/proc` and `/sys/fs/cgroup`.
    public convenience init() {
        self.init(files: FileReader())
    }

    /// - parameters:
    ///   - files: where /proc and /sys are (a fixture tree in tests).
    ///   - wallClock / monotonicNanoseconds: clocks, injectable for tests.
    package init(
        files: FileReader = FileReader(),
        wallClock: @escaping () -> Date = Date.init,
        monotonicNanoseconds: @escaping () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }
    ) {
        self.files = files
        self.wallClock = wallClock
        self.monotonicNanoseconds = monotonicNanoseconds
        let cgroup = CGroup.detect(files)
        self.cgroup = cgroup
        let hostMemory = files.read("/proc/meminfo").flatMap { try? ProcParsers.memory($0) }?.total ?? .max
        if let cgroup, let limit = cgroup.memoryLimit, limit < hostMemory {
            memoryBasis = .cgroup(cgroup.version, limit: "\(limit / (1 << 20)) MiB")
        } else {
            memoryBasis = .host
        }
        if let cgroup, let cores = cgroup.cpuLimit, cgroup.cpuUsageNanoseconds(files) != nil {
            let hundredths = Int(min(cores * 100, 1e9).rounded())
            cpuBasis = .cgroup(cgroup.version, limit: "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) CPUs")
        } else {
            cpuBasis = .host
        }
    }

    /// Takes one reading.
    public func sample() throws -> HostSample {
        HostSample(time: wallClock(), cpuUtilization: try cpu(), memoryUtilization: try memory())
    }

    private func cpu() throws -> Double? {
        if case .cgroup = cpuBasis, let cgroup, let cores = cgroup.cpuLimit {
            guard let usage = cgroup.cpuUsageNanoseconds(files) else {
                cpuBasis = .host
                onFallback?("the cgroup's CPU usage can no longer be read; CPU utilisation is now relative to the host")
                return try cpu()
            }
            let now = monotonicNanoseconds()
            defer { previousCGroup = (usage, now) }
            guard let previous = previousCGroup, now > previous.at else { return nil }
            let used = Double(usage >= previous.usage ? usage - previous.usage : 0)
            return min(100, max(0, used / (Double(now - previous.at) * cores) * 100))
        }
        guard let text = files.read("/proc/stat") else { throw SystemMetricsError("/proc/stat", "cannot be read") }
        let times = try ProcParsers.cpuTimes(text)
        defer { previousHost = times }
        return previousHost.flatMap { times.utilization(since: $0) }
    }

    private func memory() throws -> Double {
        if case .cgroup = memoryBasis, let cgroup, let limit = cgroup.memoryLimit {
            guard let used = cgroup.memoryWorkingSet(files) else {
                memoryBasis = .host
                onFallback?("the cgroup's memory usage can no longer be read; memory utilisation is now relative to the host")
                return try memory()
            }
            return min(100, Double(used) / Double(limit) * 100)
        }
        guard let text = files.read("/proc/meminfo") else { throw SystemMetricsError("/proc/meminfo", "cannot be read") }
        return try ProcParsers.memory(text).utilization
    }
}
