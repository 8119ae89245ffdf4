import AWS
import ArgumentParser
import Catalog
import Foundation
import Postgres
import PostgresCatalog
import Queues

/// `refarch-tui queue …`: the jobs queue and its dead-letter queue, for scripts and operators.
///
/// The jobs queue is `SQS_QUEUE_URL`; its DLQ comes from the queue's redrive policy unless
/// `SQS_DLQ_URL` names it. Without `SQS_QUEUE_URL` the commands act on the embedded
/// Postgres queue of the configured database, through the `JobQueue` protocol.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Inspect and operate the jobs queue and its dead-letter queue.",
        discussion: """
            The jobs queue is SQS_QUEUE_URL; its dead-letter queue is found from the queue's \
            RedrivePolicy (SQS_DLQ_URL overrides). Without SQS_QUEUE_URL, the embedded Postgres \
            queue of DATABASE_URL (or POSTGRES_DB_*) is used. Exit status: 0 ok, 1 failed, 3 refused \
            (read-only mode or a missing --yes), 64 bad usage.
            """,
        subcommands: [
            QueueStatsCommand.self, QueuePeekCommand.self, QueueRedriveCommand.self, QueuePurgeCommand.self, QueueAlertsCommand.self,
        ]
    )
}

/// The two queue URLs the commands act on.
struct QueueTargets {
    var source: String
    var deadLetter: String?

    /// Reads `SQS_QUEUE_URL` and finds the DLQ (`SQS_DLQ_URL`, else the redrive policy).
    static func resolve(_ sqs: SQSClient, needDeadLetter: Bool, options: OpsOptions) async throws -> QueueTargets {
        guard let source = try options.value("SQS_QUEUE_URL") else {
            throw OpsError(
                summary: "SQS_QUEUE_URL is not set.",
                remedy: "Set SQS_QUEUE_URL to the jobs queue's URL (e.g. https://sqs.us-east-1.amazonaws.com/123456789012/jobs.fifo).")
        }
        var deadLetter = try options.value("SQS_DLQ_URL")
        if deadLetter == nil {
            deadLetter = try await sqs.deadLetterQueueURL(forSource: source)
        }
        if needDeadLetter && deadLetter == nil {
            throw OpsError(
                summary: "\(SQSQueueURL.name(of: source)) has no dead-letter queue.",
                remedy: "Give the queue a RedrivePolicy, or set SQS_DLQ_URL.")
        }
        return QueueTargets(source: source, deadLetter: deadLetter)
    }
}

/// The embedded Postgres queue, used when no `SQS_QUEUE_URL` is configured.
enum EmbeddedQueue {
    /// Runs `body` on the embedded queue and returns true, or returns false when SQS is
    /// configured (the caller then takes its SQS path). Without SQS and without a database,
    /// says how to configure either.
    static func run(_ options: OpsOptions, _ body: (any JobQueue, _ location: String) async throws -> Void) async throws -> Bool {
        guard try options.value("SQS_QUEUE_URL") == nil else { return false }
        let context = try CommandContext(options.global)
        let settings = context.settings
        guard settings.string("database.url") != nil || settings.string("postgres.host") != nil || settings.string("postgres.name") != nil
        else {
            throw OpsError(
                summary: "SQS_QUEUE_URL is not set, and no database is configured for the embedded queue.",
                remedy: "Set SQS_QUEUE_URL to the jobs queue's URL (e.g. https://sqs.us-east-1.amazonaws.com/123456789012/jobs.fifo), "
                    + "or DATABASE_URL (or POSTGRES_DB_*) to use the embedded Postgres queue.")
        }
        let pool = try await context.migratedPool()
        let queue = PostgresJobQueue(pool: pool, logger: context.logger)
        // host:port/database, never the password (and not the user either, to keep it a URL).
        let server = pool.configuration.redactedDescription.components(separatedBy: " as ").first ?? ""
        let location = "postgres://\(server)#\(queue.name)"
        let result = await Result { try await body(queue, location) }
        await queue.close()
        await pool.close()
        try result.get()
        return true
    }

    /// A queue's depth in the shape `queue stats --json` prints for SQS.
    static func stats(_ depth: QueueDepth, location: String, maxReceiveCount: Int?) -> QueueStats {
        QueueStats(
            name: depth.name, url: location, isFIFO: true, visible: depth.visible, inFlight: depth.inFlight, delayed: depth.delayed,
            oldestAgeSeconds: depth.oldestAge.map { Int($0.components.seconds) }, maxReceiveCount: maxReceiveCount)
    }
}

