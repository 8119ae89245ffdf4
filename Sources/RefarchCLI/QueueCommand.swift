import AWS
import ArgumentParser
import Catalog
import Foundation
import Operations
import Postgres
import PostgresCatalog
import Queues
import UserFacing

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

/// Opens the configured queue for one command, runs `body` on it and closes it: SQS when
/// `SQS_QUEUE_URL` is set, else the embedded Postgres queue of the configured database.
/// The commands then act through `JobQueue` alone, the same way on either backend.
func withJobQueue(
    _ options: OpsOptions, _ queueOptions: JobQueueOptions = JobQueueOptions(), _ body: (OpenedJobQueue) async throws -> Void
) async throws {
    let context = try CommandContext(options.global)
    let settings = context.settings
    let databaseConfigured =
        settings.string("database.url") != nil || settings.string("postgres.host") != nil || settings.string("postgres.name") != nil
    guard settings.string("sqs.queue_url") != nil || databaseConfigured else {
        throw UserError(
            summary: "SQS_QUEUE_URL is not set, and no database is configured for the embedded queue.",
            remedy: "Set SQS_QUEUE_URL to the jobs queue's URL (e.g. https://sqs.us-east-1.amazonaws.com/123456789012/jobs.fifo), "
                + "or DATABASE_URL (or POSTGRES_DB_*) to use the embedded Postgres queue.")
    }
    let opened = try await makeJobQueue(context: context, options: queueOptions)
    let result = await Result { try await body(opened) }
    await opened.close()
    try result.get()
}

/// A queue's depth in the shape `queue stats --json` prints.
func queueStatsOutput(_ depth: QueueDepth, address: String, isFIFO: Bool, maxReceiveCount: Int?) -> QueueStats {
    QueueStats(
        name: depth.name, url: address, isFIFO: isFIFO, visible: depth.visible, inFlight: depth.inFlight, delayed: depth.delayed,
        oldestAgeSeconds: depth.oldestAge.map { Int($0.components.seconds) }, maxReceiveCount: maxReceiveCount)
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
        try await reportingErrors {
            try await withJobQueue(options, JobQueueOptions(waitForOldestAges: true)) { opened in
                let stats = try await opened.queue.stats()
                let isFIFO = stats.isFIFO ?? true
                try show(
                    Output(
                        queue: queueStatsOutput(
                            stats.jobs, address: opened.addresses[.jobs] ?? "", isFIFO: isFIFO, maxReceiveCount: stats.maxReceiveCount),
                        deadLetterQueue: queueStatsOutput(
                            stats.deadLetters, address: opened.addresses[.deadLetters] ?? "", isFIFO: isFIFO, maxReceiveCount: nil)))
            }
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
        try await reportingErrors {
            try await withJobQueue(options) { opened in
                if !dlq, opened.peekRaisesReceiveCounts {
                    // Receiving counts towards maxReceiveCount: peeking the jobs queue can dead-letter.
                    try requireWritable(options, action: "peek at the jobs queue (it raises receive counts; use --dlq)")
                }
                let queue = opened.queue
                let messages = try await queue.peek(dlq ? .deadLetters : .jobs, limit: count).map(Self.message)
                try show(messages, queueName: dlq ? queue.deadLetterName : queue.name)
            }
        }
    }

    /// A peeked message with SQS's names for its system attributes (on either backend).
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
        struct Result: Encodable {
            /// `transaction` (embedded), `copy` or `move-task` (SQS).
            var method: String
            var moved: Int
            var failed: Int
            var notFound: Int
            /// Dead letters of other source queues, left in the DLQ (SQS copy).
            var skipped: Int
            var taskHandle: String?
            var taskStatus: String?
        }
        var from: String
        var to: String
        var result: Result
    }

    func run() async throws {
        try await reportingErrors {
            try requireWritable(options, action: "redrive the dead-letter queue")
            try await withJobQueue(options, JobQueueOptions(redriveMethod: method, waitForMoveTask: !noWait)) { opened in
                let queue = opened.queue
                let summary = try await queue.redriveDeadLetters(messageIDs: ids.isEmpty ? nil : ids)
                try report(summary, from: queue.deadLetterName, to: queue.name)
            }
        }
    }

    private func report(_ summary: RedriveSummary, from: String, to: String) throws {
        let method = summary.method ?? "copy"
        let output = Output(
            from: from, to: to,
            result: .init(
                method: method, moved: summary.moved, failed: summary.failed, notFound: summary.notFound, skipped: summary.skipped,
                taskHandle: summary.taskHandle,
                taskStatus: summary.taskStatus))
        if options.json {
            try printJSON(output)
        } else {
            let how =
                switch method {
                case "transaction": "in one transaction"
                case RedriveMethod.moveTask.rawValue: "by message move task \(summary.taskHandle ?? "") (\(summary.taskStatus ?? "?"))"
                default: "by copy"
                }
            print("Moved \(summary.moved) messages from \(from) to \(to) \(how).")
            if summary.failed > 0 { print("\(summary.failed) messages were refused by \(to) and stay in \(from).") }
            if summary.notFound > 0 { print("\(summary.notFound) of the requested ids are not in \(from).") }
            if summary.skipped > 0 { print("\(summary.skipped) messages came from other queues and stay in \(from).") }
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
        try await reportingErrors {
            try requireWritable(options, action: "purge a queue")
            try await withJobQueue(options) { opened in
                let queue = opened.queue
                let name = dlq ? queue.deadLetterName : queue.name
                try confirm(name)
                let count = try await queue.purge(dlq ? .deadLetters : .jobs)
                if options.json {
                    try printJSON(Output(purged: name, messages: count))
                } else if let count {
                    print("Purged \(name): \(count) message\(count == 1 ? "" : "s") deleted.")
                } else {
                    // SQS purges asynchronously and does not say how many.
                    print("Purged \(name) (SQS may take up to 60 s to finish).")
                }
            }
        }
    }

    private func confirm(_ name: String) throws {
        guard yes else {
            throw UserError.refused(
                "Refusing to purge \(name) without --yes.",
                remedy: "Add --yes to delete every message in \(name); this cannot be undone.")
        }
    }
}

