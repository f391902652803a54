/// Runs `body` with a started manager and shuts it down afterwards, whether
/// `body` returns or throws: the port of the original's `async with`.
///
/// ```swift
/// try await withMetricsManager(level: .detailed, sinks: [ConsoleSink()]) { manager in
///     manager.put("UserRecordsPut", 1, stream: "s1")
/// }   // final export and drain happen here
/// ```
///
/// If `body` throws, the manager is still shut down and `body`'s error is
/// rethrown (a shutdown error is then reported to the observer only).
public func withMetricsManager<Result>(
    level: MetricsLevel = .detailed,
    sinks: [any Sink],
    uploadInterval: Duration = .seconds(60),
    summaryDimensions: Set<String> = [KPLDimension.stream],
    batching: BatchingConfig = BatchingConfig(),
    shutdownTimeout: Duration = .seconds(30),
    observer: (any MetricsObserver)? = nil,
    selfMetrics: SelfMetricsConfig? = nil,
    clock: any Clock<Duration> = ContinuousClock(),
    wallClock: any WallClock = SystemWallClock(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (MetricsManager) async throws -> Result
) async throws -> Result {
    let manager = MetricsManager(
        level: level, sinks: sinks, uploadInterval: uploadInterval,
        summaryDimensions: summaryDimensions, batching: batching, shutdownTimeout: shutdownTimeout,
        observer: observer, selfMetrics: selfMetrics, clock: clock, wallClock: wallClock)
    try await manager.start()
    let result: Result
    do {
        result = try await body(manager)
    } catch {
        try? await manager.shutdown()
        throw error
    }
    try await manager.shutdown()
    return result
}

/// `withMetricsManager` with a single sink.
public func withMetricsManager<Result>(
    level: MetricsLevel = .detailed,
    sink: any Sink,
    uploadInterval: Duration = .seconds(60),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (MetricsManager) async throws -> Result
) async throws -> Result {
    try await withMetricsManager(level: level, sinks: [sink], uploadInterval: uploadInterval, isolation: isolation, body)
}
