import Foundation
@testable import metrics_agent
import CWMSystemMetrics
import Testing

@Suite("metrics-agent command line", .timeLimit(.minutes(3)))
struct OptionTests {
    private func options(_ arguments: [String]) throws -> AgentOptions {
        guard case .run(let options) = try AgentOptions.parse(arguments) else {
            throw AgentOptions.UsageError(message: "not a run")
        }
        return options
    }

    @Test("defaults: the README's main command needs nothing but --dry-run")
    func defaults() throws {
        let defaults = try options(["--dry-run", "--period", "5"])
        #expect(defaults.namespace == "MetricsAgent")
        #expect(!defaults.service.isEmpty)
        #expect(defaults.period == 5)
        #expect(defaults.sampleInterval == 0.9)
        #expect(defaults.dryRun && defaults.verifySSL)
        #expect(defaults.storageResolution == 60)
        #expect(defaults.format == .table)
    }

    @Test("every option, in both --flag value and --flag=value forms")
    func everything() throws {
        let parsed = try options([
            "--namespace", "TestNamespace", "--service=FooService", "--period", "60", "--sample-interval=0.5",
            "--dimension", "Cluster=prod", "--dimension=Team=metrics=core", "--instance-id", "--format", "json",
            "--region", "eu-west-1", "--endpoint=http://127.0.0.1:4566", "--no-verify-ssl",
            "--storage-resolution", "1", "--verbose",
        ])
        #expect(parsed.namespace == "TestNamespace")
        #expect(parsed.service == "FooService")
        #expect(parsed.sampleInterval == 0.5)
        #expect(parsed.dimensions.map { "\($0.key)=\($0.value)" } == ["Cluster=prod", "Team=metrics=core"])
        #expect(parsed.instanceId && !parsed.verifySSL && parsed.verbose)
        #expect(parsed.format == .jsonLines)
        #expect(parsed.region == "eu-west-1")
        #expect(parsed.endpoint == URL(string: "http://127.0.0.1:4566"))
        #expect(parsed.storageResolution == 1)
    }

    @Test("help and version")
    func helpAndVersion() throws {
        #expect(try AgentOptions.parse(["--period", "5", "--help"]) == .help)
        #expect(try AgentOptions.parse(["-h"]) == .help)
        #expect(try AgentOptions.parse(["--version"]) == .version)
        #expect(AgentOptions.help.hasPrefix("USAGE: metrics-agent"))
        #expect(AgentOptions.help.contains("cgroup"))
    }

    @Test("bad command lines give one line each", arguments: [
        (["--bogus"], "unknown option '--bogus'"),
        (["--period"], "--period needs a value"),
        (["--period", "0"], "--period must be a whole number of seconds from 1 to 31622400 (got '0')"),
        (["--period", "1.5"], "--period must be a whole number of seconds from 1 to 31622400 (got '1.5')"),
        (["--period", "9223372036854775807"],
         "--period must be a whole number of seconds from 1 to 31622400 (got '9223372036854775807')"),
        (["--period", "31622400", "--sample-interval", "1e300"],
         "--sample-interval (1e+300 s) must not exceed --period (31622400 s)"),
        (["--region", "x@evil.example/"],
         "--region: invalid region \"x@evil.example/\": a region is letters, digits and hyphens, for example us-east-1"),
        (["--region", "us-east-1\n"],
         "--region: invalid region \"us-east-1\\n\": a region is letters, digits and hyphens, for example us-east-1"),
        (["--sample-interval", "0"], "--sample-interval must be a number of seconds, at least 0.05 (got '0')"),
        (["--period", "1", "--sample-interval", "2"], "--sample-interval (2.0 s) must not exceed --period (1 s)"),
        (["--dimension", "novalue"], "--dimension must be key=value (got 'novalue')"),
        (["--dimension", "ServiceName=x"], "--dimension ServiceName is given twice or is set by the agent"),
        (["--dimension", "a=1", "--dimension", "a=2"], "--dimension a is given twice or is set by the agent"),
        (["--format", "xml"], "--format must be table or json (got 'xml')"),
        (["--storage-resolution", "5"], "--storage-resolution must be 1 or 60 (got '5')"),
        (["--endpoint", "ftp://host"], "--endpoint: unsupported endpoint scheme in 'ftp://host': use http or https"),
        (["--dry-run=yes"], "--dry-run takes no value"),
        (["extra"], "unexpected argument 'extra'"),
        (["--namespace", ""], "--namespace '' is not a CloudWatch namespace: it is empty"),
        (["--namespace", "AWS/EC2"],
         "--namespace 'AWS/EC2' is not a CloudWatch namespace: the AWS/ prefix is reserved for AWS services"),
        (["--dry-run", "--namespace", ":x"], "--namespace ':x' is not a CloudWatch namespace: it starts with ':'"),
        (["--emf-log-stream", "s"], "--emf-log-stream needs --emf-log-group"),
        (["--emf", "--dry-run"], "--dry-run prints a table or JSON; it cannot be combined with --emf or --emf-log-group"),
        (["--emf", "--emf-log-group", "g"], "--emf writes to standard output and --emf-log-group to CloudWatch Logs: choose one"),
    ])
    func errors(arguments: [String], message: String) {
        #expect(throws: AgentOptions.UsageError(message: message)) { try AgentOptions.parse(arguments) }
        #expect(!message.contains("\n"))
    }
}

@Suite("Period aggregation", .timeLimit(.minutes(3)))
struct AggregationTests {
    private func sample(_ cpu: Double?, _ memory: Double, at seconds: TimeInterval) -> HostSample {
        HostSample(time: Date(timeIntervalSince1970: seconds), cpuUtilization: cpu, memoryUtilization: memory)
    }

    @Test("median of CPU and memory, max of memory, the last sample's time")
    func summary() throws {
        var aggregator = PeriodAggregator()
        for (index, values) in [(nil, 40.0), (10.0, 30.0), (30.0, 50.0), (20.0, 45.0), (90.0, 35.0)].enumerated() {
            aggregator.add(sample(values.0, values.1, at: Double(index)))
        }
        let finished = aggregator.finishPeriod()
        let summary = try #require(finished)
        #expect(summary.cpuMedian == 25)       // (20 + 30) / 2: four CPU readings
        #expect(summary.memoryMedian == 40)    // 30 35 40 45 50
        #expect(summary.memoryMax == 50)
        #expect(summary.lastSampleTime == Date(timeIntervalSince1970: 4))
        #expect(summary.samples == 5)
        #expect(aggregator.isEmpty)
        #expect(aggregator.finishPeriod() == nil)
    }

    @Test("medians")
    func medians() {
        #expect(PeriodAggregator.median([]) == nil)
        #expect(PeriodAggregator.median([3]) == 3)
        #expect(PeriodAggregator.median([5, 1, 3]) == 3)
        #expect(PeriodAggregator.median([4, 1, 3, 2]) == 2.5)
    }

    @Test("a period with only the first reading publishes memory without CPU")
    func firstReadingOnly() throws {
        var aggregator = PeriodAggregator()
        aggregator.add(sample(nil, 12, at: 0))
        let finished = aggregator.finishPeriod()
        let summary = try #require(finished)
        #expect(summary.cpuMedian == nil)
        #expect(summary.memoryMedian == 12)
    }

    @Test("the wall clock reports the last sample's time")
    func lastSampleClock() {
        let clock = LastSampleClock()
        clock.set(Date(timeIntervalSince1970: 42))
        #expect(clock.now() == Date(timeIntervalSince1970: 42))
    }
}
