/// The unit of a metric, spelled as CloudWatch's `StandardUnit`.
///
/// A struct rather than an enum so that new units can be added without
/// breaking a `switch` in user code.
///
/// ```swift
/// let latency = manager.histogram("RequestTime", unit: .milliseconds)
/// ```
public struct MetricUnit: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The unit's name as CloudWatch spells it, for example `"Milliseconds"`.
    public let rawValue: String

    /// A unit by its CloudWatch name. Sinks that only accept the standard
    /// units (CloudWatch) reject anything else when they validate a datum.
    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    /// No unit (CloudWatch's `None`): a plain number.
    public static let none = MetricUnit(rawValue: "None")
    /// A count of things or events (`Count`).
    public static let count = MetricUnit(rawValue: "Count")
    /// A percentage, 0 to 100 (`Percent`).
    public static let percent = MetricUnit(rawValue: "Percent")
    /// Seconds (`Seconds`).
    public static let seconds = MetricUnit(rawValue: "Seconds")
    /// Milliseconds (`Milliseconds`): the unit of latencies, and of swift-metrics timers by default.
    public static let milliseconds = MetricUnit(rawValue: "Milliseconds")
    /// Microseconds (`Microseconds`).
    public static let microseconds = MetricUnit(rawValue: "Microseconds")
    /// Bytes (`Bytes`).
    public static let bytes = MetricUnit(rawValue: "Bytes")
    /// Kilobytes, 1,000 bytes as CloudWatch counts them (`Kilobytes`).
    public static let kilobytes = MetricUnit(rawValue: "Kilobytes")
    /// Megabytes (`Megabytes`).
    public static let megabytes = MetricUnit(rawValue: "Megabytes")
    /// Gigabytes (`Gigabytes`).
    public static let gigabytes = MetricUnit(rawValue: "Gigabytes")
    /// Terabytes (`Terabytes`).
    public static let terabytes = MetricUnit(rawValue: "Terabytes")
    /// Bits (`Bits`).
    public static let bits = MetricUnit(rawValue: "Bits")
    /// Kilobits (`Kilobits`).
    public static let kilobits = MetricUnit(rawValue: "Kilobits")
    /// Megabits (`Megabits`).
    public static let megabits = MetricUnit(rawValue: "Megabits")
    /// Gigabits (`Gigabits`).
    public static let gigabits = MetricUnit(rawValue: "Gigabits")
    /// Terabits (`Terabits`).
    public static let terabits = MetricUnit(rawValue: "Terabits")
    /// A rate in bytes per second (`Bytes/Second`).
    public static let bytesPerSecond = MetricUnit(rawValue: "Bytes/Second")
    /// A rate in kilobytes per second (`Kilobytes/Second`).
    public static let kilobytesPerSecond = MetricUnit(rawValue: "Kilobytes/Second")
    /// A rate in megabytes per second (`Megabytes/Second`).
    public static let megabytesPerSecond = MetricUnit(rawValue: "Megabytes/Second")
    /// A rate in gigabytes per second (`Gigabytes/Second`).
    public static let gigabytesPerSecond = MetricUnit(rawValue: "Gigabytes/Second")
    /// A rate in terabytes per second (`Terabytes/Second`).
    public static let terabytesPerSecond = MetricUnit(rawValue: "Terabytes/Second")
    /// A rate in bits per second (`Bits/Second`).
    public static let bitsPerSecond = MetricUnit(rawValue: "Bits/Second")
    /// A rate in kilobits per second (`Kilobits/Second`).
    public static let kilobitsPerSecond = MetricUnit(rawValue: "Kilobits/Second")
    /// A rate in megabits per second (`Megabits/Second`).
    public static let megabitsPerSecond = MetricUnit(rawValue: "Megabits/Second")
    /// A rate in gigabits per second (`Gigabits/Second`).
    public static let gigabitsPerSecond = MetricUnit(rawValue: "Gigabits/Second")
    /// A rate in terabits per second (`Terabits/Second`).
    public static let terabitsPerSecond = MetricUnit(rawValue: "Terabits/Second")
    /// A rate of things or events per second (`Count/Second`).
    public static let countPerSecond = MetricUnit(rawValue: "Count/Second")

    /// The 27 units CloudWatch's `StandardUnit` accepts.
    package static let standardUnits: Set<MetricUnit> = [
        .seconds, .microseconds, .milliseconds, .bytes, .kilobytes, .megabytes,
        .gigabytes, .terabytes, .bits, .kilobits, .megabits, .gigabits, .terabits,
        .percent, .count, .bytesPerSecond, .kilobytesPerSecond, .megabytesPerSecond,
        .gigabytesPerSecond, .terabytesPerSecond, .bitsPerSecond, .kilobitsPerSecond,
        .megabitsPerSecond, .gigabitsPerSecond, .terabitsPerSecond, .countPerSecond, .none,
    ]

    /// Whether CloudWatch accepts this unit (one of ``standardUnits``).
    /// Checked for every snapshot sent: the units most series carry are
    /// compared first (short strings, compared in place), before the set
    /// hashes the name.
    package var isStandard: Bool {
        self == .none || self == .count || self == .milliseconds || self == .seconds || self == .bytes
            || Self.standardUnits.contains(self)
    }
}
