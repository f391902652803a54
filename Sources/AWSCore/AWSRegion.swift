import Foundation

/// Where the region comes from, in order: the value given in code,
/// `AWS_REGION`, `AWS_DEFAULT_REGION`, then the selected profile's `region`.
public enum AWSRegion {
    /// The region to use, or `nil` when none is configured anywhere.
    public static func resolve(
        explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        files: SharedConfigFiles? = nil
    ) -> String? {
        for candidate in [explicit, environment["AWS_REGION"], environment["AWS_DEFAULT_REGION"]] {
            if let candidate, !candidate.isEmpty { return candidate }
        }
        let profile = files ?? SharedConfigFiles(environment: environment)
        if let region = profile.settings["region"], !region.isEmpty { return region }
        return nil
    }

    /// The partition of `region`: its DNS suffixes.
    public struct Partition: Sendable, Equatable {
        public let name: String
        public let dnsSuffix: String
        public let dualStackDNSSuffix: String
    }

    /// The partition a region belongs to, by its name (the regex rules of
    /// botocore's partitions.json, reduced to prefixes).
    public static func partition(of region: String) -> Partition {
        if region.hasPrefix("cn-") {
            return Partition(name: "aws-cn", dnsSuffix: "amazonaws.com.cn", dualStackDNSSuffix: "api.amazonwebservices.com.cn")
        }
        if region.hasPrefix("us-gov-") {
            return Partition(name: "aws-us-gov", dnsSuffix: "amazonaws.com", dualStackDNSSuffix: "api.aws")
        }
        if region.hasPrefix("us-isob-") {
            return Partition(name: "aws-iso-b", dnsSuffix: "sc2s.sgov.gov", dualStackDNSSuffix: "api.aws.scloud")
        }
        if region.hasPrefix("us-isof-") || region.hasPrefix("eu-isof-") {
            return Partition(name: "aws-iso-f", dnsSuffix: "csp.hci.ic.gov", dualStackDNSSuffix: "api.aws.hci.ic.gov")
        }
        if region.hasPrefix("us-iso-") {
            return Partition(name: "aws-iso", dnsSuffix: "c2s.ic.gov", dualStackDNSSuffix: "api.aws.ic.gov")
        }
        if region.hasPrefix("eu-isoe-") {
            return Partition(name: "aws-iso-e", dnsSuffix: "cloud.adc-e.uk", dualStackDNSSuffix: "api.cloud-aws.adc-e.uk")
        }
        if region.hasPrefix("eusc-") {
            return Partition(name: "aws-eusc", dnsSuffix: "amazonaws.eu", dualStackDNSSuffix: "api.amazonwebservices.eu")
        }
        return Partition(name: "aws", dnsSuffix: "amazonaws.com", dualStackDNSSuffix: "api.aws")
    }
}
