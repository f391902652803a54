import Foundation
import CWMSystemMetrics

/// A fake root (`/proc`, `/sys/fs/cgroup`) in a temporary directory.
final class FakeRoot {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("root-\(UUID().uuidString)")
    var reader: FileReader { FileReader(root: directory.path) }

    init(_ files: [String: String]) throws {
        try write(files)
    }

    func write(_ files: [String: String]) throws {
        for (path, text) in files {
            let url = directory.appendingPathComponent(String(path.drop { $0 == "/" }))
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

/// /proc files as different kernels write them.
enum Kernel {
    /// Linux 2.4: four cpu fields; no MemAvailable.
    static let linux24Stat = "cpu  1000 20 300 8000\ncpu0 1000 20 300 8000\nintr 1234\n"
    /// Linux 2.6.24: eight fields (steal), no guest; no MemAvailable either.
    static let linux26Stat = "cpu  1000 20 300 8000 100 10 5 2\ncpu0 1000 20 300 8000 100 10 5 2\nctxt 99\n"
    /// Linux 6.x: ten fields (guest, guest_nice already in user, nice).
    static let linux6Stat = "cpu  290113 56 32726 1717982 6735 0 293 1451 0 0\ncpu0 103393 28 14175 904990 1060 0 59 719 0 0\n"

    static let meminfoOld = """
        MemTotal:        1000000 kB
        MemFree:          200000 kB
        Buffers:           50000 kB
        Cached:           250000 kB
        SwapCached:            0 kB
        Shmem:             20000 kB
        SReclaimable:      20000 kB
        """
    static let meminfo = """
        MemTotal:       24684084 kB
        MemFree:        24246484 kB
        MemAvailable:   24226184 kB
        Buffers:            1672 kB
        Cached:           134436 kB
        """
}

/// /proc/self and /sys/fs/cgroup of several cgroup layouts.
enum CGroupLayout {
    /// A host like this project's machines: cgroup v1, separate cpu and
    /// cpuacct mounts, no limits.
    static let v1Host: [String: String] = [
        "/proc/self/cgroup": "4:memory:/\n2:cpuacct:/\n1:cpu:/\n0::/\n",
        "/proc/self/mountinfo": """
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            """,
        "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
        "/sys/fs/cgroup/memory/memory.usage_in_bytes": "273788928\n",
        "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n",
        "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
        "/sys/fs/cgroup/cpuacct/cpuacct.usage": "1000\n",
    ]

    /// A Docker container on cgroup v1: --memory 512m --cpus 0.5, combined
    /// cpu,cpuacct mount, the container's own cgroup as mount root.
    static let v1Docker: [String: String] = [
        "/proc/self/cgroup": "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n",
        "/proc/self/mountinfo": """
            700 690 0:50 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory
            701 690 0:51 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct
            """,
        "/sys/fs/cgroup/memory/memory.limit_in_bytes": "536870912\n",
        "/sys/fs/cgroup/memory/memory.usage_in_bytes": "300000000\n",
        "/sys/fs/cgroup/memory/memory.stat": "cache 100000000\ntotal_inactive_file 31564800\ntotal_active_file 1000\n",
        "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "50000\n",
        "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n",
        "/sys/fs/cgroup/cpu,cpuacct/cpuacct.usage": "1000000000\n",
    ]

    /// cgroup v2 (unified), memory.max 256 MiB, cpu.max 1.5 CPUs.
    static let v2Limited: [String: String] = [
        "/proc/self/cgroup": "0::/system.slice/app.service\n",
        "/proc/self/mountinfo": "25 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate\n",
        "/sys/fs/cgroup/system.slice/app.service/memory.max": "268435456\n",
        "/sys/fs/cgroup/system.slice/app.service/memory.current": "134217728\n",
        "/sys/fs/cgroup/system.slice/app.service/memory.stat": "anon 100\ninactive_file 67108864\nactive_file 5\n",
        "/sys/fs/cgroup/system.slice/app.service/cpu.max": "150000 100000\n",
        "/sys/fs/cgroup/system.slice/app.service/cpu.stat": "usage_usec 2000000\nuser_usec 1500000\nsystem_usec 500000\n",
    ]

    /// cgroup v2 without limits.
    static let v2Unlimited: [String: String] = [
        "/proc/self/cgroup": "0::/user.slice\n",
        "/proc/self/mountinfo": "25 22 0:23 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
        "/sys/fs/cgroup/user.slice/memory.max": "max\n",
        "/sys/fs/cgroup/user.slice/memory.current": "134217728\n",
        "/sys/fs/cgroup/user.slice/cpu.max": "max 100000\n",
        "/sys/fs/cgroup/user.slice/cpu.stat": "usage_usec 2000000\n",
    ]
}