struct QueueStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Visible, in-flight and delayed messages and the oldest message's age, for the jobs queue and its DLQ.")

    @OptionGroup var options: OpsOptions

    struct Output: Encodable {
        var queue: QueueStats
        var deadLetterQueue: QueueStats?
    }

    func run() async throws {
        try await runOps {
            let embedded = try await EmbeddedQueue.run(options) { queue, location in
                let stats = try await queue.stats()
                let dlqLocation = location.replacingOccurrences(of: "#\(queue.name)", with: "#\(queue.deadLetterName)")
                try show(
                    Output(
                        queue: EmbeddedQueue.stats(stats.jobs, location: location, maxReceiveCount: stats.maxReceiveCount),
                        deadLetterQueue: EmbeddedQueue.stats(stats.deadLetters, location: dlqLocation, maxReceiveCount: nil)))
            }
            if embedded { return }
            let configuration = try makeAWSConfiguration(options)
            let sqs = SQSClient(configuration: configuration)
            let cloudWatch = CloudWatchClient(configuration: configuration)
            let targets = try await QueueTargets.resolve(sqs, needDeadLetter: false, options: options)
            let age: @Sendable (String) async -> Int? = { name in
                // CloudWatch's one-minute metric; unknown (nil) when it has no data or is not allowed.
                let value = try? await cloudWatch.latestValue(
                    namespace: "AWS/SQS", metric: "ApproximateAgeOfOldestMessage", dimensions: ["QueueName": name])
                return (value ?? nil).map { Int($0) }
            }
            let output = Output(
                queue: try await sqs.stats(url: targets.source, oldestAge: age),
                deadLetterQueue: try await targets.deadLetter.asyncMap { try await sqs.stats(url: $0, oldestAge: age) })
            try show(output)
        }
    }

    private func show(_ output: Output) throws {
        if options.json {
            try printJSON(output)
        } else {
            let rows = [output.queue, output.deadLetterQueue].compactMap { $0 }.map { stats in
                [
                    stats.name, String(stats.visible), String(stats.inFlight), String(stats.delayed),
                    stats.oldestAgeSeconds.map { "\($0)s" } ?? "-",
                ]
            }
            printTable(["QUEUE", "VISIBLE", "IN FLIGHT", "DELAYED", "OLDEST"], rows)
        }
    }
}

struct QueuePeekCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peek",
        abstract: "Show messages with their body and attributes without deleting them.",
        discussion: """
            SQS has no true peek: the messages are received and made visible again at once, which \
            raises their receive count. On the jobs queue that counts towards maxReceiveCount, so \
            peeking there can move a message to the dead-letter queue. The embedded Postgres queue \
            only reads its tables, so peeking there changes nothing.
            """)

    @OptionGroup var options: OpsOptions

    @Flag(help: "Look at the dead-letter queue instead of the jobs queue.")
    var dlq = false

    @Option(name: [.customShort("n"), .customLong("count")], help: "How many messages to show (1-100).")
    var count = 10

    func validate() throws {
        guard (1...100).contains(count) else { throw ValidationError("-n must be between 1 and 100.") }
    }

    struct Message: Encodable {
        var messageId: String
        var body: String
        var messageGroupId: String?
        var deduplicationId: String?
        var receiveCount: Int
        var sentAt: Date?
        var attributes: [String: String]
        var messageAttributes: [String: String]
    }

    func run() async throws {
        try await runOps {
            let embedded = try await EmbeddedQueue.run(options) { queue, _ in
                // A SELECT: nothing is received, so read-only mode may look at either queue.
                let messages = try await queue.peek(dlq ? .deadLetters : .jobs, limit: count).map(Self.message)
                try show(messages, queueName: dlq ? queue.deadLetterName : queue.name)
            }
            if embedded { return }
            if !dlq {
                // Receiving counts towards maxReceiveCount: peeking the jobs queue can dead-letter.
                try requireWritable(options, action: "peek at the jobs queue (it raises receive counts; use --dlq)")
            }
            let sqs = SQSClient(configuration: try makeAWSConfiguration(options))
            let targets = try await QueueTargets.resolve(sqs, needDeadLetter: dlq, options: options)
            let url = dlq ? targets.deadLetter! : targets.source
            let messages = try await sqs.peek(url: url, count: count).map { message in
                Message(
                    messageId: message.messageID, body: message.body, messageGroupId: message.messageGroupID,
                    deduplicationId: message.deduplicationID, receiveCount: message.receiveCount, sentAt: message.sentAt,
                    attributes: message.attributes,
                    messageAttributes: message.messageAttributes.mapValues { $0.StringValue ?? $0.BinaryValue ?? "" })
            }
            try show(messages, queueName: SQSQueueURL.name(of: url))
        }
    }

    /// A peeked message of the embedded queue, with SQS's names for its system attributes.
    static func message(_ message: QueuedMessage) -> Message {
        func milliseconds(_ date: Date?) -> String? { date.map { String(Int64($0.timeIntervalSince1970 * 1000)) } }
        var attributes: [String: String] = ["ApproximateReceiveCount": String(message.receiveCount)]
        attributes["MessageGroupId"] = message.groupID
        attributes["MessageDeduplicationId"] = message.deduplicationID
        attributes["SentTimestamp"] = milliseconds(message.sentAt)
        attributes["ApproximateFirstReceiveTimestamp"] = milliseconds(message.firstReceivedAt)
        attributes["DeadLetteredTimestamp"] = milliseconds(message.deadLetteredAt)
        return Message(
            messageId: message.messageID, body: message.body, messageGroupId: message.groupID, deduplicationId: message.deduplicationID,
            receiveCount: message.receiveCount, sentAt: message.sentAt, attributes: attributes, messageAttributes: message.attributes)
    }

    private func show(_ messages: [Message], queueName: String) throws {
        if options.json {
            try printJSON(messages)
            return
        }
        if messages.isEmpty {
            print("\(queueName): no messages.")
        }
        for message in messages {
            print(
                "message \(message.messageId)  group \(message.messageGroupId ?? "-")  dedup \(message.deduplicationId ?? "-")  received \(message.receiveCount)x"
            )
            for (name, value) in message.messageAttributes.sorted(by: { $0.key < $1.key }) { print("  \(name): \(value)") }
            print("  \(message.body)")
        }
    }
}

