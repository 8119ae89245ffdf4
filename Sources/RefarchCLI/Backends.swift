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

/// The job queue the configuration selects: SQS when `sqs.queue_url` is set, else the
/// embedded Postgres queue. `close` releases its connections.
struct OpenedJobQueue: Sendable {
    let queue: any JobQueue
    let location: String
    let close: @Sendable () async -> Void
}

func makeJobQueue(context: CommandContext) async throws -> OpenedJobQueue {
    if let url = context.settings.string("sqs.queue_url") {
        let sqs = SQSClient(configuration: try makeAWSConfiguration(settings: context.settings))
        let queue = try await SQSJobQueue.open(sqs: sqs, queueURL: url, deadLetterURL: context.settings.string("sqs.dlq_url"))
        return OpenedJobQueue(queue: queue, location: "SQS \(queue.name)", close: {})
    }
    let pool = context.makePool(maxConnections: 4)
    try await pool.withConnection { try await SchemaMigrator.requireCurrent($0) }
    let queue = PostgresJobQueue(pool: pool, logger: Logger(label: "refarch.queue.postgres"))
    return OpenedJobQueue(
        queue: queue, location: "Postgres queue \(queue.name)",
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
