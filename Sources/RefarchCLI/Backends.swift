import AWS
import Catalog
import Configuration
import Embeddings
import Foundation
import Logging
import Postgres
import PostgresCatalog
import Queues
import Sync
import Synchronization
import UserFacing

/// The job queue the configuration selects: SQS when `sqs.queue_url` is set, else the
/// embedded Postgres queue. `close` releases its connections.
struct OpenedJobQueue: Sendable {
    let queue: any JobQueue
    let location: String
    /// Where each queue is, for `queue stats`: the SQS URLs, or `postgres://host:port/db#jobs`
    /// (never a password or user).
    let addresses: [QueueRole: String]
    /// True when peeking receives the messages (SQS has no real peek), which raises their
    /// receive count: peeking the jobs queue can then dead-letter, so read-only mode refuses it.
    let peekRaisesReceiveCounts: Bool
    let close: @Sendable () async -> Void
}

/// How a CLI command wants the queue opened (the console takes the defaults).
struct JobQueueOptions {
    /// Wait for CloudWatch's first oldest-message age instead of answering without it.
    var waitForOldestAges = false
    /// How `queue redrive` moves every dead letter (a move task is SQS's alone).
    var redriveMethod: RedriveMethod = .auto
    var waitForMoveTask = true
}

func makeJobQueue(context: CommandContext, options: JobQueueOptions = JobQueueOptions()) async throws -> OpenedJobQueue {
    if let url = context.settings.string("sqs.queue_url") {
        let sqs = SQSClient(configuration: try makeAWSConfiguration(settings: context.settings))
        var queue = try await SQSJobQueue.open(sqs: sqs, queueURL: url, deadLetterURL: context.settings.string("sqs.dlq_url"))
        queue.waitsForOldestAges = options.waitForOldestAges
        queue.redriveMethod = options.redriveMethod
        queue.waitsForMoveTask = options.waitForMoveTask
        return OpenedJobQueue(
            queue: queue, location: "SQS \(queue.name)", addresses: [.jobs: queue.queueURL, .deadLetters: queue.deadLetterURL],
            peekRaisesReceiveCounts: true, close: {})
    }
    if options.redriveMethod == .moveTask {
        throw UserError(
            summary: "Message move tasks are an SQS feature; the embedded queue has none.",
            remedy: "Leave out --method: the embedded queue moves dead letters back in one transaction.")
    }
    let pool = context.makePool(maxConnections: 4)
    do {
        try await pool.withConnection { try await SchemaMigrator.requireCurrent($0) }
    } catch {
        await pool.close()
        throw error
    }
    let queue = PostgresJobQueue(pool: pool, logger: Logger(label: "refarch.queue.postgres"))
    // host:port/database, never the password (and not the user either, to keep it a URL).
    let server = pool.configuration.redactedDescription.components(separatedBy: " as ").first ?? ""
    return OpenedJobQueue(
        queue: queue, location: "Postgres queue \(queue.name)",
        addresses: [.jobs: "postgres://\(server)#\(queue.name)", .deadLetters: "postgres://\(server)#\(queue.deadLetterName)"],
        peekRaisesReceiveCounts: false,
        close: {
            await queue.close(); await pool.close()
        })
}

/// Dead-letter alerts to the SNS topic `sns.topic_arn` (`SNS_TOPIC_ARN`), if one is set.
func makeDeadLetterAlerter(context: CommandContext, logger: Logger) throws -> DeadLetterAlerter? {
    guard let topic = context.settings.string("sns.topic_arn") else { return nil }
    let sns = SNSClient(configuration: try makeAWSConfiguration(settings: context.settings))
    return DeadLetterAlerter(publisher: SNSAlertPublisher(sns: sns, topicARN: topic), logger: logger)
}

/// Publishes alerts to one SNS topic.
struct SNSAlertPublisher: AlertPublisher {
    let sns: SNSClient
    let topicARN: String

    func publish(subject: String, message: String) async throws {
        _ = try await sns.publish(topicARN: topicARN, message: message, subject: subject)
    }
}

/// The native MiniLM embedder from `model.dir` (flag `--model-dir`, `REFARCH_MODEL_DIR`).
func makeEmbedder(context: CommandContext) throws -> MiniLMEmbedder {
    let folder = context.settings.string("model.dir") ?? MiniLMModel.defaultRelativeFolder
    return try MiniLMEmbedder(modelFolder: URL(fileURLWithPath: folder))
}