struct QueueRedriveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redrive",
        abstract: "Move the dead letters back to the jobs queue.",
        discussion: """
            Uses an SQS message move task where the service offers one; otherwise receives from \
            the DLQ, sends to the jobs queue with the same message group and deduplication ids, and \
            deletes from the DLQ only after the send succeeded, so nothing is lost or doubled if it \
            stops half-way. The embedded Postgres queue moves them in one transaction. With --id, \
            only the named messages move (SQS: by copying).
            """)

    @OptionGroup var options: OpsOptions

    @Option(help: "auto (move task when offered, else copy), move-task, or copy.")
    var method: RedriveMethod = .auto

    @Flag(name: .customLong("no-wait"), help: "Start the move task and return without waiting for it to finish.")
    var noWait = false

    @Option(name: .customLong("id"), help: "Move only this dead letter (its message id; repeatable).")
    var ids: [String] = []

    struct Output: Encodable {
        var from: String
        var to: String
        var result: RedriveResult
    }

    /// What the embedded queue and a selective redrive print: they have no move task.
    struct SelectedOutput: Encodable {
        struct Result: Encodable {
            /// `transaction` (embedded) or `copy` (SQS, selected ids).
            var method: String
            var moved: Int
            var failed: Int
            var notFound: Int
        }
        var from: String
        var to: String
        var result: Result
    }

    func run() async throws {
        try await runOps {
            try requireWritable(options, action: "redrive the dead-letter queue")
            let embedded = try await EmbeddedQueue.run(options) { queue, _ in
                if method == .moveTask {
                    throw OpsError(
                        summary: "Message move tasks are an SQS feature; the embedded queue has none.",
                        remedy: "Leave out --method: the embedded queue moves dead letters back in one transaction.")
                }
                let summary = try await queue.redriveDeadLetters(messageIDs: ids.isEmpty ? nil : ids)
                try report(summary, method: "transaction", from: queue.deadLetterName, to: queue.name)
            }
            if embedded { return }
            let sqs = SQSClient(configuration: try makeAWSConfiguration(options))
            let targets = try await QueueTargets.resolve(sqs, needDeadLetter: true, options: options)
            if !ids.isEmpty {
                let queue = SQSJobQueue(sqs: sqs, queueURL: targets.source, deadLetterURL: targets.deadLetter!)
                let summary = try await queue.redriveDeadLetters(messageIDs: ids)
                try report(summary, method: "copy", from: queue.deadLetterName, to: queue.name)
                return
            }
            let result = try await sqs.redrive(
                deadLetterURL: targets.deadLetter!, sourceURL: targets.source, method: method, waitForTask: !noWait)
            let output = Output(from: SQSQueueURL.name(of: targets.deadLetter!), to: SQSQueueURL.name(of: targets.source), result: result)
            if options.json {
                try printJSON(output)
            } else {
                let how = result.method == .moveTask ? "message move task \(result.taskHandle ?? "") (\(result.taskStatus ?? "?"))" : "copy"
                print("Moved \(result.moved) messages from \(output.from) to \(output.to) by \(how).")
                if result.failed > 0 {
                    print("\(result.failed) messages were refused by \(output.to) and stay in \(output.from).")
                }
                if result.skipped > 0 {
                    print("\(result.skipped) messages came from other queues and stay in \(output.from).")
                }
            }
            if result.failed > 0 { throw ExitCode(1) }
        }
    }

    private func report(_ summary: RedriveSummary, method: String, from: String, to: String) throws {
        let output = SelectedOutput(
            from: from, to: to, result: .init(method: method, moved: summary.moved, failed: summary.failed, notFound: summary.notFound))
        if options.json {
            try printJSON(output)
        } else {
            let how = method == "transaction" ? "in one transaction" : "by copy"
            print("Moved \(summary.moved) messages from \(from) to \(to) \(how).")
            if summary.failed > 0 { print("\(summary.failed) messages were refused by \(to) and stay in \(from).") }
            if summary.notFound > 0 { print("\(summary.notFound) of the requested ids are not in \(from).") }
        }
        if summary.failed > 0 { throw ExitCode(1) }
    }
}

