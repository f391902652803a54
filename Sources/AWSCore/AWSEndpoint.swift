import CWMHTTP
import Foundation

/// An AWS service as endpoints and signatures name it.
public struct AWSService: Sendable, Equatable {
    /// The SigV4 signing name and endpoint prefix, e.g. `monitoring`.
    public let signingName: String
    /// The service id in `AWS_ENDPOINT_URL_<ID>`, e.g. `CLOUDWATCH`.
    public let environmentName: String

    /// The first labels of AWS's own host (`{prefix}.{region}.{suffix}`);
    /// the signing name for most services.
    public let endpointPrefix: String

    /// A service by its signing name (`monitoring`), the name in its endpoint environment variable (`AWS_ENDPOINT_URL_<NAME>`), and its endpoint prefix when that differs from the signing name.
    public init(signingName: String, environmentName: String, endpointPrefix: String? = nil) {
        self.signingName = signingName
        self.environmentName = environmentName
        self.endpointPrefix = endpointPrefix ?? signingName
    }

    /// CloudWatch (`monitoring`), for PutMetricData.
    public static let cloudWatch = AWSService(signingName: "monitoring", environmentName: "CLOUDWATCH")
    /// CloudWatch Logs (`logs`), for PutLogEvents.
    public static let cloudWatchLogs = AWSService(signingName: "logs", environmentName: "CLOUDWATCH_LOGS")
    /// The Security Token Service (`sts`), for assume-role and web identity.
    package static let sts = AWSService(signingName: "sts", environmentName: "STS")
    /// The IAM Identity Center (SSO) portal: `GetRoleCredentials`, unsigned.
    package static let sso = AWSService(signingName: "awsssoportal", environmentName: "SSO", endpointPrefix: "portal.sso")

    /// The names of `AWS_ENDPOINT_URL_<NAME>` for this service, in the order
    /// they are read: botocore's alone, except for CloudWatch Logs, where the
    /// shorter `AWS_ENDPOINT_URL_LOGS` that other tools set comes first.
    package var environmentNames: [String] {
        self == .cloudWatchLogs ? ["LOGS", environmentName] : [environmentName]
    }
}

/// Why an endpoint could not be used. Thrown when the endpoint is resolved,
/// so a typo fails at start-up instead of hanging a request later.
public enum EndpointError: Error, Equatable, CustomStringConvertible {
    /// The endpoint is not a URL with a scheme and a host.
    case malformed(String)
    /// The endpoint's scheme is neither `http` nor `https`.
    case unsupportedScheme(String)
    /// No region was given or found (environment, profile) for `service`.
    case missingRegion(service: String)
    /// The region is not a DNS label (letters, digits and hyphens).
    case invalidRegion(String)

    public var description: String {
        switch self {
        case .malformed(let text): return "malformed endpoint URL '\(text)': expected http(s)://host[:port][/path]"
        case .unsupportedScheme(let text): return "unsupported endpoint scheme in '\(text)': use http or https"
        case .missingRegion(let service):
            return "no AWS region for \(service): pass region:, or set AWS_REGION, or add region to the AWS profile"
        case .invalidRegion(let region):
            return "invalid region \(region.debugDescription): a region is letters, digits and hyphens, "
                + "for example us-east-1"
        }
    }
}

/// The base URL requests to a service go to.
public struct AWSEndpoint: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// The base URL, without query or fragment.
    public let url: URL

    /// An explicit endpoint (LocalStack, moto, a VPC endpoint). Must be
    /// `http` or `https` with a host.
    public init(url: URL) throws {
        let text = redactedURL(url)
        guard let scheme = url.scheme?.lowercased(), url.host?.isEmpty == false else {
            throw EndpointError.malformed(text)
        }
        guard scheme == "http" || scheme == "https" else { throw EndpointError.unsupportedScheme(text) }
        self.url = url
    }

    /// Parses and checks an endpoint given as text.
    public init(string: String) throws {
        guard let url = URL(string: string.trimmingCharacters(in: .whitespaces)), url.scheme != nil else {
            throw EndpointError.malformed(redactedURLText(string))
        }
        try self.init(url: url)
    }

    public var description: String { redactedURL(url) }

    /// The URL without its user, password or query values.
    public var customMirror: Mirror { Mirror(self, children: ["url": redactedURL(url)], displayStyle: .struct) }

    /// The endpoint for `service` in `region`: the explicit one if given,
    /// else `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, else AWS's
    /// own host `https://{service}[-fips].{region}.{suffix}` with the
    /// GovCloud exceptions (its default hosts are already FIPS).
    ///
    /// `useFIPS` and `useDualStack` left `nil` are read as botocore reads
    /// them: `AWS_USE_FIPS_ENDPOINT` / `AWS_USE_DUALSTACK_ENDPOINT`, else the
    /// profile's `use_fips_endpoint` / `use_dualstack_endpoint` (`true` in
    /// any case turns them on), from `files` (read from `environment` when
    /// `nil` and needed).
    public static func resolve(
        service: AWSService,
        region: String?,
        explicit: URL? = nil,
        useFIPS: Bool? = nil,
        useDualStack: Bool? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        files: SharedConfigFiles? = nil
    ) throws -> AWSEndpoint {
        // Checked even with an explicit endpoint: the region is still signed into every request.
        if let region, !region.isEmpty { try AWSRegion.validate(region) }
        if let explicit { return try AWSEndpoint(url: explicit) }
        for name in service.environmentNames {
            if let specific = environment["AWS_ENDPOINT_URL_\(name)"], !specific.isEmpty {
                return try AWSEndpoint(string: specific)
            }
        }
        if let general = environment["AWS_ENDPOINT_URL"], !general.isEmpty {
            return try AWSEndpoint(string: general)
        }
        guard let region, !region.isEmpty else { throw EndpointError.missingRegion(service: service.signingName) }
        var profile: [String: String]?
        func setting(_ variable: String, _ key: String) -> Bool {
            if let value = environment[variable], !value.isEmpty { return value.lowercased() == "true" }
            profile = profile ?? (files ?? SharedConfigFiles(environment: environment)).settings
            return profile?[key]?.lowercased() == "true"
        }
        let useFIPS = useFIPS ?? setting("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")
        let useDualStack = useDualStack ?? setting("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")
        let partition = AWSRegion.partition(of: region)
        let govCloud = partition.name == "aws-us-gov"
        var prefix = service.endpointPrefix
        // GovCloud's regular hosts are FIPS endpoints already, except Logs over dual-stack.
        if useFIPS && (!govCloud || (service == .cloudWatchLogs && useDualStack)) { prefix += "-fips" }
        let suffix = useDualStack ? partition.dualStackDNSSuffix : partition.dnsSuffix
        return try AWSEndpoint(string: "https://\(prefix).\(region).\(suffix)")
    }
}
