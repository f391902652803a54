import AWSCore
import CloudWatchSink
import ConsoleSink
import EMFSink
import Foundation
import CWMLocking
import MetricsCore
import CWMSystemMetrics

/// Reports the time of the latest sample, so that each period's window (and
/// so each datum's timestamp) ends at its last sample, as in the original.
final class LastSampleClock: WallClock {
    private let time = Locked(Date())
    func now() -> Date { time.withLock { $0 } }
    func set(_ date: Date) { time.withLock { $0 = date } }
}

/// Runs the agent: samples, aggregates per period, publishes through a
/// MetricsManager, and shuts down gracefully on SIGTERM or SIGINT.
struct Agent {
    let options: AgentOptions

    /// Runs until a signal; returns the exit status.
    func run() async -> Int32 {
        let sink: any Sink
        var destination: String
        if options.dryRun {
            sink = ConsoleSink(format: options.format)
            destination = "standard output (dry run)"
        } else if options.emf {
            sink = EMFSink(namespace: options.namespace, destination: .standardOutput,
                           options: .init(storageResolution: options.storageResolution))
            destination = "standard output as EMF, namespace \(options.namespace)"
        } else {
            guard let region = AWSRegion.resolve(explicit: options.region) else {
                log("no AWS region: pass --region, or set AWS_REGION (or use --dry-run to print the metrics instead)")
                return 1
            }
            guard AWSRegion.isValid(region) else {
                log("\(EndpointError.invalidRegion(region)) (from AWS_REGION, AWS_DEFAULT_REGION or the profile)")
                return 2
            }
            let credentials = DefaultCredentialProvider()
            do {
                _ = try await credentials.credentials()
            } catch let error as CredentialsError {
                if case .noCredentials = error {
                    log("\(error)\nmetrics-agent: to print the metrics instead of publishing them, run with --dry-run")
                } else {
                    log("AWS credentials: \(error)")
                }
                return 1
            } catch {
                log("AWS credentials: \(error)")
                return 1
            }
            if let group = options.emfLogGroup {
                let stream = options.emfLogStream ?? AgentOptions.shortHostName()
                sink = EMFSink(namespace: options.namespace,
                               destination: .cloudWatchLogs(logGroup: group, logStream: stream, region: region,
                                                            endpoint: options.endpoint, verifySSL: options.verifySSL),
                               options: .init(storageResolution: options.storageResolution, credentialProvider: credentials))
                destination = "CloudWatch Logs \(group)/\(stream) as EMF, namespace \(options.namespace), in \(region)"
            } else {
                sink = CloudWatchSink(
                    region: region, namespace: options.namespace, endpoint: options.endpoint, verifySSL: options.verifySSL,
                    options: .init(storageResolution: options.storageResolution, credentialProvider: credentials))
                destination = "CloudWatch namespace \(options.namespace) in \(region)"
            }
            if let endpoint = options.endpoint { destination += " at \(redactedURL(endpoint))" }
        }

        var dimensions = [("ServiceName", options.service)] + options.dimensions.map { ($0.key, $0.value) }
        if options.instanceId {
            do {
                let id = try await IMDSClient().get("/latest/meta-data/instance-id")
                dimensions.append(("InstanceId", id.trimmingCharacters(in: .whitespacesAndNewlines)))
            } catch {
                log("--instance-id: not on EC2 or no instance metadata (\(error)); continuing without InstanceId")
            }
        }

        let sampler = HostSampler(files: FileReader(root: options.root))
        sampler.onFallback = { log($0) }
        do {
            _ = try sampler.sample()
        } catch {
            let under = options.root == "/" ? "" : " under \(options.root)"
            log("cannot sample this host: \(error) (the agent reads /proc\(under): Linux only)")
            return 1
        }
        let clock = LastSampleClock()
        let manager = MetricsManager(
            level: .detailed, sink: sink, uploadInterval: .seconds(365 * 86_400), shutdownTimeout: .seconds(10),
                configuration: .init(wallClock: clock))
        do {
            try await manager.start()
        } catch {
            log("\(error)")
            return 1
        }
        let publisher = Publisher(manager: manager, clock: clock, dimensions: dimensions, verbose: options.verbose)
        // --verbose: what became of each period after it was handed over
        // (failures are on standard error in every mode).
        var outcomes: Task<Void, Never>?
        if options.verbose {
            let events = manager.events(), target = destination
            outcomes = Task { await logOutcomes(of: events, to: target) }
        }
        let signals = await SignalHandling.signals()
        // Said once the agent runs and SIGTERM and SIGINT are handled: from
        // this line on, a signal publishes the partial period.
        log("sampling every \(options.sampleInterval) s, publishing every \(options.period) s to \(destination); "
            + "CPU relative to \(sampler.cpuBasis), memory relative to \(sampler.memoryBasis)")
        let sampling = SamplingLoop(sampler: sampler, options: options, publisher: publisher)

        let received = await withTaskGroup(of: Int32?.self) { group in
            group.addTask { await sampling.run(); return nil }
            group.addTask {
                for await signal in signals { return signal }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()  // the sampling loop publishes what it has, then ends
            await group.waitForAll()
            return first
        }
        _ = try? await manager.shutdown()
        await outcomes?.value
        let stats = manager.stats().sinks.first
        if options.verbose || (stats?.totalDropped ?? 0) > 0 {
            log("stopped by signal \(received ?? 0): \(stats?.exported ?? 0) datum(s) published, "
                + "\(stats?.totalDropped ?? 0) dropped")
        }
        return 0
    }
}

/// Samples every `sampleInterval` and publishes once per `period`, on
/// deadlines computed from the start so neither drifts. The first sample at
/// or after a period's end closes that period.
struct SamplingLoop: @unchecked Sendable {
    // @unchecked: the sampler is used by this loop's task only.
    let sampler: HostSampler
    let options: AgentOptions
    let publisher: Publisher

