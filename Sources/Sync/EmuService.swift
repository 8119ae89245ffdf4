import Catalog
import Foundation
import Logging
import Telemetry

/// `worker emu`: takes jobs off the queue, embeds the products and writes the index.
///
/// Each receiver takes whatever is there now (up to the batch size): when the queue is
/// nearly idle a single change is embedded at once, never held back to fill a batch; under
/// load several receivers keep batches full. A batch is coalesced per product (the highest
/// seq wins), every upsert's text is split into windows that keep the name in front, all
/// windows of the batch are embedded together, vectors `<id>#<chunk>` are upserted, chunks
/// a product no longer has and all chunks of deleted products are removed — and only then
/// are the messages deleted from the queue. Messages that can never succeed go straight to
/// the dead-letter queue with the reason; transient failures are retried with backoff and
/// then handed back to the queue, visible again after a delay that doubles with each receive
/// (so a brief index outage costs seconds, not the visibility timeout, and a long one still
/// reaches the dead-letter queue after `maxReceiveCount` tries). Visibility is extended while
/// a batch works.
public final class EmuService: Sendable {
    public struct Options: Sendable {
        public var batchSize: Int
        public var receivers: Int
        public var wait: Duration
        public var visibilityTimeout: Duration
        public var maxChunks: Int
        public var attempts: Int
        public var backoff: Duration
        /// How long a failed batch stays hidden after its first receive; doubled for every
        /// receive after that, up to `visibilityTimeout`.
        public var redeliveryDelay: Duration

        public init(
            batchSize: Int = 64, receivers: Int = 2, wait: Duration = .seconds(20),
            visibilityTimeout: Duration = .seconds(60), maxChunks: Int = 32, attempts: Int = 3,
            backoff: Duration = .milliseconds(200), redeliveryDelay: Duration = .seconds(5)
        ) {
            self.batchSize = batchSize
            self.receivers = receivers
            self.wait = wait
            self.visibilityTimeout = visibilityTimeout
            self.maxChunks = maxChunks
            self.attempts = attempts
            self.backoff = backoff
            self.redeliveryDelay = redeliveryDelay
        }
    }

    let queue: any JobQueue
    let index: any VectorIndex
    let embedder: any ChunkingEmbedder
    let template: EmbeddingTemplate
    let options: Options
    let counters: WorkerCounters
    let metrics: MetricsRegistry
    let logger: Logger
    /// Told of every dead-lettered batch (SNS alerts in AWS mode).
    let alerter: DeadLetterAlerter?

    public init(
        queue: any JobQueue, index: any VectorIndex, embedder: any ChunkingEmbedder, template: EmbeddingTemplate = .standard,
        options: Options = Options(), counters: WorkerCounters, metrics: MetricsRegistry, alerter: DeadLetterAlerter? = nil,
        logger: Logger
    ) {
        self.queue = queue
        self.index = index
        self.embedder = embedder
        self.template = template
        self.options = options
        self.counters = counters
        self.metrics = metrics
        self.alerter = alerter
        self.logger = logger
    }

