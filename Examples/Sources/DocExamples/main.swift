// Runs the examples that need no network: a sink of one's own, through a
// manager, into memory.

import MetricsCore
import Sinks

let memory = InMemorySink()
try await withMetricsManager(level: .detailed, sinks: [CheckingSink(backend: memory), PrintSink()]) { manager in
    manager.put("UserRecordsPut", 1, stream: "s1")
}
print("doc examples: \(memory.allSnapshots.count) snapshot(s) exported through CheckingSink")
