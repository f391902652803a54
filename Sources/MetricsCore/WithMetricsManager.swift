/// Runs `body` with a started manager and shuts it down afterwards, whether
/// `body` returns or throws: the port of the original's `async with`.
///
/// ```swift
/// try await withMetricsManager(level: .detailed, sinks: [ConsoleSink()]) { manager in
///     manager.put("UserRecordsPut", 1, stream: "s1")
/// }   // final export and drain happen here
/// ```
///
/// The parameters are ``MetricsManager``'s, with the same defaults. If
/// `body` throws, the manager is still shut down and `body`'s error is
/// rethrown (a shutdown error is then reported to the observer only).
public func withMetricsManager<Result>(
    level: MetricsLevel = .detailed,
    sinks: [any Sink],
    uploadInterval: Duration = .seconds(60),
    shutdownTimeout: Duration = .seconds(30),
    configuration: MetricsManager.Configuration = .init(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (MetricsManager) async throws -> Result
) async throws -> Result {
    let manager = MetricsManager(level: level, sinks: sinks, uploadInterval: uploadInterval,
                                 shutdownTimeout: shutdownTimeout, configuration: configuration)
    try await manager.start()
    let result: Result
    do {
        result = try await body(manager)
    } catch {
        _ = try? await manager.shutdown()
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
    shutdownTimeout: Duration = .seconds(30),
    configuration: MetricsManager.Configuration = .init(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (MetricsManager) async throws -> Result
) async throws -> Result {
    try await withMetricsManager(level: level, sinks: [sink], uploadInterval: uploadInterval,
                                 shutdownTimeout: shutdownTimeout, configuration: configuration,
                                 isolation: isolation, body)
}
