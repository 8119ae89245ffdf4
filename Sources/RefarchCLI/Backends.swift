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

/// Runs `body` until it returns or a stop signal arrives: SIGTERM, SIGINT, or SIGHUP (the
/// terminal that started it closed, as when the window of `make demo` is closed). A signal
/// cancels `body`, so loops finish the batch in hand, remove their heartbeat rows and return.
/// A second SIGINT (ctrl-c pressed again) exits at once; a later SIGTERM or SIGHUP does not,
/// since a script that stops its children sends SIGTERM to a worker the hang-up already
/// reached, and that must not cut the clean stop short. Call it before any start-up work
/// (model loading, connecting): a signal that arrives during start-up then cancels start-up
/// instead of killing the process, and the exit is still clean.
func runUntilSignalled(_ body: @escaping @Sendable () async throws -> Void) async throws {
    let stopSignals = [SIGTERM, SIGINT, SIGHUP]
    for number in stopSignals { signal(number, SIG_IGN) }
    let task = Task { try await body() }
    let received = SignalCount()
    let sources = stopSignals.map { number -> any DispatchSourceSignal in
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler {
            if received.increment() > 1 {
                if number == SIGINT { exit(130) }
                return
            }
            task.cancel()
        }
        source.resume()
        return source
    }
    defer { sources.forEach { $0.cancel() } }
    do {
        try await task.value
    } catch  where received.value > 0 {
        // Stopped on request while starting up or shutting down: not a failure.
        return
    }
}

/// How many stop signals arrived (a second SIGINT exits at once).
final class SignalCount: Sendable {
    private let count = Mutex(0)
    func increment() -> Int {
        count.withLock {
            $0 += 1; return $0
        }
    }
    var value: Int { count.withLock { $0 } }
}
