import Synchronization

/// A monotonic count: requests served, records put, bytes sent.
///
/// Get one from the manager once and keep it; incrementing is one
/// uncontended compare-and-swap, with no lock and no allocation. A counter
/// that several threads increment at once switches itself to one cache line
/// per CPU (see `StripedSum`), so that they do not queue on a shared one.
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
public final class Counter: InstrumentSeries {
    let descriptor: SeriesDescriptor
    @usableFromInline let control: RecordingControl
    @usableFromInline let value = StripedSum()
    private let life = SeriesLife()

    init(descriptor: SeriesDescriptor, control: RecordingControl) {
        self.descriptor = descriptor
        self.control = control
    }

    /// The metric name.
    public var name: String { descriptor.name }
    /// The series' dimensions, after level filtering.
    public var dimensions: [(String, String)] { descriptor.dimensions }

    /// Adds one. Inlined into the caller: a relaxed load of the recording
    /// state and one atomic add.
    @inlinable
    public func increment() {
        guard control.isPlainRecording else { return incrementWithEvents(1) }
        value.add(1)
    }

    /// The rest of an increment when recording is off or eventful sinks
    /// take each observation: out of line, so the inlined path stays one
    /// load, one comparison and one add.
    @usableFromInline @inline(never)
    func incrementWithEvents(_ amount: Int) {
        guard control.isRecording else { return control.reject(.afterShutdown) }
        value.add(amount)
        control.dispatch(descriptor, value: Double(amount))
    }

    /// Adds `amount`. Zero is a no-op; a negative amount is rejected and
    /// counted as ``RejectionReason/negativeIncrement`` (counters only go up).
    /// Inlined into the caller, as `increment()` is (the swift-metrics
    /// backend's counter is this call).
    @inlinable @inline(__always)
    public func increment(by amount: Int) {
        guard control.isPlainRecording, amount > 0 else { return incrementUncommonly(by: amount) }
        value.add(amount)
    }

    @usableFromInline @inline(never)
    func incrementUncommonly(by amount: Int) {
        guard control.isRecording else { return control.reject(.afterShutdown) }
        guard amount > 0 else {
            if amount < 0 { control.reject(.negativeIncrement, metric: descriptor.name) }
            return
        }
        incrementWithEvents(amount)
    }

    /// A retired series let go with observations in it (see SeriesLife):
    /// they go out with the next window.
    deinit { salvagePendingObservations() }

    func hasPendingObservations() -> Bool { !value.isZero }
    func windowEnded(observed: Bool) -> Int { life.windowEnded(observed: observed) }
    func retire() { life.retire() }

    /// Whether the manager retired this series for idleness (see
    /// ``MetricsManager/Configuration/seriesExpiry``) and it has not been
    /// recorded into since: a cache of handles (a swift-metrics backend)
    /// can let go of it. Recording into it still works, and brings it back.
    public var isExpired: Bool { life.isRetired }

    /// The increase since the last cut, which it clears. Plain loads first:
    /// idle counters are skipped without a write.
    func takeObservations() -> Int? { value.take() }

    func peekObservations() -> Int? { value.total() }

    static func snapshot(_ descriptor: SeriesDescriptor, _ increase: Int, _ window: CollectionWindow) -> MetricSnapshot? {
        guard increase > 0 else { return nil }
        return MetricSnapshot(
            name: descriptor.name, kind: .counter, unit: descriptor.unit,
            dimensions: descriptor.dimensions, windowStart: window.start, windowEnd: window.end,
            count: increase, sum: Double(increase), min: 1, max: 1)
    }
}
