import Synchronization

/// A monotonic count: requests served, records put, bytes sent.
///
/// Get one from the manager once and keep it; incrementing is one relaxed
/// atomic add, with no lock and no allocation.
///
/// ```swift
/// let requests = manager.counter("Requests", dimensions: [("stream", "s1")])
/// requests.increment()
/// requests.increment(by: 3)
/// ```
///
/// Each window's snapshot reports the increase during the window as that
/// many observations of value 1 (`count == sum == increase`, `min == max == 1`),
/// which is what the Python original produced for one `put(name, 1)` per
/// unit. A window without increments produces no snapshot.
public final class Counter: RegisteredSeries {
    let descriptor: SeriesDescriptor
    private let control: RecordingControl
    private let value = Atomic<Int>(0)
    private let life = SeriesLife()

    init(descriptor: SeriesDescriptor, control: RecordingControl) {
        self.descriptor = descriptor
        self.control = control
    }

    func matches(name: String, kind: MetricSnapshot.Kind, dimensions: ProbeDimensions) -> Bool {
        descriptor.matches(name: name, kind: kind, dimensions: dimensions)
    }

    /// The metric name.
    public var name: String { descriptor.name }
    /// The series' dimensions, after level filtering.
    public var dimensions: [(String, String)] { descriptor.dimensions }

    /// Adds one.
    public func increment() {
        guard control.isRecording else { return control.reject(.afterShutdown) }
        value.wrappingAdd(1, ordering: .relaxed)
        if control.hasEventSinks { control.dispatch(descriptor, value: 1) }
    }

    /// Adds `amount`. Zero is a no-op; a negative amount is rejected and
    /// counted as ``RejectionReason/negativeIncrement`` (counters only go up).
    public func increment(by amount: Int) {
        guard control.isRecording else { return control.reject(.afterShutdown) }
        guard amount > 0 else {
            if amount < 0 { control.reject(.negativeIncrement) }
            return
        }
        value.wrappingAdd(amount, ordering: .relaxed)
        if control.hasEventSinks { control.dispatch(descriptor, value: Double(amount)) }
    }

    /// A retired series let go with observations in it (see SeriesLife):
    /// they go out with the next window.
    deinit {
        let increase = value.load(ordering: .acquiring)
        guard increase > 0, let registry = control.registry else { return }
        let descriptor = self.descriptor
        registry.salvage { Self.snapshot(descriptor, increase, $0) }
    }

    func hasPendingObservations() -> Bool { value.load(ordering: .acquiring) != 0 }
    func windowEnded(observed: Bool) -> Int { life.windowEnded(observed: observed) }

    func collect(_ window: CollectionWindow) -> MetricSnapshot? {
        // A plain load first: idle counters are skipped without a write.
        guard value.load(ordering: .relaxed) != 0 else { return nil }
        return snapshot(value.exchange(0, ordering: .relaxed), window)
    }

    func peek(_ window: CollectionWindow) -> MetricSnapshot? {
        snapshot(value.load(ordering: .relaxed), window)
    }

    private func snapshot(_ increase: Int, _ window: CollectionWindow) -> MetricSnapshot? {
        Self.snapshot(descriptor, increase, window)
    }

    private static func snapshot(_ descriptor: SeriesDescriptor, _ increase: Int, _ window: CollectionWindow) -> MetricSnapshot? {
        guard increase > 0 else { return nil }
        return MetricSnapshot(
            name: descriptor.name, kind: .counter, unit: descriptor.unit,
            dimensions: descriptor.dimensions, windowStart: window.start, windowEnd: window.end,
            count: increase, sum: Double(increase), min: 1, max: 1)
    }
}