extension RedriveMethod: ExpressibleByArgument {}

struct QueuePurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete every message in the dead-letter queue (or, without --dlq, the jobs queue).")

    @OptionGroup var options: OpsOptions

    @Flag(help: "Purge the dead-letter queue.")
    var dlq = false

    @Flag(help: "Confirm: purging cannot be undone.")
    var yes = false

    struct Output: Encodable {
        var purged: String
        /// How many messages were deleted (the embedded queue says; SQS does not).
        var messages: Int?
    }

    func run() async throws {
        try await runOps {
            try requireWritable(options, action: "purge a queue")
            let embedded = try await EmbeddedQueue.run(options) { queue, _ in
                let name = dlq ? queue.deadLetterName : queue.name
                try confirm(name)
                let count = try await queue.purge(dlq ? .deadLetters : .jobs)
                if options.json {
                    try printJSON(Output(purged: name, messages: count))
                } else {
                    print("Purged \(name): \(count ?? 0) message\(count == 1 ? "" : "s") deleted.")
                }
            }
            if embedded { return }
            let sqs = SQSClient(configuration: try makeAWSConfiguration(options))
            let targets = try await QueueTargets.resolve(sqs, needDeadLetter: dlq, options: options)
            let url = dlq ? targets.deadLetter! : targets.source
            let name = SQSQueueURL.name(of: url)
            try confirm(name)
            try await sqs.purgeQueue(url: url)
            if options.json {
                try printJSON(Output(purged: name))
            } else {
                print("Purged \(name) (SQS may take up to 60 s to finish).")
            }
        }
    }

    private func confirm(_ name: String) throws {
        guard yes else {
            throw OpsError.refused(
                "Refusing to purge \(name) without --yes.",
                remedy: "Add --yes to delete every message in \(name); this cannot be undone.")
        }
    }
}

struct QueueAlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "The subscriptions of the dead-letter alert topic (SNS_TOPIC_ARN): who hears when emu dead-letters messages.")

    @OptionGroup var options: OpsOptions

    struct Output: Encodable {
        var topic: String
        var subscriptions: [SNSSubscription]
    }

    func run() async throws {
        try await runOps {
            guard let topic = try options.value("SNS_TOPIC_ARN") else {
                throw OpsError(
                    summary: "SNS_TOPIC_ARN is not set: the workers send no dead-letter alerts.",
                    remedy: "Set SNS_TOPIC_ARN (or sns.topic_arn in refarch.toml) to the alert topic's ARN, "
                        + "e.g. arn:aws:sns:us-east-1:123456789012:refarch-dead-letters.")
            }
            let sns = SNSClient(configuration: try makeAWSConfiguration(options))
            let subscriptions = try await sns.listSubscriptions(topicARN: topic)
            if options.json {
                try printJSON(Output(topic: topic, subscriptions: subscriptions))
            } else if subscriptions.isEmpty {
                print("\(topic) has no subscriptions: alerts are published but nobody receives them.")
            } else {
                printTable(
                    ["PROTOCOL", "ENDPOINT", "SUBSCRIPTION"], subscriptions.map { [$0.protocolName, $0.endpoint, $0.subscriptionARN] })
            }
        }
    }
}

extension Optional {
    /// `map` for an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
