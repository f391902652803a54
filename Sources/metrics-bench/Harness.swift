import Foundation

/// One benchmark: a name, the unit of its figure, and a run that returns the
/// figure (ns per operation, MB/s, ...). Each is run `repeats` times and the
/// median is printed, with the spread, so noisy machines show as such.
struct Benchmark {
    let group: String
    let name: String
    let unit: String
    let repeats: Int
    let run: () async throws -> Double

    init(_ group: String, _ name: String, unit: String = "ns/op", repeats: Int = 7, run: @escaping () async throws -> Double) {
        self.group = group
        self.name = name
        self.unit = unit
        self.repeats = repeats
        self.run = run
    }
}

struct Measurement {
    let benchmark: Benchmark
    let samples: [Double]

    var median: Double {
        let sorted = samples.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    var min: Double { samples.min() ?? 0 }
    var max: Double { samples.max() ?? 0 }
}

/// Nanoseconds per operation of `body`, which performs `operations` operations.
func nanosecondsPerOperation(_ operations: Int, _ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    body()
    let elapsed = start.duration(to: clock.now)
    return elapsed.nanoseconds / Double(operations)
}

/// Same, for an async body.
func nanosecondsPerOperation(_ operations: Int, _ body: () async throws -> Void) async rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try await body()
    let elapsed = start.duration(to: clock.now)
    return elapsed.nanoseconds / Double(operations)
}

/// Runs `body(thread)` on `threads` threads at once and returns the wall
/// time in nanoseconds from the common start to the last finish.
func wallNanoseconds(threads: Int, _ body: @escaping @Sendable (Int) -> Void) -> Double {
    let ready = DispatchGroup()
    let done = DispatchGroup()
    let go = DispatchSemaphore(value: 0)
    for index in 0..<threads {
        ready.enter()
        done.enter()
        Thread {
            ready.leave()
            go.wait()
            body(index)
            done.leave()
        }.start()
    }
    ready.wait()
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<threads { go.signal() }
    done.wait()
    return start.duration(to: clock.now).nanoseconds
}

extension Duration {
    var nanoseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }
}

/// Resident set size of this process, in bytes (Linux; 0 elsewhere).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func format(_ value: Double) -> String {
    if value >= 1000 { return String(format: "%.0f", value) }
    if value >= 100 { return String(format: "%.1f", value) }
    return String(format: "%.2f", value)
}
