import AWS
import Catalog
import Foundation
import HTTP
import Logging
import Postgres
import Queues
import TestSupport
import Testing

/// Dead letters through the real console in tmux, on each backend: emu dead-letters three
/// poison messages with their reasons, the header shows DLQ 3, `:dlq` lists the reasons,
/// redrive all moves them back (the queues view sees them leave the DLQ), and a purge of
/// the emptied DLQ is refused with a clear line.
@Suite(
    .enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"),
    .enabled(if: TmuxSession.isAvailable || TestEnvironment.underMakeTest, "needs tmux: run `make test`"))
struct DeadLetterEndToEndTests {
    enum Backend: String, CaseIterable, Sendable { case embedded, sqs }

    /// A job queue of the backend, the environment that points workers and console at it,
    /// and its names as the console shows them.
    struct Stack {
        let queue: any JobQueue
        let environment: [String: String]
        /// The queue subscribed to the alert topic (SQS only): what an operator would hear.
        var alerts: (sqs: SQSClient, url: String)?
    }

    static let quiet = Logger(label: "refarch.e2e") { _ in SwiftLogNoOpLogHandler() }

    static func stack(_ backend: Backend, databaseURL: String, configuration: PostgresConfiguration) async throws -> Stack {
        let model =
            TestEnvironment.modelDirectory ?? Fixtures.repositoryRoot.appendingPathComponent(".refarch/models/all-MiniLM-L6-v2").path
        var environment = ["DATABASE_URL": databaseURL, "REFARCH_MODEL_DIR": model]
        switch backend {
        case .embedded:
            let pool = PostgresPool(configuration: configuration, maxConnections: 2, logger: quiet)
            return Stack(queue: PostgresJobQueue(pool: pool, logger: quiet), environment: environment)
        case .sqs:
            let endpoint = try AWSEmulator.endpoint()
            let sqs = SQSClient(configuration: AWSEmulator.configuration(endpoint: endpoint, logger: quiet))
            let (url, _) = try await AWSEmulator.fifoQueueWithDeadLetters(sqs, prefix: "e2e", maxReceiveCount: 5)
            let base = String(SQSQueueURL.name(of: url).dropLast(".fifo".count))
            // Dead-letter alerts: a topic with a queue subscribed to it.
            let sns = SNSClient(configuration: sqs.client.configuration)
            let topic = try #require(try await sns.client.query("CreateTopic", [("Name", "\(base)-alerts")]).first(named: "TopicArn")?.text)
            let inbox = try await sqs.createQueue(name: "\(base)-alerts")
            let inboxARN = try #require(try await sqs.getQueueAttributes(url: inbox).queueARN)
            _ = try await sns.subscribe(
                topicARN: topic, protocolName: "sqs", endpoint: inboxARN, attributes: ["RawMessageDelivery": "true"])
            environment.merge([
                "SQS_QUEUE_URL": url, "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": AWSEmulator.credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": AWSEmulator.credentials.secretAccessKey,
                "SNS_TOPIC_ARN": topic,
            ]) { _, new in new }
            return Stack(queue: try await SQSJobQueue.open(sqs: sqs, queueURL: url), environment: environment, alerts: (sqs, inbox))
        }
    }

