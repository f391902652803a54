import Foundation
@testable import CWMSystemMetrics
import Testing

@Suite("/proc parsing", .timeLimit(.minutes(3)))
struct ProcParserTests {
    @Test("cpu lines of 2.4, 2.6 and 6.x kernels")
    func cpuLines() throws {
        #expect(try ProcParsers.cpuTimes(Kernel.linux24Stat) == CPUTimes(total: 9320, idle: 8000))
        #expect(try ProcParsers.cpuTimes(Kernel.linux26Stat) == CPUTimes(total: 9437, idle: 8100))
        // guest and guest_nice are inside user and nice: not added twice.
        #expect(try ProcParsers.cpuTimes(Kernel.linux6Stat) == CPUTimes(total: 290113 + 56 + 32726 + 1717982 + 6735 + 293 + 1451,
                                                                          idle: 1717982 + 6735))
        #expect(throws: SystemMetricsError.self) { try ProcParsers.cpuTimes("intr 5\n") }
        #expect(throws: SystemMetricsError.self) { try ProcParsers.cpuTimes("cpu  1 2\n") }
    }

    @Test("utilisation between two readings")
    func utilization() {
        let earlier = CPUTimes(total: 1000, idle: 800)
        #expect(CPUTimes(total: 2000, idle: 1550).utilization(since: earlier) == 25)
        #expect(CPUTimes(total: 2000, idle: 1800).utilization(since: earlier) == 0)
        #expect(CPUTimes(total: 2000, idle: 800).utilization(since: earlier) == 100)
        #expect(CPUTimes(total: 1000, idle: 800).utilization(since: earlier) == nil)
    }

    @Test("memory: MemAvailable, and its estimate on kernels before 3.14")
    func memory() throws {
        let modern = try ProcParsers.memory(Kernel.meminfo)
        #expect(modern.total == 24_684_084 * 1024)
        #expect(modern.available == 24_226_184 * 1024)
        #expect(abs(modern.utilization - (24_684_084.0 - 24_226_184) / 24_684_084 * 100) < 1e-9)
        let old = try ProcParsers.memory(Kernel.meminfoOld)
        // free + buffers + cached + reclaimable slab - shmem = 500000 kB
        #expect(old.available == 500_000 * 1024)
        #expect(old.utilization == 50)
        #expect(throws: SystemMetricsError.self) { try ProcParsers.memory("MemFree: 5 kB") }
    }
}

@Suite("cgroups", .timeLimit(.minutes(3)))
struct CGroupTests {
    @Test("v1 host: separate mounts, no limits")
    func v1Host() throws {
        let root = try FakeRoot(CGroupLayout.v1Host)
        let cgroup = try #require(CGroup.detect(root.reader))
        #expect(cgroup.version == .v1)
        #expect(cgroup.memoryDirectory == "/sys/fs/cgroup/memory")
        #expect(cgroup.cpuAccountingDirectory == "/sys/fs/cgroup/cpuacct")
        #expect(cgroup.memoryLimit == nil)
        #expect(cgroup.cpuLimit == nil)
    }

    @Test("v1 in Docker: limits read through the container's own mount root")
    func v1Docker() throws {
        let root = try FakeRoot(CGroupLayout.v1Docker)
        let cgroup = try #require(CGroup.detect(root.reader))
        #expect(cgroup.version == .v1)
        #expect(cgroup.memoryDirectory == "/sys/fs/cgroup/memory")
        #expect(cgroup.cpuDirectory == "/sys/fs/cgroup/cpu,cpuacct")
        #expect(cgroup.memoryLimit == 536_870_912)
        #expect(cgroup.cpuLimit == 0.5)
        #expect(cgroup.memoryWorkingSet(root.reader) == 300_000_000 - 31_564_800)
        #expect(cgroup.cpuUsageNanoseconds(root.reader) == 1_000_000_000)
    }

    @Test("v2 with and without limits")
    func v2() throws {
        let limited = try FakeRoot(CGroupLayout.v2Limited)
        let cgroup = try #require(CGroup.detect(limited.reader))
        #expect(cgroup.version == .v2)
        #expect(cgroup.memoryDirectory == "/sys/fs/cgroup/system.slice/app.service")
        #expect(cgroup.memoryLimit == 268_435_456)
        #expect(cgroup.cpuLimit == 1.5)
        #expect(cgroup.memoryWorkingSet(limited.reader) == 134_217_728 - 67_108_864)
        #expect(cgroup.cpuUsageNanoseconds(limited.reader) == 2_000_000_000)

        let unlimited = try FakeRoot(CGroupLayout.v2Unlimited)
        let free = try #require(CGroup.detect(unlimited.reader))
        #expect(free.memoryLimit == nil && free.cpuLimit == nil)
    }

