// The original's `put`: a statistics-only histogram found by name and
// the three KPL dimensions on every call, through this thread's PutCache
// first, then the registry.

extension MetricsManager {
    /// Records one observation of `name`, the Python original's `put`.
    ///
    /// The series is a statistics-only histogram keyed by the name and the
    /// given dimensions (`stream`, `shard`, `error_code`, in that order);
    /// at level `.summary` only the summary dimensions are kept. Its
    /// snapshots carry count, sum, min and max, exactly what the original
    /// exported. At level `.none` this returns at once and allocates nothing.
    ///
    /// ```swift
    /// manager.put(KPLMetricName.userRecordsPut, 1, stream: "s1", shardId: "shardId-000000000001")
    /// ```
    public func put(
        _ name: String,
        _ value: Double = 1,
        stream: String? = nil,
        shardId: String? = nil,
        errorCode: String? = nil,
        unit: MetricUnit = .none
    ) {
        if level == .none { return }
        guard control.isRecording else { return control.reject(.afterShutdown) }
        guard value.isFinite else { return control.reject(.nonFiniteValue, metric: name) }
        guard !name.isEmpty else { return control.reject(.emptyName) }
        // Not with eventful sinks: their `record` runs inside the registry's
        // read side, and one that records into this manager could wait on
        // itself; those take the write side.
        guard !control.hasEventSinks else {
            return putFindingOrCreating(name, value, stream: stream, shardId: shardId, errorCode: errorCode, unit,
                                        cache: nil)
        }
        // The series this thread found last for these very strings: no hash,
        // no lock, no probe (see PutCache).
        let key = PutCache.Key(name: name, stream: stream, keepsStream: keepsStream, shard: shardId,
                               keepsShard: keepsShard, errorCode: errorCode, keepsErrorCode: keepsErrorCode)
        let cache = PutCache.current
        if cache._withUnsafeGuaranteedRef({ $0.record(value, key: key, control: control) }) { return }
        putFindingOrCreating(name, value, stream: stream, shardId: shardId, errorCode: errorCode, unit,
                             cache: (cache, key))
    }

    /// `put` past its cache: the series under the registry's read side (no
    /// lock shared by all threads), remembered in `cache` for the thread's
    /// next `put`; else created under the write side. The identity is
    /// hashed once, here, for both lookups.
    @inline(never)
    private func putFindingOrCreating(_ name: String, _ value: Double, stream: String?, shardId: String?,
                                      errorCode: String?, _ unit: MetricUnit,
                                      cache: (Unmanaged<PutCache>, PutCache.Key)?) {
        let stream = keepsStream ? stream : nil
        let shard = keepsShard ? shardId : nil
        let errorCode = keepsErrorCode ? errorCode : nil
        let dimensions = KPLDimensionPairs(stream: stream, shard: shard, errorCode: errorCode)
        let hash = SeriesDescriptor.hash(name: name, kind: .histogram, dimensions: dimensions)
        guard let (cache, key) = cache else {
            return putCreating(name, value, dimensions, unit, hash: hash, missing: false)
        }
        switch registry.recordIfPresent(hash: hash, name: name, dimensions: dimensions, value: value) {
        case .recorded(let series):
            cache._withUnsafeGuaranteedRef {
                $0.remember(series, key: key, name: name, stream: stream, shard: shard, errorCode: errorCode)
            }
        case .missing:
            putCreating(name, value, dimensions, unit, hash: hash, missing: true)
        case .busy:
            putCreating(name, value, dimensions, unit, hash: hash, missing: false)
        }
    }

    /// `put`'s slow path: creates the series (or finds it under the writers'
    /// lock); `missing` when the lookup under the read side found none.
    @inline(never)
    private func putCreating(_ name: String, _ value: Double, _ dimensions: KPLDimensionPairs, _ unit: MetricUnit,
                             hash: Int, missing: Bool) {
        let control = self.control
        let series = registry.series(name: name, kind: .histogram, dimensions: dimensions, hash: hash,
                                     knownMissing: missing, as: Histogram.self) {
            Histogram(
                descriptor: SeriesDescriptor(name: $0, kind: .histogram, unit: unit, dimensions: $1, hash: $2),
                control: control, distribution: false)
        }
        series?.record(value)
    }
}
