import Foundation
import MetricsCore

/// A check of one EMF document (shared by the EMF sink's and the agent's tests) against the specification's structure
/// (the JSON schema of the CloudWatch EMF specification, written out): the
/// required members and their types, references that resolve to root
/// members of the right type, and the limits. Returns the problems found.
public enum EMFSchema {
    public static let units: Set<String> = Set(MetricUnit.standardUnits.map(\.rawValue)).union(["None"])

    public static func problems(_ line: [UInt8], byteLimit: Int = 1_048_550) -> [String] {
        var problems: [String] = []
        if line.count > byteLimit { problems.append("document of \(line.count) bytes (limit \(byteLimit))") }
        if line.contains(0x0A) { problems.append("a newline inside the document") }
        guard let root = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            return problems + ["not one JSON object"]
        }
        guard let aws = root["_aws"] as? [String: Any] else { return problems + ["no _aws object"] }
        guard let timestamp = aws["Timestamp"] as? NSNumber, timestamp.doubleValue == timestamp.doubleValue.rounded(),
              timestamp.int64Value >= 0 else {
            return problems + ["_aws.Timestamp is not a non-negative integer"]
        }
        guard let directives = aws["CloudWatchMetrics"] as? [[String: Any]], !directives.isEmpty else {
            return problems + ["_aws.CloudWatchMetrics is not a non-empty array of objects"]
        }
        for directive in directives {
            guard let namespace = directive["Namespace"] as? String, (1...255).contains(namespace.utf8.count) else {
                problems.append("Namespace missing or not 1 to 255 characters")
                continue
            }
            guard let sets = directive["Dimensions"] as? [[String]] else {
                problems.append("Dimensions is not an array of arrays of strings")
                continue
            }
            for set in sets {
                if set.count > 30 { problems.append("a dimension set of \(set.count) keys") }
                for key in set {
                    guard let value = root[key] as? String else {
                        problems.append("dimension \(key) does not name a root string member")
                        continue
                    }
                    if value.utf8.count > 1024 { problems.append("dimension \(key) value over 1024 characters") }
                }
            }
            guard let metrics = directive["Metrics"] as? [[String: Any]], (1...100).contains(metrics.count) else {
                problems.append("Metrics is not an array of 1 to 100 objects")
                continue
            }
            var seen = Set<String>()
            for metric in metrics {
                guard let name = metric["Name"] as? String, (1...1024).contains(name.utf8.count) else {
                    problems.append("a metric without a Name")
                    continue
                }
                if !seen.insert(name).inserted { problems.append("metric \(name) defined twice") }
                if let unit = metric["Unit"], !((unit as? String).map(units.contains) ?? false) {
                    problems.append("metric \(name): unit \(unit) is not a StandardUnit")
                }
                if let resolution = metric["StorageResolution"], !([1, 60] as [Int]).contains(resolution as? Int ?? 0) {
                    problems.append("metric \(name): StorageResolution \(resolution)")
                }
                problems += targetProblems(name, root[name])
            }
        }
        return problems
    }

    private static func targetProblems(_ name: String, _ target: Any?) -> [String] {
        switch target {
        case is NSNumber:
            return []
        case let values as [NSNumber]:
            return values.count <= 100 ? [] : ["metric \(name): \(values.count) values (at most 100)"]
        case let object as [String: Any]:
            var problems: [String] = []
            for field in ["Max", "Min", "Count", "Sum"] where !(object[field] is NSNumber) {
                problems.append("metric \(name): statistic \(field) missing")
            }
            if object["Values"] != nil || object["Counts"] != nil {
                guard let values = object["Values"] as? [NSNumber], let counts = object["Counts"] as? [NSNumber] else {
                    return problems + ["metric \(name): Values and Counts must both be arrays of numbers"]
                }
                if values.count != counts.count { problems.append("metric \(name): Values and Counts differ in length") }
                if values.count > 100 { problems.append("metric \(name): \(values.count) values (at most 100)") }
            }
            return problems
        default:
            return ["metric \(name) does not name a root number, array or statistic set"]
        }
    }
}
