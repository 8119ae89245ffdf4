import Foundation
import TestSupport
import Testing

@testable import AWS

/// Runs the built `refarch-tui` binary with a given environment.
enum BuiltBinary {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The binary next to the test bundle (`swift build --show-bin-path`), or `REFARCH_BIN`.
    static func path() throws -> String {
        if let override = ProcessInfo.processInfo.environment["REFARCH_BIN"], !override.isEmpty { return override }
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent("refarch-tui").path }
        return try #require(
            candidates.first { FileManager.default.isExecutableFile(atPath: $0) },
            "refarch-tui is not built next to the tests (\(candidates)): run `swift build --build-tests`")
    }

    /// Runs the binary and waits without blocking a cooperative thread (termination handler).
    static func run(_ arguments: [String], environment: [String: String]) async throws -> Result {
        try await runProcess(try path(), arguments, environment: environment)
    }

    /// Runs any executable to completion and collects its output.
    static func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let directory = NSTemporaryDirectory() + "refarch-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outPath = directory + "/out"
        let errPath = directory + "/err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try out.close()
        try err.close()
        return Result(
            status: status,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}

@Suite(
    "Ops CLI end to end against the AWS emulator", .enabled(if: TestEnvironment.hasAWSEmulator, "needs the AWS emulator: run `make test`"))
struct OpsCLITests {
    /// Environment for the binary: the emulator for every service, test keys, no real ~/.aws.
    static func environment(queue: String?) throws -> [String: String] { try AWSEmulator.binaryEnvironment(queue: queue) }

    struct StatsOutput: Decodable {
        struct Stats: Decodable {
            var name: String
            var visible: Int
            var inFlight: Int
            var delayed: Int
            var isFIFO: Bool
        }
        var queue: Stats
        var deadLetterQueue: Stats?
    }

    struct PeekedMessage: Decodable {
        var messageId: String
        var body: String
        var messageGroupId: String?
        var deduplicationId: String?
        var messageAttributes: [String: String]
    }

    struct RedriveOutput: Decodable {
        struct Result: Decodable {
            var method: String
            var moved: Int
            var failed: Int
        }
        var from: String
        var to: String
        var result: Result
    }

    @Test("queue stats, peek --dlq, redrive and purge on a FIFO queue with a FIFO DLQ (maxReceiveCount 3)")
    func queueCommands() async throws {
        let sqs = SQSClient(configuration: try Emulator.configuration())
        let (source, dlq) = try await SQSEmulatorTests.makeQueues(sqs, prefix: "cli")
        try await SQSEmulatorTests.send(sqs, to: source, ids: 1...3)
        try await SQSEmulatorTests.deadLetter(sqs, source: source)
        try await SQSEmulatorTests.send(sqs, to: source, ids: 4...5)
        let environment = try Self.environment(queue: source)

        let stats = try await BuiltBinary.run(["queue", "stats", "--json"], environment: environment)
        #expect(stats.status == 0, "\(stats.stderr)")
        let decoded = try JSONDecoder().decode(StatsOutput.self, from: Data(stats.stdout.utf8))
        #expect(decoded.queue.name == SQSQueueURL.name(of: source))
        #expect(decoded.queue.visible == 2)
        #expect(decoded.deadLetterQueue?.name == SQSQueueURL.name(of: dlq))
        #expect(decoded.deadLetterQueue?.visible == 3)

        let text = try await BuiltBinary.run(["queue", "stats"], environment: environment)
        #expect(text.status == 0)
        #expect(text.stdout.contains("VISIBLE"))
        #expect(text.stdout.contains(SQSQueueURL.name(of: dlq)))

        let peek = try await BuiltBinary.run(["queue", "peek", "--dlq", "-n", "10", "--json"], environment: environment)
        #expect(peek.status == 0, "\(peek.stderr)")
        let messages = try JSONDecoder().decode([PeekedMessage].self, from: Data(peek.stdout.utf8))
        #expect(messages.count == 3)
        #expect(Set(messages.compactMap(\.messageGroupId)) == ["product-1", "product-2", "product-3"])
        #expect(messages.allSatisfy { $0.body.hasPrefix("{\"v\":1") && $0.messageAttributes["kind"] == "test" })
        let peekText = try await BuiltBinary.run(["queue", "peek", "--dlq", "-n", "1"], environment: environment)
        #expect(peekText.status == 0)
        #expect(peekText.stdout.contains("group product-"))

        // Destructive commands: refused without --yes, refused entirely when read-only.
        let noYes = try await BuiltBinary.run(["queue", "purge", "--dlq"], environment: environment)
        #expect(noYes.status == 3)
        #expect(noYes.stderr.contains("error: Refusing to purge"))
        #expect(noYes.stderr.contains("hint: Add --yes"))
        let readOnlyFlag = try await BuiltBinary.run(["queue", "purge", "--dlq", "--yes", "--read-only"], environment: environment)
        #expect(readOnlyFlag.status == 3)
        let readOnlyPeekSource = try await BuiltBinary.run(["queue", "peek", "--read-only"], environment: environment)
        #expect(readOnlyPeekSource.status == 3)
        let readOnlyPeekDLQ = try await BuiltBinary.run(["queue", "peek", "--dlq", "--read-only", "--json"], environment: environment)
        #expect(readOnlyPeekDLQ.status == 0)
        var readOnlyEnvironment = environment
        readOnlyEnvironment["REFARCH_READ_ONLY"] = "1"
        let readOnlyRedrive = try await BuiltBinary.run(["queue", "redrive"], environment: readOnlyEnvironment)
        #expect(readOnlyRedrive.status == 3)
        #expect(readOnlyRedrive.stderr.contains("read-only"))
        #expect(try await sqs.stats(url: dlq).visible == 3)

        let redrive = try await BuiltBinary.run(["queue", "redrive", "--json"], environment: environment)
        #expect(redrive.status == 0, "\(redrive.stderr)")
        let moved = try JSONDecoder().decode(RedriveOutput.self, from: Data(redrive.stdout.utf8))
        #expect(moved.result.method == "copy")
        #expect(moved.result.moved == 3)
        #expect(moved.result.failed == 0)
        #expect(moved.to == SQSQueueURL.name(of: source))

        let after = try JSONDecoder().decode(
            StatsOutput.self, from: Data(try await BuiltBinary.run(["queue", "stats", "--json"], environment: environment).stdout.utf8))
        #expect(after.queue.visible == 5)
        #expect(after.deadLetterQueue?.visible == 0)

        let purge = try await BuiltBinary.run(["queue", "purge", "--yes"], environment: environment)
        #expect(purge.status == 0, "\(purge.stderr)")
        #expect(try await sqs.stats(url: source).visible == 0)
    }