    @Test("no cgroup information at all")
    func none() throws {
        let root = try FakeRoot(["/proc/stat": Kernel.linux6Stat])
        #expect(CGroup.detect(root.reader) == nil)
    }
}

@Suite("Host sampler", .timeLimit(.minutes(3)))
struct HostSamplerTests {
    final class FakeTime: @unchecked Sendable {
        var nanoseconds: UInt64 = 1_000_000_000
        var date = Date(timeIntervalSince1970: 1_795_437_300)
    }

    /// A fake root with `layout` plus `/proc/stat` and `/proc/meminfo`, and a
    /// sampler reading it on a clock the test moves.
    func makeSampler(_ layout: [String: String], stat: String = Kernel.linux6Stat, meminfo: String = Kernel.meminfo)
        throws -> (root: FakeRoot, time: FakeTime, sampler: HostSampler)
    {
        let root = try FakeRoot(layout.merging(["/proc/stat": stat, "/proc/meminfo": meminfo]) { $1 })
        let time = FakeTime()
        let sampler = HostSampler(files: root.reader, wallClock: { time.date }, monotonicNanoseconds: { time.nanoseconds })
        return (root, time, sampler)
    }

    @Test("no limits: host CPU from /proc/stat deltas and MemTotal - MemAvailable")
    func host() throws {
        let (root, time, sampler) = try makeSampler(CGroupLayout.v1Host, stat: "cpu  1000 0 0 800 0 0 0 0\n", meminfo: Kernel.meminfoOld)
        #expect(sampler.cpuBasis == .host)
        #expect(sampler.memoryBasis == .host)
        let first = try sampler.sample()
        #expect(first.cpuUtilization == nil, "a rate needs two readings")
        #expect(first.memoryUtilization == 50)
        #expect(first.time == time.date)
        try root.write(["/proc/stat": "cpu  1600 0 0 1200 0 0 0 0\n"])  // 1000 more ticks, 400 idle
        #expect(try sampler.sample().cpuUtilization == 60)
    }

    @Test("v1 container limits: CPU relative to 0.5 CPUs, memory to 512 MiB")
    func v1Limited() throws {
        let (root, time, sampler) = try makeSampler(CGroupLayout.v1Docker)
        #expect(sampler.cpuBasis == .cgroup(.v1, limit: "0.50 CPUs"))
        #expect(sampler.memoryBasis == .cgroup(.v1, limit: "512 MiB"))
        let first = try sampler.sample()
        #expect(first.cpuUtilization == nil)
        #expect(abs(first.memoryUtilization - Double(300_000_000 - 31_564_800) / 536_870_912 * 100) < 1e-9)
        // One second later the cgroup used 0.25 s of CPU: half of its 0.5 CPU.
        time.nanoseconds += 1_000_000_000
        try root.write(["/sys/fs/cgroup/cpu,cpuacct/cpuacct.usage": "1250000000\n"])
        #expect(try sampler.sample().cpuUtilization == 50)
    }

    @Test("v2 limits, and values clamped to 0...100")
    func v2Limited() throws {
        let (root, time, sampler) = try makeSampler(CGroupLayout.v2Limited)
        #expect(sampler.cpuBasis == .cgroup(.v2, limit: "1.50 CPUs"))
        #expect(try sampler.sample().memoryUtilization == 25)
        time.nanoseconds += 1_000_000_000
        try root.write(["/sys/fs/cgroup/system.slice/app.service/cpu.stat": "usage_usec 2750000\n"])  // 0.75 s of 1.5 CPUs
        #expect(try sampler.sample().cpuUtilization == 50)
        time.nanoseconds += 1_000_000_000
        try root.write(["/sys/fs/cgroup/system.slice/app.service/cpu.stat": "usage_usec 9999999\n"])  // more than the limit
        #expect(try sampler.sample().cpuUtilization == 100)
    }

    @Test("a memory limit above the host's memory is no limit")
    func limitAboveHost() throws {
        var files = CGroupLayout.v1Docker.merging(["/proc/stat": Kernel.linux6Stat, "/proc/meminfo": Kernel.meminfoOld]) { $1 }
        files["/sys/fs/cgroup/memory/memory.limit_in_bytes"] = "\(64 << 30)\n"
        let root = try FakeRoot(files)
        let sampler = HostSampler(files: root.reader)
        #expect(sampler.memoryBasis == .host)
        #expect(try sampler.sample().memoryUtilization == 50)
    }

    @Test("this machine can be sampled, with values in range",
          .enabled(if: FileManager.default.fileExists(atPath: "/proc/stat")))
    func realHost() throws {
        let sampler = HostSampler()
        _ = try sampler.sample()
        let sample = try sampler.sample()
        #expect((0...100).contains(sample.memoryUtilization))
        if let cpu = sample.cpuUtilization { #expect((0...100).contains(cpu)) }
    }
}
