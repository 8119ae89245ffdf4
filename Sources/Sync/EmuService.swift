import Catalog
import Foundation
import Logging
import Synchronization
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
/// a batch works. While the sync is paused (``SyncControl``) it does not receive.
///
/// Throttling is back-pressure, not failure: the index and queue clients pace their requests
/// with an AIMD limiter, and a throttled call that still fails after their retries is sent
/// again here, at the limiter's slower pace, for as long as it takes (or until emu is told to
/// stop). The batch stays in hand (its visibility extended), so throttling never counts a
/// receive towards the DLQ.
///
/// Batches are bounded by work, not only by count: a received batch is cut into sub-batches
/// of at most ``Options/maxWordPieces`` word pieces (short texts first), each embedded,
/// written and acknowledged on its own, so one very long text neither holds the others back
/// nor makes a request larger than the index takes (the index splits writes by its limits).
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
        /// The most word pieces one sub-batch embeds (a text alone may exceed it: it then
        /// goes alone). 8,192 is 32 full MiniLM windows, the most one text can have.
        public var maxWordPieces: Int

        public init(
            batchSize: Int = 64, receivers: Int = 2, wait: Duration = .seconds(20),
            visibilityTimeout: Duration = .seconds(60), maxChunks: Int = 32, attempts: Int = 3,
            backoff: Duration = .milliseconds(200), redeliveryDelay: Duration = .seconds(5), maxWordPieces: Int = 8_192
        ) {
            self.maxWordPieces = max(1, maxWordPieces)
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
    /// The catalog's pause switch (`sync pause`); nil: never paused (tests, tools).
    let syncControl: SyncControl?
    private let paused = PauseFlag()
    /// Set when ``run()`` is cancelled: a throttled call then stops waiting for its turn, so
    /// a shutdown under endless throttling hands the batch back instead of hanging.
    private let stopping = PauseFlag()

    public init(
        queue: any JobQueue, index: any VectorIndex, embedder: any ChunkingEmbedder, template: EmbeddingTemplate = .standard,
        options: Options = Options(), counters: WorkerCounters, metrics: MetricsRegistry, alerter: DeadLetterAlerter? = nil,
        syncControl: SyncControl? = nil, logger: Logger
    ) {
        self.queue = queue
        self.index = index
        self.embedder = embedder
        self.template = template
        self.options = options
        self.counters = counters
        self.metrics = metrics
        self.alerter = alerter
        self.syncControl = syncControl
        self.logger = logger
        // The rate limits and throttled requests of the clients that have them, in /metrics.
        for client in [index as? any RateLimitedClient, queue as? any RateLimitedClient].compactMap({ $0 }) {
            let labels = [("worker", "emu"), ("service", client.rateLimitedService)]
            metrics.set(RefarchMetric.rateLimit, client.rateLimiter.rate, labels: labels)
            metrics.increment(RefarchMetric.throttled, by: 0, labels: labels)
            client.rateLimiter.observe { change in
                metrics.set(RefarchMetric.rateLimit, change.rate, labels: labels)
                if change.throttled { metrics.increment(RefarchMetric.throttled, labels: labels) }
            }
        }
    }

    /// True when emu last found the sync paused.
    public var isPaused: Bool { paused.value }

    /// Reads the pause switch; keeps the last answer when Postgres cannot be asked.
    func checkPaused() async -> Bool {
        guard let syncControl else { return false }
        do {
            let now = try await syncControl.isPaused()
            if now != paused.value { logger.info(now ? "Sync paused; not receiving" : "Sync resumed") }
            paused.value = now
            metrics.set(RefarchMetric.syncPaused, now ? 1 : 0, labels: [("worker", "emu")])
        } catch {
            logger.warning("Could not read the sync pause state; keeping the last one", metadata: ["error": "\(error)"])
        }
        return paused.value
    }

    /// Runs the receivers until the task is cancelled; a batch in hand is finished first.
    public func run() async {
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<max(1, options.receivers) {
                    group.addTask { await self.receiveLoop() }
                }
            }
        } onCancel: {
            self.stopping.value = true
        }
        // Stopping: an alert gathered within the last minute is sent now rather than never.
        await alerter?.finish()
    }

    func receiveLoop() async {
        var backoff = options.backoff
        while !Task.isCancelled {
            do {
                if await checkPaused() {
                    counters.recordAlive()
                    try await Task.sleep(for: SyncControl.pollInterval)
                    continue
                }
                let jobs = try await queue.receive(
                    maxMessages: min(options.batchSize, queue.maxMessagesPerReceive),
                    wait: options.wait, visibilityTimeout: options.visibilityTimeout)
                counters.recordAlive()
                if jobs.isEmpty { continue }
                // Paused during a long poll: hand the messages back untouched, visible at once.
                if await checkPaused() {
                    _ = try await queue.changeVisibility(receiptHandles: jobs.map(\.receiptHandle), timeout: .zero)
                    continue
                }
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
        var handlesByProduct: [ProductID: [String]] = [:]
        var deadLettered: [String] = []
        for (position, job) in jobs.enumerated() {
            do {
                let message = try QueueMessageCodec.decode(job.body)
                handlesByProduct[message.productID, default: []].append(job.receiptHandle)
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

        // The messages not yet acknowledged: kept invisible while they are worked on. A failed
        // extension (throttled, a blip) is tried again sooner rather than ending the extending.
        let outstanding = Mutex<[String]>(handlesByProduct.values.flatMap { $0 })
        let extender = Task { [queue, options, logger] in
            var pause = options.visibilityTimeout / 2
            while !Task.isCancelled {
                try await Task.sleep(for: pause)
                let handles = outstanding.withLock { $0 }
                guard !handles.isEmpty else { continue }
                do {
                    _ = try await queue.changeVisibility(receiptHandles: handles, timeout: options.visibilityTimeout)
                    pause = options.visibilityTimeout / 2
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("Could not extend a batch's visibility; trying again", metadata: ["error": "\(error)"])
                    pause = options.visibilityTimeout / 8
                }
            }
        }
        defer { extender.cancel() }

        let changes = latest.values.map(\.message).sorted { $0.productID < $1.productID }
        var products = 0
        for part in workBatches(changes) {
            do {
                try await withRetries { try await self.apply(part) }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                extender.cancel()
                _ = await extender.result
                let receives = jobs.map(\.receiveCount).max() ?? 1
                let delay = Self.redeliveryDelay(afterReceive: receives, options: options)
                do {
                    _ = try await queue.changeVisibility(receiptHandles: outstanding.withLock { $0 }, timeout: delay)
                } catch {
                    logger.warning(
                        "Could not hand a failed batch back; it returns after its visibility timeout", metadata: ["error": "\(error)"])
                }
                throw error
            }
            // This part is in the index: its messages are done, whatever the rest of the batch does.
            let done = part.flatMap { handlesByProduct[$0.productID] ?? [] }
            let stale = try await queue.delete(receiptHandles: done)
            if !stale.isEmpty {
                logger.warning(
                    "Some messages were redelivered before they were deleted", metadata: ["count": .stringConvertible(stale.count)])
            }
            let acknowledged = Set(done)
            outstanding.withLock { $0.removeAll { acknowledged.contains($0) } }
            counters.recordProcessed(done.count)
            products += part.count
        }
        let elapsed = clock.now - start
        logger.info(
            "Batch indexed",
            metadata: [
                "messages": .stringConvertible(jobs.count), "products": .stringConvertible(products),
                "elapsed_ms": .stringConvertible(
                    elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
            ])
    }

    /// Cuts a coalesced batch into parts of at most ``Options/maxWordPieces`` word pieces
    /// (a text over the budget alone), shortest texts first, so the quick work is written and
    /// acknowledged before a long text is embedded. Deletes need no embedding and go first.
    func workBatches(_ changes: [QueueMessage]) -> [[QueueMessage]] {
        var deletes: [QueueMessage] = []
        var upserts: [(message: QueueMessage, document: EmbeddingDocument)] = []
        for message in changes {
            switch message.change {
            case .upsert(let row): upserts.append((message, document(for: row)))
            case .delete: deletes.append(message)
            }
        }
        let pieces = embedder.wordPieceCounts(upserts.map(\.document), maxChunks: options.maxChunks)
        let order = upserts.indices.sorted { (pieces[$0], $0) < (pieces[$1], $1) }
        var parts: [[QueueMessage]] = []
        var current = deletes
        var currentPieces = 0
        for i in order {
            if currentPieces > 0, currentPieces + pieces[i] > options.maxWordPieces {
                parts.append(current)
                metrics.observe(RefarchMetric.batchWordPieces, Double(currentPieces), labels: [("worker", "emu")])
                current = []
                currentPieces = 0
            }
            current.append(upserts[i].message)
            currentPieces += pieces[i]
        }
        if !current.isEmpty {
            parts.append(current)
            if currentPieces > 0 {
                metrics.observe(RefarchMetric.batchWordPieces, Double(currentPieces), labels: [("worker", "emu")])
            }
        }
        return parts
    }

    /// Embeds and writes one coalesced batch; idempotent, so retrying it is safe.
    ///
    /// Before embedding, the index is asked what each product's vectors were made from (their
    /// `text_hash`): a product whose stored chunks all carry the hash of its text now (a
    /// price, date or SKU change) gets its metadata updated and is not embedded again. The
    /// check runs here against the index, not in the outbox trigger, because only the index
    /// knows what the vectors really hold: it stays right after a template change, after
    /// lost or coalesced messages, for the reference pelican's messages, and for repairs.
    ///
    /// Where that read brought the values along (Pinecone's fetch always does), the batch's
    /// metadata-only products are written back as one upsert of those values with the new
    /// metadata, not an update per vector (Pinecone takes about 100 updates a second); the
    /// local index reads the metadata alone and updates that column. Writing values read a
    /// moment earlier is safe for the same reason every write here is: a product's messages
    /// share a FIFO group, so no other batch writes this product while this one holds its
    /// messages, and within the batch the highest seq won.
    func apply(_ changes: [QueueMessage]) async throws {
        var upserts: [(message: QueueMessage, row: ProductRow)] = []
        var deletes: [ProductID] = []
        for message in changes {
            switch message.change {
            case .upsert(let row): upserts.append((message, row))
            case .delete: deletes.append(message.productID)
            }
        }
        let documents = upserts.map { document(for: $0.row) }
        let hashes = documents.map(EmbeddingTemplate.textHash(of:))
        let prefixes = upserts.map { "\($0.message.productID.rawValue)#" }
        let deletedPrefixes = deletes.map { "\($0.rawValue)#" }
        let (existing, stored) = try await storedChunks(
            prefixes: prefixes + deletedPrefixes, hashes: hashes.map { Optional($0) } + deletes.map { _ in nil })
        // Deleted products: the chunks chunk 0 names (or a listing found), one request.
        let deletedIDs = deletedPrefixes.flatMap { existing[$0] ?? [] }
        if !deletedIDs.isEmpty { try await whileThrottled { try await self.index.delete(ids: deletedIDs) } }
        guard !upserts.isEmpty else { return }

        let clock = ContinuousClock()
        var rewrites: [VectorRecord] = []
        var updates: [MetadataUpdate] = []
        var embed: [Int] = []
        let storedMetadata = stored.mapValues(\.metadata)
        for (i, (message, row)) in upserts.enumerated() {
            let count = max(1, existing[prefixes[i]]?.count ?? 0)
            let wanted = (0..<count).map {
                metadata(for: message, row: row, chunk: $0, chunks: count, textHash: hashes[i])
            }
            guard
                Self.textUnchanged(
                    ids: existing[prefixes[i]] ?? [], prefix: prefixes[i], stored: storedMetadata, textHash: hashes[i], wanted: wanted)
            else {
                embed.append(i)
                continue
            }
            let ids = wanted.indices.map { prefixes[i] + String($0) }
            let values = ids.compactMap { stored[$0]?.values }.filter { $0.count == index.dimension }
            if values.count == ids.count {
                for (chunk, id) in ids.enumerated() {
                    let old = stored[id]?.metadata ?? [:]
                    rewrites.append(VectorRecord(id: id, values: values[chunk], metadata: old.merging(wanted[chunk]) { _, new in new }))
                }
            } else {
                updates += zip(ids, wanted).map { MetadataUpdate(id: $0, metadata: $1) }
            }
        }
        if !rewrites.isEmpty || !updates.isEmpty {
            let updateStart = clock.now
            if !rewrites.isEmpty { try await whileThrottled { try await self.index.upsert(rewrites) } }
            if !updates.isEmpty { try await whileThrottled { try await self.index.updateMetadata(updates) } }
            metrics.observe(RefarchMetric.metadataUpdateSeconds, (clock.now - updateStart).seconds)
        }
        metrics.increment(
            RefarchMetric.products, by: upserts.count - embed.count, labels: [("worker", "emu"), ("action", "metadata_only")])
        metrics.increment(RefarchMetric.products, by: embed.count, labels: [("worker", "emu"), ("action", "embedded")])
        guard !embed.isEmpty else { return }
        let start = clock.now
        let vectors = try await embedder.embedDocuments(embed.map { documents[$0] }, maxChunks: options.maxChunks)
        metrics.observe(RefarchMetric.embedSeconds, (clock.now - start).seconds)
        var records: [VectorRecord] = []
        for (i, chunks) in zip(embed, vectors) {
            let (message, row) = upserts[i]
            for (chunk, values) in chunks.enumerated() {
                records.append(
                    VectorRecord(
                        id: "\(message.productID.rawValue)#\(chunk)", values: values,
                        metadata: metadata(for: message, row: row, chunk: chunk, chunks: chunks.count, textHash: hashes[i])))
            }
        }
        // Chunks a product had before and no longer has, one delete, before the upsert:
        // once chunk 0 says the new count, a retry would no longer know the old ones.
        var extra: [String] = []
        for (i, chunks) in zip(embed, vectors) {
            let keep = Set((0..<chunks.count).map { prefixes[i] + String($0) })
            extra += (existing[prefixes[i]] ?? []).filter { !keep.contains($0) }
        }
        if !extra.isEmpty { try await whileThrottled { try await self.index.delete(ids: extra) } }
        let writeStart = clock.now
        try await whileThrottled { try await self.index.upsert(records) }
        metrics.observe(RefarchMetric.upsertSeconds, (clock.now - writeStart).seconds)
    }

    /// What the index holds for a batch's products: their chunk ids (by prefix) and the
    /// stored chunks whose text may be unchanged (with their values where the index gives them).
    ///
    /// One read of every product's chunk 0, whose `chunks` says how many chunks it was
    /// written with; the other chunks are read only for products whose chunk 0 carries the
    /// hash of the text now (only there do they decide anything). A nil hash is a product
    /// being deleted: only its ids are wanted. Vectors written before `chunks` existed are
    /// listed by prefix, as all were before. So a batch costs one or two reads, not a listing
    /// per product (Pinecone lists at most 200 times a second per index). A product to update
    /// without chunk 0 counts as new: chunks left without it by a damaged write are not looked
    /// for here (`verify` reports them, `verify --repair` rewrites them); a product to delete
    /// without chunk 0 is listed, so such chunks go with it.
    func storedChunks(prefixes: [String], hashes: [String?]) async throws -> (ids: [String: [String]], stored: [String: StoredVector]) {
        guard !prefixes.isEmpty else { return ([:], [:]) }
        let firstIDs = prefixes.map { $0 + "0" }
        var stored = try await whileThrottled { try await self.index.fetchStored(ids: firstIDs) }
        var existing: [String: [String]] = [:]
        var unlisted: [String] = []
        var rest: [String] = []
        for (prefix, hash) in zip(prefixes, hashes) {
            guard let first = stored[prefix + "0"]?.metadata else {
                if hash == nil { unlisted.append(prefix) } else { existing[prefix] = [] }
                continue
            }
            guard let count = first["chunks"]?.numberValue.map({ Int($0) }), count >= 1 else {
                unlisted.append(prefix)
                continue
            }
            existing[prefix] = (0..<count).map { prefix + String($0) }
            if count > 1, let hash, first["text_hash"] == .string(hash) { rest += (1..<count).map { prefix + String($0) } }
        }
        if !unlisted.isEmpty {
            let listed = try await whileThrottled { try await self.index.listIDs(prefixes: unlisted) }
            let deleted = Set(zip(prefixes, hashes).filter { $0.1 == nil }.map(\.0))
            for prefix in unlisted {
                existing[prefix] = listed[prefix] ?? []
                if !deleted.contains(prefix) { rest += (listed[prefix] ?? []).filter { $0 != prefix + "0" } }
            }
        }
        if !rest.isEmpty {
            let more = try await whileThrottled { try await self.index.fetchStored(ids: rest) }
            stored.merge(more) { first, _ in first }
        }
        return (existing, stored)
    }

    /// Whether a product's stored vectors were made from the text it has now, so new metadata
    /// is all it needs: its chunks are exactly `0..<n`, every one carries `textHash` (a chunk
    /// left from an interrupted write does not), and no stored key would have to be removed
    /// (an update only sets keys; a product that lost its price is written anew).
    static func textUnchanged(ids: [String], prefix: String, stored: [String: Metadata], textHash: String, wanted: [Metadata])
        -> Bool
    {
        guard !ids.isEmpty, ids.count == wanted.count, Set(ids) == Set((0..<ids.count).map { prefix + String($0) }) else {
            return false
        }
        for (chunk, metadata) in wanted.enumerated() {
            guard let old = stored[prefix + String(chunk)], old["text_hash"] == .string(textHash),
                old.keys.allSatisfy({ metadata[$0] != nil })
            else { return false }
        }
        return true
    }

    /// The text to embed: the template's fixed part with the name stays in front of every window.
    func document(for row: ProductRow) -> EmbeddingDocument {
        template.document(name: row.name ?? "", description: row.description ?? "", sku: row.sku ?? "")
    }

    /// A chunk's metadata; `chunks` (how many the product has) lets the next change find them
    /// all from chunk 0 without listing.
    func metadata(for message: QueueMessage, row: ProductRow, chunk: Int, chunks: Int, textHash: String) -> Metadata {
        var metadata: Metadata = [
            "id": .number(Double(message.productID.rawValue)),
            "chunk": .number(Double(chunk)),
            "chunks": .number(Double(chunks)),
            "template": .string(template.fingerprint),
            "text_hash": .string(textHash),
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

    /// Runs one index call again, at a pace of at most one try per backoff on top of the
    /// client's own limiter, for as long as it is throttled: back-pressure has no attempt
    /// limit, because giving up would hand the batch back and count a receive towards the DLQ.
    /// Any other error is thrown at once (``withRetries(_:)`` decides about those).
    func whileThrottled<T>(_ call: () async throws -> T) async throws -> T {
        var waits = 0
        while true {
            do {
                return try await call()
            } catch let error where error.isThrottling && !stopping.value {
                waits += 1
                if waits == 1 || waits.isMultiple(of: 20) {
                    logger.info("Index is throttling; retrying at a slower pace", metadata: ["error": "\(error)", "tries": "\(waits)"])
                }
                try await Task.sleep(for: options.backoff)
            }
        }
    }

    /// Retries transient failures (index or embedder) with exponential backoff. A throttled
    /// failure is retried without using up an attempt (see ``whileThrottled(_:)``).
    func withRetries(_ body: () async throws -> Void) async throws {
        var delay = options.backoff
        var attempt = 1
        while true {
            do {
                try await body()
                return
            } catch is CancellationError {
                throw CancellationError()
            } catch let error where error.isThrottling && !stopping.value {
                try await Task.sleep(for: options.backoff)
            } catch {
                counters.recordError()
                metrics.increment(RefarchMetric.errors, labels: [("worker", "emu"), ("kind", "index")])
                guard attempt < options.attempts else { throw error }
                logger.warning("Batch failed; retrying", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                try await Task.sleep(for: delay * Double.random(in: 0.5...1.0))
                delay = min(delay * 2, .seconds(10))
                attempt += 1
            }
        }
    }
}