/// `queue alerts`: the subscriptions part of `alerts list`, kept for its JSON shape; both
/// read through the one ``AlertOperations`` seam.
struct QueueAlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "The subscriptions of the dead-letter alert topic (SNS_TOPIC_ARN): who hears when emu dead-letters messages.",
        discussion: "`refarch-tui alerts list` shows the same with the queue alarms; `alerts subscribe|unsubscribe` change it.")

    @OptionGroup var options: OpsOptions

    struct Output: Encodable {
        var topic: String
        var subscriptions: [AlertSubscription]
    }

    func run() async throws {
        try await runAlerts(options) { alerts in
            let overview = try await alerts.alertOverview()
            guard let topic = overview.topicARN else {
                throw UserError(
                    summary: "SNS_TOPIC_ARN is not set: the workers send no dead-letter alerts.",
                    remedy: "Set SNS_TOPIC_ARN (or sns.topic_arn in refarch.toml) to the alert topic's ARN, "
                        + "e.g. arn:aws:sns:us-east-1:123456789012:refarch-dead-letters.")
            }
            if let error = overview.subscriptionsError { throw UserError(summary: error) }
            let subscriptions = overview.subscriptions
            if options.json {
                try printJSON(Output(topic: topic, subscriptions: subscriptions))
            } else if subscriptions.isEmpty {
                print("\(topic) has no subscriptions: alerts are published but nobody receives them.")
            } else {
                printTable(
                    ["PROTOCOL", "ENDPOINT", "SUBSCRIPTION"],
                    subscriptions.map { [$0.protocolName, $0.endpoint, $0.subscriptionARN ?? "PendingConfirmation"] })
            }
        }
    }
}
