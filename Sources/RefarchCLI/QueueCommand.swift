import AWS
import ArgumentParser
import Foundation

/// `refarch-tui queue …`: the jobs queue and its dead-letter queue, for scripts and operators.
///
/// The jobs queue is `SQS_QUEUE_URL`; its DLQ comes from the queue's redrive policy unless
/// `SQS_DLQ_URL` names it.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Inspect and operate the jobs queue and its dead-letter queue.",
        discussion: """
            The jobs queue is SQS_QUEUE_URL; its dead-letter queue is found from the queue's \
            RedrivePolicy (SQS_DLQ_URL overrides). Exit status: 0 ok, 1 failed, 3 refused \
            (read-only mode or a missing --yes), 64 bad usage.
            """,
        subcommands: [QueueStatsCommand.self, QueuePeekCommand.self, QueueRedriveCommand.self, QueuePurgeCommand.self]
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
}

struct QueuePeekCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peek",
        abstract: "Show messages with their body and attributes without deleting them.",
        discussion: """
            SQS has no true peek: the messages are received and made visible again at once, which \
            raises their receive count. On the jobs queue that counts towards maxReceiveCount, so \
            peeking there can move a message to the dead-letter queue.
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
            if options.json {
                try printJSON(messages)
                return
            }
            if messages.isEmpty {
                print("\(SQSQueueURL.name(of: url)): no messages.")
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
}

struct QueueRedriveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redrive",
        abstract: "Move the dead letters back to the jobs queue.",
        discussion: """
            Uses an SQS message move task where the service offers one; otherwise receives from \
            the DLQ, sends to the jobs queue with the same message group and deduplication ids, and \
            deletes from the DLQ only after the send succeeded, so nothing is lost or doubled if it \
            stops half-way.
            """)

    @OptionGroup var options: OpsOptions

    @Option(help: "auto (move task when offered, else copy), move-task, or copy.")
    var method: RedriveMethod = .auto

    @Flag(name: .customLong("no-wait"), help: "Start the move task and return without waiting for it to finish.")
    var noWait = false

    struct Output: Encodable {
        var from: String
        var to: String
        var result: RedriveResult
    }

    func run() async throws {
        try await runOps {
            try requireWritable(options, action: "redrive the dead-letter queue")
            let sqs = SQSClient(configuration: try makeAWSConfiguration(options))
            let targets = try await QueueTargets.resolve(sqs, needDeadLetter: true, options: options)
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
    }

    func run() async throws {
        try await runOps {
            try requireWritable(options, action: "purge a queue")
            let sqs = SQSClient(configuration: try makeAWSConfiguration(options))
            let targets = try await QueueTargets.resolve(sqs, needDeadLetter: dlq, options: options)
            let url = dlq ? targets.deadLetter! : targets.source
            let name = SQSQueueURL.name(of: url)
            guard yes else {
                throw OpsError.refused(
                    "Refusing to purge \(name) without --yes.",
                    remedy: "Add --yes to delete every message in \(name); this cannot be undone.")
            }
            try await sqs.purgeQueue(url: url)
            if options.json {
                try printJSON(Output(purged: name))
            } else {
                print("Purged \(name) (SQS may take up to 60 s to finish).")
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
