@testable import AWSCore
import Foundation
import Testing

/// A temporary directory with files, removed afterwards.
final class TemporaryFiles {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aws-\(UUID().uuidString)")

    init(_ files: [String: String]) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

@Suite("Regions, endpoints and shared files", .timeLimit(.minutes(3)))
struct RegionEndpointTests {
    @Test("region order: explicit, AWS_REGION, AWS_DEFAULT_REGION, profile")
    func regionOrder() throws {
        let files = try TemporaryFiles(["config": "[default]\nregion = eu-north-1\n[profile other]\nregion=ap-south-1\n"])
        var environment = ["HOME": files.directory.path, "AWS_CONFIG_FILE": files.path("config")]
        #expect(AWSRegion.resolve(environment: environment) == "eu-north-1")
        environment["AWS_PROFILE"] = "other"
        #expect(AWSRegion.resolve(environment: environment) == "ap-south-1")
        environment["AWS_DEFAULT_REGION"] = "us-west-1"
        #expect(AWSRegion.resolve(environment: environment) == "us-west-1")
        environment["AWS_REGION"] = "us-west-2"
        #expect(AWSRegion.resolve(environment: environment) == "us-west-2")
        #expect(AWSRegion.resolve(explicit: "sa-east-1", environment: environment) == "sa-east-1")
        #expect(AWSRegion.resolve(environment: ["HOME": "/nonexistent"]) == nil)
    }

    @Test("every CloudWatch and Logs endpoint of botocore's rule sets")
    func endpointTable() throws {
        let table = try String(contentsOf: SharedVectors.url("aws-endpoints.txt"), encoding: .utf8)
        var checked = 0
        for line in table.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 6 else { continue }
            let service: AWSService = fields[0] == "logs" ? .cloudWatchLogs : .cloudWatch
            let endpoint = try AWSEndpoint.resolve(
                service: service, region: String(fields[1]),
                useFIPS: fields[2] == "fips=True", useDualStack: fields[3] == "dualstack=True", environment: [:])
            #expect(endpoint.url.absoluteString == fields[5], "\(line)")
            checked += 1
        }
        #expect(checked >= 60)
    }

    @Test("FIPS and dual-stack from AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT or the profile's keys; an argument wins")
    func fipsAndDualStackSettings() throws {
        let home = ["HOME": "/nonexistent-home"]
        func host(_ environment: [String: String], service: AWSService = .cloudWatch, fips: Bool? = nil) throws -> String {
            try AWSEndpoint.resolve(service: service, region: "us-east-1", useFIPS: fips,
                                    environment: home.merging(environment) { $1 }).url.host ?? ""
        }
        #expect(try host([:]) == "monitoring.us-east-1.amazonaws.com")
        #expect(try host(["AWS_USE_FIPS_ENDPOINT": "true"]) == "monitoring-fips.us-east-1.amazonaws.com")
        #expect(try host(["AWS_USE_FIPS_ENDPOINT": "TRUE"], service: .cloudWatchLogs) == "logs-fips.us-east-1.amazonaws.com")
        #expect(try host(["AWS_USE_DUALSTACK_ENDPOINT": "true"]) == "monitoring.us-east-1.api.aws")
        #expect(try host(["AWS_USE_FIPS_ENDPOINT": "true", "AWS_USE_DUALSTACK_ENDPOINT": "true"])
                == "monitoring-fips.us-east-1.api.aws")
        #expect(try host(["AWS_USE_FIPS_ENDPOINT": "true"], fips: false) == "monitoring.us-east-1.amazonaws.com")
        let files = try TemporaryFiles(["config": "[profile gov]\nuse_fips_endpoint = true\nuse_dualstack_endpoint = false\n"])
        #expect(try host(["AWS_CONFIG_FILE": files.path("config"), "AWS_PROFILE": "gov"])
                == "monitoring-fips.us-east-1.amazonaws.com")
        #expect(try host(["AWS_CONFIG_FILE": files.path("config"), "AWS_PROFILE": "gov", "AWS_USE_FIPS_ENDPOINT": "false"])
                == "monitoring.us-east-1.amazonaws.com", "the environment wins over the file")
        #expect(try host(["AWS_USE_FIPS_ENDPOINT": "true", "AWS_ENDPOINT_URL": "http://127.0.0.1:4566"]) == "127.0.0.1")
    }

    @Test("explicit endpoint, AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL")
    func endpointOverrides() throws {
        let environment = ["AWS_ENDPOINT_URL": "http://127.0.0.1:4566", "AWS_ENDPOINT_URL_CLOUDWATCH": "http://127.0.0.1:5000"]
        #expect(try AWSEndpoint.resolve(service: .cloudWatch, region: "us-east-1", environment: environment).url.absoluteString
                == "http://127.0.0.1:5000")
        #expect(try AWSEndpoint.resolve(service: .cloudWatchLogs, region: nil, environment: environment).url.absoluteString
                == "http://127.0.0.1:4566")
        #expect(try AWSEndpoint.resolve(service: .cloudWatch, region: "us-east-1", explicit: URL(string: "https://vpce.example")!,
                                        environment: environment).url.absoluteString == "https://vpce.example")
    }

    @Test("malformed endpoints and unsupported schemes fail at construction")
    func badEndpoints() {
        #expect(throws: EndpointError.unsupportedScheme("ftp://127.0.0.1:21")) { try AWSEndpoint(string: "ftp://127.0.0.1:21") }
        #expect(throws: EndpointError.self) { try AWSEndpoint(string: "not a url") }
        #expect(throws: EndpointError.self) { try AWSEndpoint(string: "http://") }
        #expect(throws: EndpointError.missingRegion(service: "monitoring")) {
            try AWSEndpoint.resolve(service: .cloudWatch, region: nil, environment: [:])
        }
    }

    @Test("INI parsing: sections, comments, nested settings, credentials file wins")
    func sharedFiles() throws {
        let files = try TemporaryFiles([
            "config": """
                # comment
                [default]
                region = us-east-1
                aws_access_key_id = FROMCONFIG
                [profile dev]
                region = eu-west-1 ; trailing comment
                s3 =
                  max_concurrent_requests = 10
                output=json
                """,
            "credentials": "[default]\naws_access_key_id = FROMCREDENTIALS\naws_secret_access_key = s3cr3t\n[dev]\naws_access_key_id=DEVKEY\n",
        ])
        let base = ["HOME": "/nonexistent", "AWS_CONFIG_FILE": files.path("config"),
                    "AWS_SHARED_CREDENTIALS_FILE": files.path("credentials")]
        let defaults = SharedConfigFiles(environment: base)
        #expect(defaults.settings["aws_access_key_id"] == "FROMCREDENTIALS")
        #expect(defaults.settings["region"] == "us-east-1")
        let dev = SharedConfigFiles(environment: base.merging(["AWS_PROFILE": "dev"]) { $1 })
        #expect(dev.settings["region"] == "eu-west-1")
        #expect(dev.settings["output"] == "json")
        #expect(dev.settings["max_concurrent_requests"] == nil)
        #expect(dev.settings["aws_access_key_id"] == "DEVKEY")
    }
}
