/// The metric names of the Kinesis Producer Library, verbatim from the C++
/// KPL's `metrics_constants.h` by way of the Python original, so dashboards
/// built on either keep working.
///
/// ```swift
/// manager.put(KPLMetricName.userRecordsPut, 1, stream: "orders")
/// ```
public enum KPLMetricName {
    /// `UserRecordsReceived`: user records the producer received (a count).
    public static let userRecordsReceived = "UserRecordsReceived"
    /// `UserRecordsPut`: user records put successfully (a count).
    public static let userRecordsPut = "UserRecordsPut"
    /// `UserRecordsDataPut`: bytes of the user records put successfully (a count).
    public static let userRecordsDataPut = "UserRecordsDataPut"
    /// `UserRecordsPending`: user records waiting to be sent (a gauge).
    public static let userRecordsPending = "UserRecordsPending"
    /// `KinesisRecordsPut`: Kinesis records (aggregated user records) put successfully (a count).
    public static let kinesisRecordsPut = "KinesisRecordsPut"
    /// `KinesisRecordsDataPut`: bytes of the Kinesis records put successfully (a count).
    public static let kinesisRecordsDataPut = "KinesisRecordsDataPut"
    /// `AllErrors`: errors of every kind (a count).
    public static let allErrors = "AllErrors"
    /// `ErrorsByCode`: errors, by their code in the `error_code` dimension (a count).
    public static let errorsByCode = "ErrorsByCode"
    /// `RetriesPerRecord`: retries each user record took (a distribution).
    public static let retriesPerRecord = "RetriesPerRecord"
    /// `BufferedTime`: how long a record waited in the buffer before it was sent, in milliseconds (a distribution).
    public static let bufferedTime = "BufferedTime"
    /// `RequestTime`: how long each PutRecords request took, in milliseconds (a distribution).
    public static let requestTime = "RequestTime"
    /// `ExpiredRecords`: records that expired before they could be put (a count).
    public static let expiredRecords = "ExpiredRecords"

    /// All twelve names, in the original's order.
    package static let all: [String] = [
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
/// Sinks map them to wire names (CloudWatch's: `KPLDimension.cloudWatchNames`,
/// in CloudWatchCommon).
public enum KPLDimension {
    /// The stream's name (`stream`; CloudWatch `StreamName`).
    public static let stream = "stream"
    /// The shard's id (`shard`; CloudWatch `ShardId`).
    public static let shard = "shard"
    /// The error's code (`error_code`; CloudWatch `ErrorCode`).
    public static let errorCode = "error_code"
}
