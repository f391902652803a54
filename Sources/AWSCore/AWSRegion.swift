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

    /// Whether `region` can name a region: one DNS label of letters, digits
    /// and inner hyphens, 1 to 63 characters (botocore's
    /// `validate_region_name` rule). A region becomes part of a host name
    /// that receives signed requests, so anything else (`x@evil.example/`)
    /// is refused before a request is made.
    package static func isValid(_ region: String) -> Bool {
        let bytes = Array(region.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        }
        guard isAlphanumeric(bytes[0]), isAlphanumeric(bytes[bytes.count - 1]) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// Throws ``EndpointError/invalidRegion(_:)`` unless ``isValid(_:)``.
    package static func validate(_ region: String) throws(EndpointError) {
        guard isValid(region) else { throw EndpointError.invalidRegion(region) }
    }

    /// The partition of `region`: its DNS suffixes.
    package struct Partition: Sendable, Equatable {
        package let name: String
        package let dnsSuffix: String
        package let dualStackDNSSuffix: String
    }

    /// The partition a region belongs to, by its name (the regex rules of
    /// botocore's partitions.json, reduced to prefixes).
    package static func partition(of region: String) -> Partition {
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
