import AWSCore
import CloudWatchMetricsTestKit
import CloudWatchSink
import Foundation
import CWMHTTPTestSupport
import MetricsCore
import Testing

/// A profile that assumes a role, against moto with signatures enforced:
/// the sink publishes with the role's temporary credentials, which moto
/// issued to the AssumeRole call the source profile's keys signed.
@Suite("Assume role end to end", .enabled(if: TestEnvironment.runs(IntegrationTarget.available), "needs moto: run scripts/test.sh"),
       .timeLimit(.minutes(2)))
struct AssumeRoleIntegrationTests {
    @Test("role_arn + source_profile: published through a real STS AssumeRole, read back")
    func publishesAsTheRole() async throws {
        let target = try IntegrationTarget.require()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("assume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config")
        try """
            [profile base]
            aws_access_key_id = \(target.accessKeyId)
            aws_secret_access_key = \(target.secretAccessKey)
            [profile deploy]
            role_arn = arn:aws:iam::123456789012:role/metrics-tests-role
            source_profile = base
            role_session_name = integration
            region = us-east-1
            """.write(to: config, atomically: true, encoding: .utf8)
        let environment = ["HOME": directory.path, "AWS_CONFIG_FILE": config.path, "AWS_PROFILE": "deploy",
                           "AWS_ENDPOINT_URL": target.endpoint.absoluteString, "AWS_EC2_METADATA_DISABLED": "true"]

        // The role's credentials, as the sink's chain gets them.
        let credentials = try await DefaultCredentialProvider(environment: environment).credentials()
        #expect(credentials.accessKeyId != target.accessKeyId, "the role's keys, not the source's")
        #expect(credentials.sessionToken != nil && credentials.expiration != nil)

        let namespace = IntegrationTarget.freshNamespace("assume-role")
        let observer = RecordingObserver()
        let sink = CloudWatchSink(namespace: namespace, options: .init(environment: environment))
        let manager = MetricsManager(level: .detailed, sink: sink, configuration: .init(observer: observer))
        try await manager.start()
        manager.counter("AssumedRequests").increment(by: 5)
        try await manager.shutdown()
        #expect(observer.dropped.isEmpty, "\(observer.all)")
        let statistics = try await target.statistics(namespace: namespace, metric: "AssumedRequests", dimensions: [])
        #expect(statistics?.sum == 5)
    }
}
