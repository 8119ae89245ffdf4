import Foundation
import HTTP
import Logging
import Synchronization
import TestSupport
import Testing

@testable import AWS

/// Shared pieces for tests that talk to the AWS emulator or to loopback stubs.
enum Emulator {
    /// The emulator's endpoint; fails the test (rather than skipping) when `make test` promised one.
    static func endpoint() throws -> String {
        try #require(
            TestEnvironment.awsEndpoint, "REFARCH_TEST_AWS_ENDPOINT is not set: run `make test`, or `scripts/moto.sh start` and export it")
    }

    static let http = HTTPClient(configuration: .init(maxConcurrentRequests: 4, timeout: .seconds(40)))

    /// Retries and fallbacks that tests provoke on purpose would otherwise fill the test output.
    static let quiet = Logger(label: "refarch.aws.test") { _ in SwiftLogNoOpLogHandler() }

    /// A configuration aimed at `endpoint` for every service, with fixed test credentials
    /// and retries that do not wait.
    static func configuration(
        endpoint: String, region: String = "us-east-1", http: any HTTPTransport = Emulator.http, retry: RetryPolicy? = nil
    ) -> AWSConfiguration {
        AWSConfiguration(
            region: region,
            credentials: StaticCredentialProvider(
                AWSCredentials(accessKeyID: "AKIDTESTING", secretAccessKey: "testing-secret-key", source: "test credentials")),
            http: http,
            retry: retry ?? RetryPolicy(sleep: { _ in }),
            endpoints: EndpointResolver(global: endpoint),
            logger: quiet)
    }

    static func configuration() throws -> AWSConfiguration {
        configuration(endpoint: try endpoint())
    }

    /// A random suffix so parallel tests never share a queue or resource.
    static func unique(_ prefix: String) -> String {
        "\(prefix)-\(UInt32.random(in: 0..<UInt32.max))"
    }
}
