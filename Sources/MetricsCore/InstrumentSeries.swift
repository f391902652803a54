/// What the three instruments (``Counter``, ``Gauge``, ``Histogram``) are to
/// the registry, written once: identity matching, collecting and peeking a
/// window, the snapshot, and the salvage of what a retired series held when
/// it is freed (see ``SeriesLife``). Each instrument says only how it keeps
/// a window's observations and how they read as a snapshot; its recording
/// path is its own.
protocol InstrumentSeries: RegisteredSeries {
    /// A window's observations: the increase, or the window's statistics.
    associatedtype Observations: Sendable

    var control: RecordingControl { get }
    /// The observations since the last cut, ending the window; `nil` when none.
    func takeObservations() -> Observations?
    /// The observations since the last cut, the window left running.
    func peekObservations() -> Observations?
    /// The snapshot of one window's observations (`nil` if they make none).
    static func snapshot(_ descriptor: SeriesDescriptor, _ observations: Observations,
                         _ window: CollectionWindow) -> MetricSnapshot?
}

extension InstrumentSeries {
    func matches(name: String, kind: MetricSnapshot.Kind, dimensions: ProbeDimensions) -> Bool {
        descriptor.matches(name: name, kind: kind, dimensions: dimensions)
    }

    func collect(_ window: CollectionWindow) -> MetricSnapshot? {
        takeObservations().flatMap { Self.snapshot(descriptor, $0, window) }
    }

    func peek(_ window: CollectionWindow) -> MetricSnapshot? {
        peekObservations().flatMap { Self.snapshot(descriptor, $0, window) }
    }

    /// From `deinit`: a retired series let go with observations in it hands
    /// them to the registry, and they go out with the next window.
    func salvagePendingObservations() {
        guard hasPendingObservations(), let registry = control.registry,
              let pending = takeObservations() else { return }
        let descriptor = self.descriptor
        registry.salvage { Self.snapshot(descriptor, pending, $0) }
    }
}
