/// The metric names of the Kinesis Producer Library, verbatim from the C++
/// KPL's `metrics_constants.h` by way of the Python original, so dashboards
/// built on either keep working.
///
/// ```swift
/// manager.put(KPLMetricName.userRecordsPut, 1, stream: "orders")
/// ```
public enum KPLMetricName {
    public static let userRecordsReceived = "UserRecordsReceived"
    public static let userRecordsPut = "UserRecordsPut"
    public static let userRecordsDataPut = "UserRecordsDataPut"
    public static let userRecordsPending = "UserRecordsPending"
    public static let kinesisRecordsPut = "KinesisRecordsPut"
    public static let kinesisRecordsDataPut = "KinesisRecordsDataPut"
    public static let allErrors = "AllErrors"
    public static let errorsByCode = "ErrorsByCode"
    public static let retriesPerRecord = "RetriesPerRecord"
    public static let bufferedTime = "BufferedTime"
    public static let requestTime = "RequestTime"
    public static let expiredRecords = "ExpiredRecords"

    /// All twelve names, in the original's order.
    public static let all: [String] = [
        userRecordsReceived, userRecordsPut, userRecordsDataPut, userRecordsPending,
        kinesisRecordsPut, kinesisRecordsDataPut, allErrors, errorsByCode,
        retriesPerRecord, bufferedTime, requestTime, expiredRecords,
    ]

    /// What each name measures, as the original's OpenTelemetry and Datadog
    /// sinks sort them (whatever instrument recorded it): counts,
    /// distributions, and one gauge. Sinks with typed instruments use it for
    /// these twelve names and go by the snapshot's kind for the rest.
    package enum Measure: Sendable { case count, distribution, gauge }

    package static func measure(of name: String) -> Measure? {
        switch name {
        case userRecordsReceived, userRecordsPut, userRecordsDataPut, kinesisRecordsPut, kinesisRecordsDataPut,
             allErrors, errorsByCode, expiredRecords:
            return .count
        case bufferedTime, requestTime, retriesPerRecord: return .distribution
        case userRecordsPending: return .gauge
        default: return nil
        }
    }
}

/// The dimension keys `MetricsManager.put` uses, as in the Python original.
/// Sinks map them to wire names (CloudWatch: `StreamName`, `ShardId`, `ErrorCode`).
public enum KPLDimension {
    public static let stream = "stream"
    public static let shard = "shard"
    public static let errorCode = "error_code"

    /// Their names in CloudWatch, as the original sent them: `stream` →
    /// `StreamName`, `shard` → `ShardId`, `error_code` → `ErrorCode`. Both
    /// CloudWatch sinks (PutMetricData and EMF) rename with it by default.
    public static let cloudWatchNames: [String: String] = [
        stream: "StreamName", shard: "ShardId", errorCode: "ErrorCode",
    ]
}