    @Test(arguments: Backend.allCases)
    func poisonMessagesAreSeenRedrivenAndThePurgeOfAnEmptyDLQIsRefused(backend: Backend) async throws {
        try await TestDatabase.withSchema { configuration in
            let base = configuration.url!
            let url = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + configuration.searchPath[0]
            #expect(try await CLIRunner.run(["db", "migrate"], environment: ["DATABASE_URL": url]).status == 0)
            let stack = try await Self.stack(backend, databaseURL: url, configuration: configuration)
            let queue = stack.queue

            // emu dead-letters what it can never process, with the reason as an attribute.
            let emu = try RunningCLI(["worker", "emu", "--heartbeat-seconds", "1"], environment: stack.environment)
            let poison = [
                JobMessage(body: "not json at all", groupID: "p1", deduplicationID: "poison-1"),
                JobMessage(body: #"{"v":9,"op":"upsert","id":7,"seq":11}"#, groupID: "p2", deduplicationID: "poison-2"),
                JobMessage(body: #"{"v":1,"op":"explode","id":8,"seq":12}"#, groupID: "p3", deduplicationID: "poison-3"),
            ]
            #expect(try await queue.send(poison).isEmpty)
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline, try await queue.stats().deadLetters.total < 3 {
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(try await queue.stats().deadLetters.total == 3, "emu dead-letters the three poison messages:\n\(emu.log)")
            // Stop emu, so the redriven messages stay in the jobs queue for the console to see.
            emu.signal(SIGTERM)
            #expect(await emu.waitForExit(timeout: .seconds(30)) == 0)
            if let alerts = stack.alerts {
                // At most one alert a minute, the rest sent when emu stops: three messages in all.
                var counted = 0
                for message in try await alerts.sqs.receiveMessages(url: alerts.url, maxMessages: 10, wait: .seconds(2)) {
                    counted += Int(message.body.prefix { $0.isNumber }) ?? 0
                    #expect(message.body.contains("went to \(queue.deadLetterName)"), "\(message.body)")
                }
                #expect(counted == 3, "SNS alerts cover the three dead letters:\n\(emu.log)")
            }

            let themes = Fixtures.repositoryRoot.appendingPathComponent("themes").path
            let variables = stack.environment.merging(["REFARCH_THEMES_DIR": themes, "TERM": "screen-256color"]) { a, _ in a }
                .map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
            let dlqName = queue.deadLetterName, jobsName = queue.name
            try await TmuxSession.with(command: "env \(variables) '\(CLIRunner.binaryPath)' --refresh 1") { tmux in
                var (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("DLQ 3") }
                #expect(ok, "the header shows DLQ 3 from the first view:\n\(screen)")

                try await tmux.keys("Tab", "Tab", "Tab")  // search box → products → queues → dlq
                (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("3 listed") }
                #expect(ok, "the DLQ view lists the three messages:\n\(screen)")
                #expect(screen.contains("not JSON"), "with emu's reason:\n\(screen)")
                #expect(screen.contains("unknown message version 9"), "each with its own reason:\n\(screen)")

                try await tmux.keys("R")
                (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("Redrive all 3 messages from \(dlqName)") }
                #expect(ok, "R asks, naming the queue and the count:\n\(screen)")
                try await tmux.keys("y")
                (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("Redrove 3 messages from \(dlqName) to \(jobsName)") }
                #expect(ok, "the redrive reports what it moved:\n\(screen)")

                try await tmux.keys(":")
                try await tmux.type("queues")
                try await tmux.keys("Enter")
                (ok, screen) = try await tmux.wait(for: .seconds(60)) { screen in
                    // Visible or in flight: moto hands messages to a long poll that the stopped
                    // emu left open, so count them all.
                    let header = screen.split(separator: "\n").first ?? ""
                    let dead = screen.split(separator: "\n").first { $0.hasPrefix(" \(dlqName) ") }?.split(separator: " ") ?? []
                    return header.hasSuffix("jobs 3  DLQ 0") && dead.count > 1 && dead[1] == "0"
                }
                #expect(ok, "the queues view sees the three messages leave the DLQ for the jobs queue:\n\(screen)")

                try await tmux.keys("Enter")  // the DLQ view again
                (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("is empty: nothing was dead-lettered") }
                #expect(ok, "the DLQ is empty now:\n\(screen)")
                try await tmux.keys("P")
                (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("\(dlqName) is already empty: nothing to purge.") }
                #expect(ok, "purging an empty DLQ is refused with a clear line:\n\(screen)")
                #expect(!screen.contains("Purge all"), "and nothing was asked:\n\(screen)")

                try await tmux.keys("q")
                (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("CONSOLE-EXIT=") }
                #expect(screen.contains("CONSOLE-EXIT=0"), "exit status 0:\n\(screen)")
            }
            #expect(try await queue.stats().jobs.total == 3, "the redriven messages are in the jobs queue")
            #expect(try await queue.stats().deadLetters.total == 0)
        }
    }
}