    @Test("queue stats prints CloudWatch's oldest-message age for the jobs queue, as it did before the seam")
    func statsCarryTheOldestMessageAge() async throws {
        let sqs = SQSClient(configuration: try Emulator.configuration())
        let (source, _) = try await SQSEmulatorTests.makeQueues(sqs, prefix: "cli-age")
        try await SQSEmulatorTests.send(sqs, to: source, ids: 1...1)
        let cloudWatch = CloudWatchClient(configuration: sqs.client.configuration)
        _ = try await cloudWatch.client.json(
            "PutMetricData",
            RawJSON([
                "Namespace": "AWS/SQS",
                "MetricData": [
                    [
                        "MetricName": "ApproximateAgeOfOldestMessage",
                        "Dimensions": [["Name": "QueueName", "Value": .string(SQSQueueURL.name(of: source))]],
                        "Timestamp": .double(Date().addingTimeInterval(-30).timeIntervalSince1970), "Value": 77.0, "Unit": "Seconds",
                    ]
                ],
            ]), as: EmptyShape.self)
        struct Output: Decodable {
            struct Stats: Decodable {
                var visible: Int
                var oldestAgeSeconds: Int?
            }
            var queue: Stats
            var deadLetterQueue: Stats?
        }
        let stats = try await BuiltBinary.run(["queue", "stats", "--json"], environment: try Self.environment(queue: source))
        #expect(stats.status == 0, "\(stats.stderr)")
        let decoded = try JSONDecoder().decode(Output.self, from: Data(stats.stdout.utf8))
        #expect(decoded.queue.visible == 1)
        #expect(decoded.queue.oldestAgeSeconds == 77)
        #expect(decoded.deadLetterQueue?.oldestAgeSeconds == nil, "an empty DLQ has no oldest message")
    }

    @Test("SQS_DLQ_URL overrides the redrive policy")
    func dlqOverride() async throws {
        let sqs = SQSClient(configuration: try Emulator.configuration())
        let (source, _) = try await SQSEmulatorTests.makeQueues(sqs, prefix: "cli-override")
        let other = try await sqs.createQueue(name: Emulator.unique("cli-other") + ".fifo", attributes: ["FifoQueue": "true"])
        var environment = try Self.environment(queue: source)
        environment["SQS_DLQ_URL"] = other
        let stats = try await BuiltBinary.run(["queue", "stats", "--json"], environment: environment)
        let decoded = try JSONDecoder().decode(StatsOutput.self, from: Data(stats.stdout.utf8))
        #expect(decoded.deadLetterQueue?.name == SQSQueueURL.name(of: other))
    }

