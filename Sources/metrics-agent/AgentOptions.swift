import AWSCore
import CloudWatchCommon
import ConsoleSink
import Foundation
import MetricsCore

/// The agent's command line.
struct AgentOptions: Equatable {
    static let version = "0.1.0"
    /// The longest period: a year (longer ones overflow nothing, but mean nothing either).
    static let maxPeriod = 366 * 86_400

    var namespace = "MetricsAgent"
    var service = AgentOptions.shortHostName()
    var period = 60
    var sampleInterval = 0.9
    var dimensions: [Dimension] = []
    var instanceId = false
    var dryRun = false
    var format = ConsoleSink.Format.table
    var region: String?
    var endpoint: URL?
    var verifySSL = true
    var storageResolution = 60
    /// Write EMF documents to standard output instead of calling PutMetricData.
    var emf = false
    /// Send EMF documents to this CloudWatch Logs group (and stream) instead.
    var emfLogGroup: String?
    var emfLogStream: String?
    var verbose = false
    /// Where `/proc` and `/sys/fs/cgroup` are read: "/" for this host, or a
    /// host's root mounted into a container (`--root /host`).
    var root = "/"

    /// An extra `--dimension key=value`.
    struct Dimension: Equatable {
        let key: String
        let value: String
    }

    /// The host name up to its first dot (`gethostname`, not ProcessInfo,
    /// which resolves through more of Foundation than the agent needs).
    static func shortHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "host" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.split(separator: ".").first.map(String.init) ?? "host"
    }

    /// What the command line asks for.
    enum Command: Equatable {
        case run(AgentOptions)
        case help
        case version
    }

    /// A bad command line: one line for the user, exit status 2.
    struct UsageError: Error, Equatable, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> Command {
        var options = AgentOptions()
        var remaining = arguments[...]
        var seenDimensionKeys = Set<String>()

        func fail(_ message: String) -> UsageError { UsageError(message: message) }

        while let argument = remaining.popFirst() {
            guard argument.hasPrefix("-"), argument.count > 1 else { throw fail("unexpected argument '\(argument)'") }
            var name = argument
            var inline: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            func value() throws(UsageError) -> String {
                if let inline { return inline }
                guard let next = remaining.popFirst(), !next.hasPrefix("--") else { throw fail("\(name) needs a value") }
                return next
            }
            func noValue() throws(UsageError) {
                if inline != nil { throw fail("\(name) takes no value") }
            }

            switch name {
            case "--help", "-h": return .help
            case "--version": return .version
            case "--namespace":
                options.namespace = try value()
                // Checked here, whatever the mode: a namespace CloudWatch
                // refuses is a bad command line in --dry-run too.
                if let problem = CloudWatchNames.namespaceProblem(options.namespace) {
                    throw fail("--namespace '\(options.namespace)' is not a CloudWatch namespace: \(problem)")
                }
            case "--service":
                options.service = try value()
                if options.service.isEmpty { throw fail("--service must not be empty") }
            case "--period":
                let text = try value()
                guard let seconds = Int(text), (1...maxPeriod).contains(seconds) else {
                    throw fail("--period must be a whole number of seconds from 1 to \(maxPeriod) (got '\(text)')")
                }
                options.period = seconds
            case "--sample-interval":
                let text = try value()
                guard let seconds = Double(text), seconds.isFinite, seconds >= 0.05 else {
                    throw fail("--sample-interval must be a number of seconds, at least 0.05 (got '\(text)')")
                }
                options.sampleInterval = seconds
            case "--dimension":
                let text = try value()
                let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw fail("--dimension must be key=value (got '\(text)')")
                }
                let key = String(parts[0])
                guard key != "ServiceName", key != "InstanceId", seenDimensionKeys.insert(key).inserted else {
                    throw fail("--dimension \(key) is given twice or is set by the agent")
                }
                options.dimensions.append(Dimension(key: key, value: String(parts[1])))
            case "--instance-id":
                try noValue()
                options.instanceId = true
            case "--dry-run":
                try noValue()
                options.dryRun = true
            case "--format":
                let text = try value()
                switch text {
                case "table": options.format = .table
                case "json": options.format = .jsonLines
                default: throw fail("--format must be table or json (got '\(text)')")
                }
            case "--region":
                let region = try value()
                guard AWSRegion.isValid(region) else { throw fail("--region: \(EndpointError.invalidRegion(region))") }
                options.region = region
            case "--endpoint":
                let text = try value()
                do {
                    options.endpoint = try AWSEndpoint(string: text).url
                } catch {
                    throw fail("--endpoint: \(error)")
                }
            case "--no-verify-ssl":
                try noValue()
                options.verifySSL = false
            case "--storage-resolution":
                let text = try value()
                guard let resolution = Int(text), resolution == 1 || resolution == 60 else {
                    throw fail("--storage-resolution must be 1 or 60 (got '\(text)')")
                }
                options.storageResolution = resolution
            case "--emf":
                try noValue()
                options.emf = true
            case "--emf-log-group":
                options.emfLogGroup = try value()
            case "--emf-log-stream":
                options.emfLogStream = try value()
            case "--root":
                options.root = try value()
                if options.root.isEmpty { throw fail("--root must not be empty") }
            case "--verbose", "-v":
                try noValue()
                options.verbose = true
            default:
                throw fail("unknown option '\(name)'")
            }
        }
        if options.emfLogStream != nil, options.emfLogGroup == nil {
            throw fail("--emf-log-stream needs --emf-log-group")
        }
        if options.dryRun, options.emf || options.emfLogGroup != nil {
            throw fail("--dry-run prints a table or JSON; it cannot be combined with --emf or --emf-log-group")
        }
        if options.emf, options.emfLogGroup != nil {
            throw fail("--emf writes to standard output and --emf-log-group to CloudWatch Logs: choose one")
        }
        if options.sampleInterval > Double(options.period) {
            throw fail("--sample-interval (\(options.sampleInterval) s) must not exceed --period (\(options.period) s)")
        }
        return .run(options)
    }

    static let help = """
        USAGE: metrics-agent [--namespace <namespace>] [--service <name>] [--period <seconds>] [options]

        Samples this host's CPU and memory every 0.9 s and publishes, once per
        period, to Amazon CloudWatch (or, with --dry-run, to standard output):

          CPUUtilization         median over the period of the all-core CPU use, %
          MemoryUtilization      median over the period of the memory in use, %
          MaxMemoryUtilization   maximum over the period of the memory in use, %

        each with the dimension ServiceName=<service>, unit Percent, and the
        time of the period's last sample.

        Memory in use is total minus available memory: free memory, buffers,
        page cache and reclaimable slab do not count. In a container with a
        cgroup limit (cgroup v1 memory.limit_in_bytes / cpu.cfs_quota_us, or
        v2 memory.max / cpu.max), utilisation is relative to that limit
        (memory: working set, that is usage minus inactive page cache);
        without one, to the whole host. The agent says which at start.

        OPTIONS:
          --namespace <namespace>     CloudWatch namespace (default: MetricsAgent)
          --service <name>            value of the ServiceName dimension (default: the host name)
          --period <seconds>          publishing period, whole seconds (default: 60)
          --sample-interval <seconds> time between samples (default: 0.9)
          --dimension <key=value>     an extra dimension; repeatable
          --instance-id               add InstanceId from EC2 instance metadata (IMDSv2), when on EC2
          --dry-run                   print to standard output instead of publishing
          --format <table|json>       output of --dry-run (default: table; json: one object per line)
          --region <region>           AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's)
          --endpoint <url>            CloudWatch endpoint, e.g. http://127.0.0.1:4566 (default: AWS_ENDPOINT_URL)
          --no-verify-ssl             accept any TLS certificate from the endpoint
          --storage-resolution <1|60> CloudWatch storage resolution (default: 60)
          --emf                       write CloudWatch Embedded Metric Format documents to standard
                                      output, one per line, instead of publishing (no region or
                                      credentials needed; messages go to standard error)
          --emf-log-group <group>     send EMF documents to this CloudWatch Logs group with
                                      PutLogEvents (created when missing) instead of PutMetricData
          --emf-log-stream <stream>   the log stream for --emf-log-group (default: the host name)
          --root <path>               read /proc and /sys/fs/cgroup under <path> (default: /), e.g.
                                      the host's root mounted into a container
          -v, --verbose               log each publication to standard error
          -h, --help                  show this help
          --version                   show the version

        Credentials come from the standard AWS chain: AWS_ACCESS_KEY_ID and
        AWS_SECRET_ACCESS_KEY, the AWS_PROFILE profile of ~/.aws, a web
        identity, ECS/EKS container credentials, or the EC2 instance role.

        If CloudWatch cannot be reached, a period's metrics are retried twice,
        then skipped (counted, and logged to standard error at most every 10 s).
        On SIGTERM or SIGINT the agent publishes what it has sampled of the
        current period, waits up to 10 s for delivery, and exits 0.

        EXIT STATUS: 0 stopped by a signal; 1 runtime error (no credentials, no
        region, /proc unreadable under --root); 2 bad command line.
        """
}
