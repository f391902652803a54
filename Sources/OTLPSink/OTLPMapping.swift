import Foundation
import MetricsCore

/// How snapshots become OTLP metrics: the instrument each one is sent as,
/// its unit in UCUM, and its exponential-histogram buckets.
enum OTLPMapping {
    /// What a snapshot is sent as.
    enum Instrument: Int, Hashable {
        /// A monotonic `Sum`, delta temporality.
        case sum
        /// A `Gauge`.
        case gauge
        /// An `ExponentialHistogram` (from a distribution), delta temporality.
        case exponentialHistogram
        /// An explicit-bounds `Histogram` with one bucket: a histogram
        /// created without a distribution (count, sum, min and max only).
        case histogram
    }

    /// The instrument that recorded the snapshot decides; with
    /// `kinesisProducerTypes`, the original's twelve names first keep the
    /// instrument its OpenTelemetrySink gave them (counts a monotonic sum,
    /// `UserRecordsPending` a gauge).
    static func instrument(for snapshot: MetricSnapshot, kinesisProducerTypes: Bool) -> Instrument {
        if kinesisProducerTypes {
            switch KPLMetricName.measure(of: snapshot.name) {
            case .count: return .sum
            case .gauge: return .gauge
            case .distribution, nil: break
            }
        }
        switch snapshot.kind {
        case .counter: return .sum
        case .gauge: return .gauge
        case .histogram: return snapshot.distribution.isEmpty ? .histogram : .exponentialHistogram
        }
    }

    /// The value of a sum or gauge point: a count's sum; a gauge's last
    /// value, or for a gauge-like metric recorded with `put`, the window's
    /// maximum (the original's choice).
    static func value(of snapshot: MetricSnapshot, as instrument: Instrument) -> Double {
        instrument == .gauge ? (snapshot.last ?? snapshot.max) : snapshot.sum
    }

    /// CloudWatch's unit names in UCUM, as OpenTelemetry's semantic
    /// conventions write them (`ms`, `By`, `1`, `%`). `None` is no unit.
    static func ucum(_ unit: MetricUnit) -> String {
        ucumUnits[unit.rawValue] ?? ""
    }

    private static let ucumUnits: [String: String] = {
        var units: [String: String] = [
            "None": "", "Count": "1", "Percent": "%", "Seconds": "s", "Milliseconds": "ms",
            "Microseconds": "us", "Count/Second": "1/s",
        ]
        for (name, symbol) in [("Bytes", "By"), ("Kilobytes", "kBy"), ("Megabytes", "MBy"), ("Gigabytes", "GBy"),
                               ("Terabytes", "TBy"), ("Bits", "bit"), ("Kilobits", "kbit"), ("Megabits", "Mbit"),
                               ("Gigabits", "Gbit"), ("Terabits", "Tbit")] {
            units[name] = symbol
            units[name + "/Second"] = symbol + "/s"
        }
        return units
    }()

    /// Nanoseconds since 1970 (0 before it).
    static func nanoseconds(_ date: Date) -> UInt64 {
        let seconds = date.timeIntervalSince1970
        guard seconds > 0 else { return 0 }
        let whole = seconds.rounded(.down)
        return UInt64(whole) * 1_000_000_000 + UInt64(((seconds - whole) * 1e9).rounded())
    }
}

/// A histogram's distribution as OTLP exponential buckets: bucket `i` at
/// scale `s` holds the magnitudes in `(2^(i/2^s), 2^((i+1)/2^s)]`.
///
/// The SDK's histograms have 64 log-linear buckets per power of two, so
/// their representative values are placed at scale 6 (64 buckets per power
/// of two, within the same relative error); when the values span more than
/// `maxBuckets` buckets on one side, the scale drops (each step merges pairs
/// of buckets) until they fit, as OpenTelemetry SDKs do (160 by default).
struct ExponentialBuckets: Equatable {
    var scale: Int
    var zeroCount: UInt64
    var positiveOffset: Int
    var positive: [UInt64]
    var negativeOffset: Int
    var negative: [UInt64]

    static let initialScale = 6
    static let lowestScale = -10