    @Test(
        "errors print a summary and a remedy and exit non-zero",
        arguments: [
            (["queue", "stats"], [String: String](), "SQS_QUEUE_URL is not set", Int32(1)),
            (["queue", "stats"], ["SQS_QUEUE_URL": "QUEUE/123456789012/does-not-exist.fifo"], "QueueDoesNotExist", Int32(1)),
            (["queue", "peek", "-n", "0"], [:], "-n must be between 1 and 100", Int32(64)),
            (["services", "scale", "emu", "2", "--cluster", "c"], ["AWS_REGION": ""], "No AWS region configured", Int32(1)),
            (
                ["queue", "stats"], ["SQS_QUEUE_URL": "QUEUE/123456789012/q.fifo", "AWS_ACCESS_KEY_ID": ""],
                "hint: Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE", Int32(1)
            ),
            (
                ["queue", "stats"], ["SQS_QUEUE_URL": "QUEUE/123456789012/q.fifo", "AWS_PROFILE": "missing", "AWS_ACCESS_KEY_ID": ""],
                "profile missing", Int32(1)
            ),
        ])
    func errors(_ arguments: [String], _ overrides: [String: String], _ expected: String, _ status: Int32) async throws {
        var environment = try Self.environment(queue: nil)
        for (key, value) in overrides {
            environment[key] = value.replacingOccurrences(of: "QUEUE", with: try Emulator.endpoint())
        }
        let result = try await BuiltBinary.run(arguments, environment: environment)
        #expect(result.status == status)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        if status == 1 { #expect(result.stderr.contains("hint: ")) }
        #expect(!result.stderr.contains("cli-test-secret"))
    }

    @Test("services list and services scale against ECS records")
    func servicesCommands() async throws {
        let ecs = ECSClient(configuration: try Emulator.configuration())
        let (cluster, _) = try await ServicesEmulatorTests.makeService(ecs)
        let environment = try Self.environment(queue: nil)

        let list = try await BuiltBinary.run(["services", "list", "--cluster", cluster, "--json"], environment: environment)
        #expect(list.status == 0, "\(list.stderr)")
        struct Row: Decodable {
            var cluster: String
            var name: String
            var desired: Int?
        }
        struct List: Decodable { var services: [Row] }
        let rows = try JSONDecoder().decode(List.self, from: Data(list.stdout.utf8)).services
        #expect(rows.count == 1)
        #expect(rows.first?.cluster == cluster)
        #expect(rows.first?.name == "emu")
        #expect(rows.first?.desired == 1)

        let readOnly = try await BuiltBinary.run(
            ["services", "scale", "emu", "4", "--cluster", cluster, "--read-only"], environment: environment)
        #expect(readOnly.status == 3)
        let scale = try await BuiltBinary.run(["services", "scale", "emu", "4", "--cluster", cluster], environment: environment)
        #expect(scale.status == 0, "\(scale.stderr)")
        #expect(scale.stdout.contains("desired 4"))
        #expect(try await ecs.describeServices(cluster: cluster, services: ["emu"]).items.first?.desiredCount == 4)

        let text = try await BuiltBinary.run(["services", "list", "--cluster", cluster], environment: environment)
        #expect(text.stdout.contains("emu"))
        #expect(text.stdout.contains("DESIRED"))
    }

    @Test("queue alerts lists the alert topic's subscriptions, and says what to set without SNS_TOPIC_ARN")
    func queueAlerts() async throws {
        let configuration = try Emulator.configuration()
        let sns = SNSClient(configuration: configuration)
        let sqs = SQSClient(configuration: configuration)
        let topic = try #require(
            try await sns.client.query("CreateTopic", [("Name", Emulator.unique("dlq-alerts"))]).first(named: "TopicArn")?.text)
        let queue = try await sqs.createQueue(name: Emulator.unique("dlq-alerts-sub"))
        let queueARN = try #require(try await sqs.getQueueAttributes(url: queue).queueARN)
        _ = try await sns.subscribe(topicARN: topic, protocolName: "sqs", endpoint: queueARN)

        var environment = try Self.environment(queue: nil)
        let missing = try await BuiltBinary.run(["queue", "alerts"], environment: environment)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("SNS_TOPIC_ARN is not set"))

        environment["SNS_TOPIC_ARN"] = topic
        let text = try await BuiltBinary.run(["queue", "alerts"], environment: environment)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("PROTOCOL") && text.stdout.contains(queueARN))
        let json = try await BuiltBinary.run(["queue", "alerts", "--json"], environment: environment)
        struct Output: Decodable {
            struct Subscription: Decodable {
                var protocolName: String
                var endpoint: String
            }
            var topic: String
            var subscriptions: [Subscription]
        }
        let output = try JSONDecoder().decode(Output.self, from: Data(json.stdout.utf8))
        #expect(output.topic == topic)
        #expect(output.subscriptions.map(\.endpoint) == [queueARN])
        #expect(output.subscriptions.first?.protocolName == "sqs")
    }
}
