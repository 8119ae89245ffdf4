import Catalog
import Foundation
import Logging
import Postgres
import PostgresCatalog
import Queues
import Synchronization
import Telemetry

/// `worker pelican`: moves product changes from the durable outbox to the job queue.
///
/// One pelican is active at a time per catalog: it holds a Postgres advisory lock (keyed by
/// the catalog's schema) on a connection of its own, and standbys poll for the lock, so one takes over within about a second when
/// the active one dies (its session ends and the lock goes with it). The active pelican
/// drains the outbox in `seq` order, a batch at a time: it coalesces the batch per product,
/// reads the current rows, sends one message per product (upsert with the row, or delete
/// when the row is gone; FIFO group = product id, dedup id = seq), and deletes the outbox
/// rows it read in the same transaction that locked them, after the queue accepted the
/// messages. A crash between send and commit re-sends: duplicates are dropped by the
/// queue's deduplication or harmless to emu, and nothing is lost. It sleeps until the
/// outbox NOTIFY wakes it, with a periodic poll as a safety net. While the sync is paused
/// (``SyncControl``) it drains nothing; the outbox keeps the changes.
public final class PelicanService: Sendable {
    public struct Options: Sendable {
        public var batchSize: Int
        /// How long to sleep without a NOTIFY before looking anyway.
        public var safetyPoll: Duration
        /// How often a standby tries to take the lead.
        public var standbyPoll: Duration
        public var maxBackoff: Duration

        public init(
            batchSize: Int = 500, safetyPoll: Duration = .seconds(5), standbyPoll: Duration = .milliseconds(500),
            maxBackoff: Duration = .seconds(10)
        ) {
            self.batchSize = batchSize
            self.safetyPoll = safetyPoll
            self.standbyPoll = standbyPoll
            self.maxBackoff = maxBackoff
        }
    }

    /// The advisory lock of the active pelican is the pair (this class id, hash of the
    /// catalog's schema): one leader per catalog, so the pelicans of catalogs in different
    /// schemas of one database do not wait for each other.
    static let leaderLockClass: Int32 = 724_003

    let configuration: PostgresConfiguration
    let pool: PostgresPool
    let queue: any JobQueue
    let options: Options
    let counters: WorkerCounters
    let metrics: MetricsRegistry
    let logger: Logger
    private let wakeups = QueueWakeups()
    private let leader = LeaderFlag()
    private let paused = PauseFlag()

    public init(
        configuration: PostgresConfiguration, pool: PostgresPool, queue: any JobQueue, options: Options = Options(),
        counters: WorkerCounters, metrics: MetricsRegistry, logger: Logger
    ) {
        self.configuration = configuration
        self.pool = pool
        self.queue = queue
        self.options = options
        self.counters = counters
        self.metrics = metrics
        self.logger = logger
    }

    /// True while this process holds the leader lock.
    public var isLeader: Bool { leader.value }

    /// True when the last drain found the sync paused (`refarch-tui sync pause`).
    public var isPaused: Bool { paused.value }

