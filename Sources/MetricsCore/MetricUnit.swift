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

    public static let none = MetricUnit(rawValue: "None")
    public static let count = MetricUnit(rawValue: "Count")
    public static let percent = MetricUnit(rawValue: "Percent")
    public static let seconds = MetricUnit(rawValue: "Seconds")
    public static let milliseconds = MetricUnit(rawValue: "Milliseconds")
    public static let microseconds = MetricUnit(rawValue: "Microseconds")
    public static let bytes = MetricUnit(rawValue: "Bytes")
    public static let kilobytes = MetricUnit(rawValue: "Kilobytes")
    public static let megabytes = MetricUnit(rawValue: "Megabytes")
    public static let gigabytes = MetricUnit(rawValue: "Gigabytes")
    public static let terabytes = MetricUnit(rawValue: "Terabytes")
    public static let bits = MetricUnit(rawValue: "Bits")
    public static let kilobits = MetricUnit(rawValue: "Kilobits")
    public static let megabits = MetricUnit(rawValue: "Megabits")
    public static let gigabits = MetricUnit(rawValue: "Gigabits")
    public static let terabits = MetricUnit(rawValue: "Terabits")
    public static let bytesPerSecond = MetricUnit(rawValue: "Bytes/Second")
    public static let kilobytesPerSecond = MetricUnit(rawValue: "Kilobytes/Second")
    public static let megabytesPerSecond = MetricUnit(rawValue: "Megabytes/Second")
    public static let gigabytesPerSecond = MetricUnit(rawValue: "Gigabytes/Second")
    public static let terabytesPerSecond = MetricUnit(rawValue: "Terabytes/Second")
    public static let bitsPerSecond = MetricUnit(rawValue: "Bits/Second")
    public static let kilobitsPerSecond = MetricUnit(rawValue: "Kilobits/Second")
    public static let megabitsPerSecond = MetricUnit(rawValue: "Megabits/Second")
    public static let gigabitsPerSecond = MetricUnit(rawValue: "Gigabits/Second")
    public static let terabitsPerSecond = MetricUnit(rawValue: "Terabits/Second")
    public static let countPerSecond = MetricUnit(rawValue: "Count/Second")

    /// The 27 units CloudWatch's `StandardUnit` accepts.
    public static let standardUnits: Set<MetricUnit> = [
        .seconds, .microseconds, .milliseconds, .bytes, .kilobytes, .megabytes,
        .gigabytes, .terabytes, .bits, .kilobits, .megabits, .gigabits, .terabits,
        .percent, .count, .bytesPerSecond, .kilobytesPerSecond, .megabytesPerSecond,
        .gigabytesPerSecond, .terabytesPerSecond, .bitsPerSecond, .kilobitsPerSecond,
        .megabitsPerSecond, .gigabitsPerSecond, .terabitsPerSecond, .countPerSecond, .none,
    ]
}
