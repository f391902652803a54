// metrics-agent: the host agent: samples CPU and memory, aggregates each
// period and exports it (CloudWatch, EMF, or the console in dry run).
//
// Imports: MetricsCore, CloudWatchCommon, ConsoleSink, CloudWatchSink, EMFSink, AWSCore, CWMSystemMetrics, CWMLocking.

import Foundation

#if !FUZZING
/// `metrics-agent`: CPU and memory of this host (or container) to
/// CloudWatch, median and max per period. See `metrics-agent --help`.
@main
enum MetricsAgent {
    static func main() async {
        // A closed stdout (| head) is an error to handle, not a signal that kills.
        signal(SIGPIPE, SIG_IGN)
        let command: AgentOptions.Command
        do {
            command = try AgentOptions.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            log("\(error.message) (see --help)")
            exit(2)
        }
        switch command {
        case .help:
            print(AgentOptions.help)
            exit(0)
        case .version:
            print("metrics-agent \(AgentOptions.version)")
            exit(0)
        case .run(let options):
            exit(await Agent(options: options).run())
        }
    }
}
#endif