    func run() async {
        let clock = ContinuousClock()
        var aggregator = PeriodAggregator()
        let start = clock.now
        let interval = Duration.milliseconds(Int64((options.sampleInterval * 1000).rounded()))
        let period = Duration.seconds(options.period)
        var nextSample = start
        var periodEnd = start + period
        var periods = 0
        while !Task.isCancelled {
            if let sample = try? sampler.sample() { aggregator.add(sample) }
            if clock.now >= periodEnd {
                periods += 1
                await publisher.publish(aggregator.finishPeriod(), period: periods)
                while periodEnd <= clock.now { periodEnd += period }
            }
            nextSample += interval
            while nextSample <= clock.now { nextSample += interval }
            do { try await clock.sleep(until: nextSample, tolerance: .milliseconds(5)) } catch { break }
        }
        // Stopping: one last sample, so the partial period always covers the
        // moment of the stop (a signal right after start still publishes),
        // then publish the part of the period sampled so far.
        if let sample = try? sampler.sample() { aggregator.add(sample) }
        if !aggregator.isEmpty {
            await publisher.publish(aggregator.finishPeriod(), period: periods + 1)
        }
    }
}

/// Turns a period's summary into three gauges and hands the window to the sink.
struct Publisher: Sendable {
    let manager: MetricsManager
    let clock: LastSampleClock
    let dimensions: [(String, String)]
    let verbose: Bool

    func publish(_ summary: PeriodAggregator.Summary?, period: Int) async {
        guard let summary else { return }
        clock.set(summary.lastSampleTime)
        if let cpu = summary.cpuMedian {
            manager.gauge("CPUUtilization", dimensions: dimensions, unit: .percent).set(cpu)
        }
        manager.gauge("MemoryUtilization", dimensions: dimensions, unit: .percent).set(summary.memoryMedian)
        manager.gauge("MaxMemoryUtilization", dimensions: dimensions, unit: .percent).set(summary.memoryMax)
        _ = try? await manager.flush(awaitingDelivery: false)
        if verbose {
            func oneDecimal(_ value: Double) -> String { "\((value * 10).rounded() / 10)" }
            let cpu = summary.cpuMedian.map(oneDecimal) ?? "n/a"
            log("period \(period): CPUUtilization \(cpu) %, MemoryUtilization \(oneDecimal(summary.memoryMedian)) %, "
                + "MaxMemoryUtilization \(oneDecimal(summary.memoryMax)) % (\(summary.samples) sample(s)); sending")
        }
    }
}

/// Logs, for --verbose, each delivery and each drop of the agent's one sink
/// until the manager shuts down: a period is said to be published only once
/// the backend took it.
func logOutcomes(of events: AsyncStream<MetricsEvent>, to destination: String) async {
    for await event in events {
        guard case .sink(_, let event) = event else { continue }
        switch event {
        case .exported(let count, let duration):
            log("published \(count) datum(s) to \(destination) in \(duration.clampedMilliseconds) ms")
        case .batchDropped(let count, let reason):
            log("not published: \(count) datum(s) dropped (\(reason))")
        case .outcomeUnknown(let count):
            log("\(count) datum(s) still in flight at the shutdown deadline: CloudWatch may have them, or not")
        case .retried, .exportFailed, .datumRejected:
            continue
        }
    }
}

/// One line to standard error.
func log(_ message: String) {
    StandardError.write("metrics-agent: \(message)\n")
}
