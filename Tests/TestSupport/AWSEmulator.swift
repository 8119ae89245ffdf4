import AWS
import Foundation
import HTTP
import Logging
import Testing

/// Shared pieces for tests that talk to the AWS emulator (moto, which `make test` starts) or
/// to loopback stubs: fixed test credentials, every service at one endpoint, and the FIFO
/// queue pair the workers expect.
public enum AWSEmulator {
    /// The emulator's endpoint; fails the test (rather than skipping) when `make test` promised one.
    public static func endpoint() throws -> String {
        try #require(
            TestEnvironment.awsEndpoint, "REFARCH_TEST_AWS_ENDPOINT is not set: run `make test`, or `scripts/moto.sh start` and export it")
    }

    public static let http = HTTPClient(configuration: .init(maxConcurrentRequests: 4, timeout: .seconds(40)))

    /// Retries and fallbacks that tests provoke on purpose would otherwise fill the test output.
    public static let quiet = Logger(label: "refarch.aws.test") { _ in SwiftLogNoOpLogHandler() }

    /// The keys every emulator test signs with (moto accepts any).
    public static let credentials = AWSCredentials(
        accessKeyID: "AKIDTESTING", secretAccessKey: "testing-secret-key", source: "test credentials")

    /// A configuration aimed at `endpoint` for every service, with the test credentials and,
    /// unless told otherwise, retries that do not wait.
    public static func configuration(
        endpoint: String, region: String = "us-east-1", http: any HTTPTransport = AWSEmulator.http, retry: RetryPolicy? = nil,
        logger: Logger = AWSEmulator.quiet
    ) -> AWSConfiguration {
        AWSConfiguration(
            region: region, credentials: StaticCredentialProvider(credentials), http: http, retry: retry ?? RetryPolicy(sleep: { _ in }),
            endpoints: EndpointResolver(global: endpoint), logger: logger)
    }

    /// The same, aimed at the emulator `make test` started.
    public static func configuration(http: any HTTPTransport = AWSEmulator.http, retry: RetryPolicy? = nil) throws -> AWSConfiguration {
        configuration(endpoint: try endpoint(), http: http, retry: retry)
    }

    /// Environment for the refarch-tui binary: the emulator for every service, test keys, no
    /// instance metadata, no real ~/.aws; `queue` is the jobs queue (SQS) when given.
    public static func binaryEnvironment(queue: String? = nil) throws -> [String: String] {
        var environment = [
            "AWS_ENDPOINT_URL": try endpoint(), "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "AKIDCLITEST", "AWS_SECRET_ACCESS_KEY": "cli-test-secret",
            "HOME": NSTemporaryDirectory() + "refarch-no-home", "AWS_EC2_METADATA_DISABLED": "true",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        environment["SQS_QUEUE_URL"] = queue
        return environment
    }

    /// A random suffix so parallel tests never share a queue or resource.
    public static func unique(_ prefix: String) -> String {
        "\(prefix)-\(UInt32.random(in: 0..<UInt32.max))"
    }

    /// Creates `<prefix>-<random>.fifo` with a FIFO DLQ `<prefix>-<random>-dlq.fifo` that takes
    /// messages after `maxReceiveCount` receives: the queue pair of AWS mode.
    public static func fifoQueueWithDeadLetters(_ sqs: SQSClient, prefix: String, visibility: Int = 30, maxReceiveCount: Int)
        async throws -> (source: String, deadLetters: String)
    {
        let base = unique(prefix)
        let deadLetters = try await sqs.createQueue(name: "\(base)-dlq.fifo", attributes: ["FifoQueue": "true"])
        let deadLettersARN = try #require(try await sqs.getQueueAttributes(url: deadLetters).queueARN)
        let source = try await sqs.createQueue(
            name: "\(base).fifo",
            attributes: [
                "FifoQueue": "true", "VisibilityTimeout": String(visibility),
                "RedrivePolicy": RedrivePolicy(deadLetterTargetArn: deadLettersARN, maxReceiveCount: maxReceiveCount).jsonString,
            ])
        return (source, deadLetters)
    }
}