    /// Runs until the task is cancelled (graceful shutdown cancels it between batches).
    public func run() async {
        let listener = Task { [wakeups, configuration, logger] in
            let schema = configuration.searchPath.first
            let session = PostgresListener(configuration: configuration, channels: [SchemaMigrator.outboxChannel], logger: logger)
            for await event in session.events {
                switch event {
                case .listening: wakeups.signal()
                case .notification(_, let payload) where schema == nil || payload == schema: wakeups.signal()
                default: break
                }
            }
            await session.stop()
        }
        var backoff = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                try await leadWhilePossible()
                backoff = .milliseconds(100)
            } catch is CancellationError {
                break
            } catch {
                counters.recordError()
                metrics.increment(RefarchMetric.errors, labels: [("worker", "pelican"), ("kind", Self.errorKind(error))])
                logger.warning(
                    "Pelican failed; retrying",
                    metadata: [
                        "error": "\(error)",
                        "backoff_ms": .stringConvertible(
                            backoff.components.seconds * 1000 + backoff.components.attoseconds / 1_000_000_000_000_000),
                    ])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, options.maxBackoff)
            }
        }
        leader.value = false
        listener.cancel()
        await listener.value  // the LISTEN connection is closed when run() returns
    }

    /// Waits for the leader lock, then drains until cancelled or the lock connection breaks.
    func leadWhilePossible() async throws {
        let lockConnection = try await PostgresConnection.connect(configuration, logger: logger)
        defer { Task { await lockConnection.close() } }
        while !Task.isCancelled {
            let acquired = try await lockConnection.query(
                "SELECT pg_try_advisory_lock($1::integer, hashtext(current_schema()))",
                [Self.leaderLockClass],
                operation: "take the pelican leader lock")[0].decode(Bool.self, at: 0)
            if acquired { break }
            counters.recordAlive()
            try await Task.sleep(for: options.standbyPoll)
        }
        try Task.checkCancellation()
        leader.value = true
        logger.info("Pelican is the leader")
        defer { leader.value = false }
        while !Task.isCancelled {
            let generation = wakeups.generation
            let drained = try await drainOnce()
            // Still leader? The lock lives as long as its session, and only a round trip shows
            // that the session is alive: libpq's status stays "OK" until it next reads, so a
            // killed or restarted session would leave two leaders. A failure here ends the lead.
            _ = try await lockConnection.query("SELECT 1", operation: "check the pelican leader lock")
            counters.recordAlive()
            if drained < options.batchSize {
                // Resuming notifies the outbox channel; the shorter poll while paused is the safety net.
                await wakeups.wait(after: generation, timeout: paused.value ? min(options.safetyPoll, .seconds(1)) : options.safetyPoll)
            }
        }
    }

    /// Sends one batch of outbox rows to the queue; returns how many outbox rows it took.
    @discardableResult
    public func drainOnce() async throws -> Int {
        let clock = ContinuousClock()
        let start = clock.now
        let batchSize = options.batchSize
        let queue = self.queue
        let result: (rows: Int, sent: Int, lagSeconds: Double) = try await pool.withConnection { connection in
            try await connection.transaction(operation: "drain the outbox") { conn in
                // Paused (`sync pause`): nothing is drained. FOR SHARE makes a pause wait for a
                // batch in flight, so once `sync pause` returns no batch is being sent.
                let control = try conn.query(
                    "SELECT paused FROM refarch_sync_control FOR SHARE", operation: "read the sync state")
                let isPaused = try control.first?.decode(Bool.self, at: 0) ?? false
                self.paused.value = isPaused
                if isPaused { return (0, 0, 0) }
                let rows = try conn.query(
                    """
                    SELECT seq, product_id, extract(epoch FROM now() - changed_at)::float8 FROM refarch_outbox
                    ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED
                    """, [batchSize], operation: "read the outbox")
                guard !rows.isEmpty else { return (0, 0, 0) }
                var latest: [Int64: Int64] = [:]  // product → highest seq in this batch
                var seqsByProduct: [Int64: [Int64]] = [:]
                var order: [Int64] = []
                var oldest = 0.0
                for row in rows {
                    let seq = try row.decode(Int64.self, at: 0), product = try row.decode(Int64.self, at: 1)
                    oldest = max(oldest, try row.decode(Double.self, at: 2))
                    if latest[product] == nil { order.append(product) }
                    latest[product] = max(latest[product] ?? seq, seq)
                    seqsByProduct[product, default: []].append(seq)
                }
                var products: [Int64: Product] = [:]
                for product in try PostgresProductStore.products(ids: order, on: conn) {
                    products[product.id.rawValue] = product
                }
                // Products in order of their latest change, so the queue sees them in commit order.
                let ordered = order.sorted { latest[$0]! < latest[$1]! }
                let messages = ordered.map { id -> JobMessage in
                    let change: QueueMessage.Change = products[id].map { .upsert(ProductRow($0)) } ?? .delete
                    let seq = latest[id]!
                    let message = QueueMessage(productID: ProductID(id), change: change, seq: seq)
                    return JobMessage(body: QueueMessageCodec.encode(message), groupID: message.groupID, deduplicationID: String(seq))
                }
                var refused = Set<Int>()
                for start in stride(from: 0, to: messages.count, by: 10) {
                    let slice = Array(messages[start..<min(start + 10, messages.count)])
                    for failure in try await queue.send(slice) { refused.insert(start + failure.index) }
                }
                // Only the rows of accepted products go; refused ones stay for the next round.
                let done = ordered.enumerated().filter { !refused.contains($0.offset) }.flatMap { seqsByProduct[$0.element] ?? [] }
                try conn.execute(
                    "DELETE FROM refarch_outbox WHERE seq = ANY($1::bigint[])", [PostgresArray(done)],
                    operation: "delete sent outbox rows")
                // When each product's change was sent, for `trace` (the outbox row is gone now).
                let sent = ordered.enumerated().filter { !refused.contains($0.offset) }.map(\.element)
                try conn.execute(
                    """
                    INSERT INTO refarch_product_sends (product_id, seq, sent_at)
                    SELECT product_id, seq, clock_timestamp() FROM unnest($1::bigint[], $2::bigint[]) AS s(product_id, seq)
                    ON CONFLICT (product_id) DO UPDATE SET seq = EXCLUDED.seq, sent_at = EXCLUDED.sent_at
                    WHERE refarch_product_sends.seq <= EXCLUDED.seq
                    """, [PostgresArray(sent), PostgresArray(sent.map { latest[$0]! })], operation: "record sent changes")
                return (rows.count, messages.count - refused.count, oldest)
            }
        }
        metrics.set(RefarchMetric.syncPaused, paused.value ? 1 : 0, labels: [("worker", "pelican")])
        if result.rows > 0 {
            counters.recordProcessed(result.sent)
            metrics.increment(RefarchMetric.messages, by: result.sent, labels: [("worker", "pelican"), ("direction", "out")])
            metrics.observe(RefarchMetric.batchSize, Double(result.rows), labels: [("worker", "pelican")])
            metrics.set(RefarchMetric.outboxLagSeconds, result.lagSeconds)
            logger.info(
                "Outbox batch sent",
                metadata: [
                    "outbox_rows": .stringConvertible(result.rows), "messages": .stringConvertible(result.sent),
                    "elapsed_ms":
                        .stringConvertible(
                            (clock.now - start).components.attoseconds / 1_000_000_000_000_000 + (clock.now - start).components.seconds
                                * 1000),
                ])
        }
        return result.rows
    }

    static func errorKind(_ error: any Error) -> String {
        if let pg = error as? PostgresError { return pg.isConnectionProblem ? "database_connection" : "database" }
        return "queue"
    }
}

/// A flag other tasks read (heartbeat, health) while the service writes it.
final class LeaderFlag: Sendable {
    private let flag = Mutex(false)
    var value: Bool {
        get { flag.withLock { $0 } }
        set { flag.withLock { $0 = newValue } }
    }
}