    /// Runs the receivers until the task is cancelled; a batch in hand is finished first.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, options.receivers) {
                group.addTask { await self.receiveLoop() }
            }
        }
        // Stopping: an alert gathered within the last minute is sent now rather than never.
        await alerter?.finish()
    }

    func receiveLoop() async {
        var backoff = options.backoff
        while !Task.isCancelled {
            do {
                let jobs = try await queue.receive(
                    maxMessages: min(options.batchSize, queue.maxMessagesPerReceive),
                    wait: options.wait, visibilityTimeout: options.visibilityTimeout)
                counters.recordAlive()
                if jobs.isEmpty { continue }
                // Finish the batch even if shutdown starts meanwhile: acking is what makes it count.
                try await Task { try await self.process(jobs) }.value
                backoff = options.backoff
            } catch is CancellationError {
                return
            } catch {
                counters.recordError()
                metrics.increment(RefarchMetric.errors, labels: [("worker", "emu"), ("kind", "queue")])
                logger.warning("Receive failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(10))
            }
        }
    }

    /// Handles one received batch (public for tests and for `run-local`).
    public func process(_ jobs: [ReceivedJob]) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        metrics.increment(RefarchMetric.messages, by: jobs.count, labels: [("worker", "emu"), ("direction", "in")])
        metrics.observe(RefarchMetric.batchSize, Double(jobs.count), labels: [("worker", "emu")])
        // Decode; what can never succeed goes to the DLQ with its reason.
        var latest: [ProductID: (message: QueueMessage, order: Int)] = [:]
        var handles: [String] = []
        var deadLettered: [String] = []
        for (position, job) in jobs.enumerated() {
            do {
                let message = try QueueMessageCodec.decode(job.body)
                handles.append(job.receiptHandle)
                if let seen = latest[message.productID], (seen.message.seq ?? Int64.min, seen.order) > (message.seq ?? Int64.min, position)
                {
                    continue
                }
                latest[message.productID] = (message, position)
            } catch {
                logger.error("Poison message dead-lettered", metadata: ["message_id": "\(job.messageID)", "reason": "\(error.reason)"])
                metrics.increment(RefarchMetric.errors, labels: [("worker", "emu"), ("kind", "poison")])
                counters.recordError()
                do { try await queue.moveToDeadLetters(job, reason: error.reason) } catch {
                    await alerter?.deadLettered(queue: queue.deadLetterName, reasons: deadLettered)
                    throw error
                }
                deadLettered.append(error.reason)
            }
        }
        if !deadLettered.isEmpty { await alerter?.deadLettered(queue: queue.deadLetterName, reasons: deadLettered) }
        guard !latest.isEmpty else { return }

        let extender = Task { [queue, options, handles] in
            while !Task.isCancelled {
                try await Task.sleep(for: options.visibilityTimeout / 2)
                _ = try await queue.changeVisibility(receiptHandles: handles, timeout: options.visibilityTimeout)
            }
        }
        defer { extender.cancel() }

        let changes = latest.values.map(\.message).sorted { $0.productID < $1.productID }
        do {
            try await withRetries { try await self.apply(changes) }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            extender.cancel()
            _ = await extender.result
            let receives = jobs.map(\.receiveCount).max() ?? 1
            let delay = Self.redeliveryDelay(afterReceive: receives, options: options)
            do {
                _ = try await queue.changeVisibility(receiptHandles: handles, timeout: delay)
            } catch {
                logger.warning(
                    "Could not hand a failed batch back; it returns after its visibility timeout", metadata: ["error": "\(error)"])
            }
            throw error
        }
        let stale = try await queue.delete(receiptHandles: handles)
        if !stale.isEmpty {
            logger.warning("Some messages were redelivered before they were deleted", metadata: ["count": .stringConvertible(stale.count)])
        }
        counters.recordProcessed(handles.count)
        let elapsed = clock.now - start
        logger.info(
            "Batch indexed",
            metadata: [
                "messages": .stringConvertible(jobs.count), "products": .stringConvertible(changes.count),
                "elapsed_ms": .stringConvertible(
                    elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
            ])
    }

    /// Embeds and writes one coalesced batch; idempotent, so retrying it is safe.
    func apply(_ changes: [QueueMessage]) async throws {
        var upserts: [(message: QueueMessage, row: ProductRow)] = []
        var deletes: [ProductID] = []
        for message in changes {
            switch message.change {
            case .upsert(let row): upserts.append((message, row))
            case .delete: deletes.append(message.productID)
            }
        }
        if !upserts.isEmpty {
            let documents = upserts.map { document(for: $0.row) }
            let clock = ContinuousClock()
            let start = clock.now
            let vectors = try await embedder.embedDocuments(documents, maxChunks: options.maxChunks)
            metrics.observe(RefarchMetric.embedSeconds, (clock.now - start).seconds)
            var records: [VectorRecord] = []
            for ((message, row), chunks) in zip(upserts, vectors) {
                for (chunk, values) in chunks.enumerated() {
                    records.append(
                        VectorRecord(
                            id: "\(message.productID.rawValue)#\(chunk)", values: values,
                            metadata: metadata(for: message, row: row, chunk: chunk)))
                }
            }
            let writeStart = clock.now
            try await index.upsert(records)
            metrics.observe(RefarchMetric.upsertSeconds, (clock.now - writeStart).seconds)
            // Chunks a product had before and no longer has: one listing for the batch, one delete.
            let prefixes = upserts.map { "\($0.message.productID.rawValue)#" }
            let existing = try await index.listIDs(prefixes: prefixes)
            var extra: [String] = []
            for (prefix, chunks) in zip(prefixes, vectors) {
                let keep = Set((0..<chunks.count).map { prefix + String($0) })
                extra += (existing[prefix] ?? []).filter { !keep.contains($0) }
            }
            if !extra.isEmpty { try await index.delete(ids: extra) }
        }
        for id in deletes {
            try await index.delete(idPrefix: "\(id.rawValue)#")
        }
    }

    /// The text to embed: the template's fixed part with the name stays in front of every window.
    func document(for row: ProductRow) -> EmbeddingDocument {
        let name = row.name ?? "", description = row.description ?? "", sku = row.sku ?? ""
        if template.text.hasSuffix("{description}") {
            return EmbeddingDocument(prefix: template.render(name: name, description: "", sku: sku), body: description)
        }
        return EmbeddingDocument(prefix: "", body: template.render(name: name, description: description, sku: sku))
    }

    func metadata(for message: QueueMessage, row: ProductRow, chunk: Int) -> Metadata {
        var metadata: Metadata = [
            "id": .number(Double(message.productID.rawValue)),
            "chunk": .number(Double(chunk)),
            "template": .string(template.fingerprint),
        ]
        if let name = row.name { metadata["name"] = .string(name) }
        if let sku = row.sku { metadata["sku"] = .string(sku) }
        if let price = row.price { metadata["price"] = .number(price.doubleValue) }
        if let date = row.lastUpdated { metadata["last_updated"] = .string(date.description) }
        if let seq = message.seq { metadata["seq"] = .number(Double(seq)) }
        return metadata
    }

    /// How long a batch that failed on its `receive`-th receive stays hidden: the first delay,
    /// doubled per receive since, at most the visibility timeout.
    static func redeliveryDelay(afterReceive receive: Int, options: Options) -> Duration {
        let doublings = min(max(receive, 1) - 1, 16)
        return min(options.redeliveryDelay * (1 << doublings), options.visibilityTimeout)
    }

    /// Retries transient failures (index or embedder) with exponential backoff.
    func withRetries(_ body: () async throws -> Void) async throws {
        var delay = options.backoff
        for attempt in 1...max(1, options.attempts) {
            do {
                try await body()
                return
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                counters.recordError()
                metrics.increment(RefarchMetric.errors, labels: [("worker", "emu"), ("kind", "index")])
                guard attempt < options.attempts else { throw error }
                logger.warning("Batch failed; retrying", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                try await Task.sleep(for: delay * Double.random(in: 0.5...1.0))
                delay = min(delay * 2, .seconds(10))
            }
        }
    }
}