    init(_ distribution: [MetricSnapshot.Bucket], count: Int, mean: Double, maxBuckets: Int) {
        // Each side's cells (index at the initial scale, count) go to
        // scratch space on the stack, room for all of them on either side:
        // no allocation and no growth checks per cell.
        let capacity = distribution.count + 1
        (scale, zeroCount, positiveOffset, positive, negativeOffset, negative) =
            withUnsafeTemporaryAllocation(of: Cell.self, capacity: 2 * capacity) { scratch in
                var positiveCells = Cells(scratch.baseAddress!)
                var negativeCells = Cells(scratch.baseAddress! + capacity)
                var zeros: UInt64 = 0
                var total = 0
                let tables = Self.indexTables
                for bucket in distribution where bucket.count > 0 {
                    total += bucket.count
                    Self.place(bucket.value, UInt64(bucket.count), tables, zeros: &zeros,
                               positive: &positiveCells, negative: &negativeCells)
                }
                // A window cut while observations were being recorded can see
                // one in the count before its bucket: the difference goes to
                // the mean's bucket, so the buckets always add up to the
                // exact count.
                if count > total {
                    Self.place(mean, UInt64(count - total), tables, zeros: &zeros,
                               positive: &positiveCells, negative: &negativeCells)
                }
                // Lowering the scale by one merges pairs of buckets (index >> 1):
                // the shift that fits is found from each side's lowest and
                // highest index alone, and the cells are placed once, at that
                // shift.
                let limit = max(1, maxBuckets)
                var shift = 0
                while Self.initialScale - shift > Self.lowestScale,
                      positiveCells.span(shift) > limit || negativeCells.span(shift) > limit {
                    shift += 1
                }
                let (positiveOffset, positive) = positiveCells.dense(shift)
                let (negativeOffset, negative) = negativeCells.dense(shift)
                return (Self.initialScale - shift, zeros, positiveOffset, positive, negativeOffset, negative)
            }
    }

    /// The bucket index of a positive, finite `magnitude` at the initial
    /// scale: bucket `i` holds (2^(i/64), 2^((i+1)/64)]. Read from the
    /// binary exponent and the significand, with no logarithm: the
    /// significand's top 8 bits pick a cell of [1, 2) holding at most one
    /// of the octave's 64 bounds (the closest two are 0.0109 apart, a cell
    /// is 0.0039 wide), so one comparison with that bound finishes it.
    static func index(of magnitude: Double) -> Int { index(of: magnitude, indexTables) }

    @inline(__always)
    private static func index(of magnitude: Double, _ tables: IndexTables) -> Int {
        let bits = magnitude.bitPattern
        let biased = Int(truncatingIfNeeded: bits >> 52) & 0x7FF
        // A normal number's exponent and significand straight from its bits;
        // a subnormal one through the standard library's normalisation.
        let exponent = biased != 0 ? biased - 1023 : Int(magnitude.exponent)
        let significand = biased != 0
            ? Double(bitPattern: bits & 0x000F_FFFF_FFFF_FFFF | 0x3FF0_0000_0000_0000) : magnitude.significand
        let cell = Int(truncatingIfNeeded: significand.bitPattern >> 44) & 0xFF
        let below = Int(tables.boundsBelowCell[cell])
        let inOctave = below + (tables.octaveBounds[below] < significand ? 1 : 0)
        return exponent << initialScale + inOctave - 1
    }

    /// The two tables ``index(of:)`` reads, built once.
    struct IndexTables {
        /// 2^(k/64) for k in 0...64: the octave's bucket bounds, and 2 to end it.
        let octaveBounds: [Double]

        /// For each 1/256-wide cell of [1, 2): how many of `octaveBounds` lie
        /// below its start.
        let boundsBelowCell: [UInt8]

        init() {
            let bounds = (0...64).map { $0 == 64 ? 2 : exp2(Double($0) / 64) }
            octaveBounds = bounds
            boundsBelowCell = (0..<256).map { cell in UInt8(bounds.prefix(64).count { $0 < 1 + Double(cell) / 256 }) }
        }
    }

    static let indexTables = IndexTables()

    /// One distribution bucket's index at the initial scale and count.
    private typealias Cell = (index: Int, count: UInt64)

    /// One side's cells, appended into scratch space the caller sized, and
    /// their lowest and highest index.
    private struct Cells {
        let base: UnsafeMutablePointer<Cell>
        var count = 0
        var low = Int.max
        var high = Int.min

        init(_ base: UnsafeMutablePointer<Cell>) { self.base = base }

        @inline(__always)
        mutating func append(_ index: Int, _ cellCount: UInt64) {
            (base + count).initialize(to: (index, cellCount))
            count += 1
            low = Swift.min(low, index)
            high = Swift.max(high, index)
        }

        /// Buckets from the lowest to the highest index, `shift` scales down.
        func span(_ shift: Int) -> Int {
            count == 0 ? 0 : (high >> shift) - (low >> shift) + 1
        }

        /// The offset and counts of the buckets, `shift` scales down.
        func dense(_ shift: Int) -> (Int, [UInt64]) {
            guard count > 0 else { return (0, []) }
            let offset = low >> shift
            var counts = [UInt64](repeating: 0, count: span(shift))
            counts.withUnsafeMutableBufferPointer { counts in
                for cell in UnsafeBufferPointer(start: base, count: count) {
                    counts[(cell.index >> shift) - offset] += cell.count
                }
            }
            return (offset, counts)
        }
    }

    @inline(__always)
    private static func place(_ value: Double, _ count: UInt64, _ tables: IndexTables, zeros: inout UInt64,
                              positive: inout Cells, negative: inout Cells) {
        guard value.isFinite, value != 0 else {
            zeros += count
            return
        }
        if value > 0 {
            positive.append(index(of: value, tables), count)
        } else {
            negative.append(index(of: -value, tables), count)
        }
    }
}
