import Catalog
import Foundation
import Logging
import Postgres
import PostgresCatalog
import Synchronization

/// The embedded default's job queue: tables in the catalog database with SQS FIFO semantics.
///
/// Tables come from migration 5 (`refarch_queue_messages`, `refarch_queue_dedup`,
/// `refarch_queue_dead_letters`). Every statement runs on a connection leased from the pool,
/// so blocking libpq work stays on the connections' own threads; this type only awaits.
///
/// How the SQS rules map onto rows:
/// * **Visibility timeout**: a received row stays, with `visible_at` in the future and a new
///   `receipt_handle`. Delete and visibility changes match on the handle, so a consumer whose
///   timeout ran out and whose message someone else has since received cannot delete or
///   extend the other consumer's copy (that consumer would then lose the message it is
///   still working on, and the product's update with it).
/// * **Per-group order**: only the *head* of a group (its earliest row) can be received;
///   while the head is in flight the group is blocked. A receive may also take the head's
///   next visible rows, in order, as SQS does.
/// * **Several consumers**: the heads are claimed with `FOR UPDATE SKIP LOCKED`, so two
///   receives running at once skip each other's rows instead of waiting for them or taking
///   them twice; a row whose claim committed no longer qualifies (its `visible_at` moved).
/// * **Dead letters**: a head received `maxReceiveCount` times moves, on the next receive
///   attempt, to the DLQ table with its body, group, dedup id, attributes, count and times.
/// * **Deduplication**: a dedup id seen within the window (five minutes) is accepted and
///   dropped, even when the first copy was already deleted.
/// * **Long poll**: an empty receive waits for a NOTIFY on ``SchemaMigrator/queueChannel``
///   (sent by a trigger when rows are added or removed, and by a release to visibility 0),
///   or for the moment the next hidden message becomes visible, never a fixed sleep.
public final class PostgresJobQueue: JobQueue {
    /// Settings of one queue.
    public struct Options: Sendable {
        /// Rows of several queues can share the tables; this one's name.
        public var queueName: String
        public var visibilityTimeout: Duration
        public var maxReceiveCount: Int
        /// How long a deduplication id is remembered (SQS: five minutes).
        public var deduplicationWindow: Duration
        /// The most messages one receive returns.
        public var maxMessagesPerReceive: Int
        /// A long poll looks again at least this often, should a NOTIFY be missed.
        public var safetyPollInterval: Duration
        /// The largest body plus attributes accepted (SQS: 1 MiB).
        public var maxMessageBytes: Int

        public init(
            queueName: String = "jobs", visibilityTimeout: Duration = .seconds(30), maxReceiveCount: Int = 5,
            deduplicationWindow: Duration = .seconds(300), maxMessagesPerReceive: Int = 100,
            safetyPollInterval: Duration = .seconds(5), maxMessageBytes: Int = 1_048_576
        ) {
            self.queueName = queueName
            self.visibilityTimeout = visibilityTimeout
            self.maxReceiveCount = maxReceiveCount
            self.deduplicationWindow = deduplicationWindow
            self.maxMessagesPerReceive = maxMessagesPerReceive
            self.safetyPollInterval = safetyPollInterval
            self.maxMessageBytes = maxMessageBytes
        }
    }

    public let options: Options
    private let pool: PostgresPool
    private let logger: Logger
    private let wakeups = QueueWakeups()
    private let listener = Mutex<Task<Void, Never>?>(nil)
    private let listening = ListeningFlag()

    public var name: String { options.queueName }
    public var deadLetterName: String { options.queueName + "-dlq" }
    public var maxMessagesPerReceive: Int { options.maxMessagesPerReceive }

    /// A queue on `pool`'s database; the schema must be migrated (version 5 or later).
    public init(pool: PostgresPool, options: Options = Options(), logger: Logger = Logger(label: "refarch.queue.postgres")) {
        self.pool = pool
        self.options = options
        self.logger = logger
    }

    deinit {
        listener.withLock { $0?.cancel() }
    }

    /// Stops the LISTEN connection that long polls use, and returns once it is closed.
    /// Receives still work afterwards (a long poll starts listening again).
    public func close() async {
        let task = listener.withLock { task in
            defer { task = nil }
            return task
        }
        task?.cancel()
        listening.set(false)
        await task?.value
    }

    // MARK: Sending

    public func send(_ messages: [JobMessage]) async throws -> [SendFailure] {
        var failures: [SendFailure] = []
        var accepted: [(index: Int, message: JobMessage, attributes: String)] = []
        for (index, message) in messages.enumerated() {
            let attributes = Self.encodeAttributes(message.attributes)
            if let failure = validate(message, attributes: attributes, index: index) {
                failures.append(failure)
            } else {
                accepted.append((index, message, attributes))
            }
        }
        guard !accepted.isEmpty else { return failures }
        let queue = options.queueName
        let window = options.deduplicationWindow.wholeMilliseconds
        let groups = PostgresArray(accepted.map(\.message.groupID))
        let dedups = PostgresArray(accepted.map(\.message.deduplicationID))
        let bodies = PostgresArray(accepted.map(\.message.body))
        let attributes = PostgresArray(accepted.map(\.attributes))
        try await pool.withConnection { conn in
            try await conn.execute(
                """
                DELETE FROM refarch_queue_dedup WHERE ctid = ANY(ARRAY(
                    SELECT ctid FROM refarch_queue_dedup WHERE queue = $1 AND expires_at < clock_timestamp()
                    LIMIT 1000 FOR UPDATE SKIP LOCKED))
                """, [queue], operation: "forget old deduplication ids")
            // One statement: remember the dedup ids that are new (or whose window passed) and
            // insert only those messages, in the order given. A repeat within the batch keeps
            // its first copy, as SQS does.
            try await conn.execute(
                """
                WITH input AS (
                    SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY
                        AS t(group_id, dedup_id, body, attributes, ord)
                ), firsts AS (
                    SELECT DISTINCT ON (dedup_id) * FROM input ORDER BY dedup_id, ord
                ), fresh AS (
                    INSERT INTO refarch_queue_dedup AS d (queue, dedup_id, expires_at)
                    SELECT $1, dedup_id, clock_timestamp() + $6::bigint * interval '1 millisecond' FROM firsts
                    ON CONFLICT (queue, dedup_id) DO UPDATE SET expires_at = excluded.expires_at
                        WHERE d.expires_at <= clock_timestamp()
                    RETURNING d.dedup_id
                )
                INSERT INTO refarch_queue_messages (queue, group_id, dedup_id, body, attributes)
                SELECT $1, f.group_id, f.dedup_id, f.body, f.attributes::jsonb
                FROM firsts f JOIN fresh USING (dedup_id)
                ORDER BY f.ord
                """,
                [queue, groups, dedups, bodies, attributes, window],
                operation: "send messages to the \(queue) queue")
        }
        return failures
    }

    /// The checks SQS makes per entry, so both backends refuse the same messages.
    private func validate(_ message: JobMessage, attributes: String, index: Int) -> SendFailure? {
        if message.groupID.isEmpty || message.groupID.count > 128 {
            return SendFailure(index: index, code: "MissingParameter", message: "the group id must be 1–128 characters", senderFault: true)
        }
        if message.deduplicationID.isEmpty || message.deduplicationID.count > 128 {
            return SendFailure(
                index: index, code: "MissingParameter", message: "the deduplication id must be 1–128 characters",
                senderFault: true)
        }
        if message.body.utf8.count + attributes.utf8.count > options.maxMessageBytes {
            return SendFailure(
                index: index, code: "MessageTooLong",
                message: "body and attributes exceed \(options.maxMessageBytes) bytes", senderFault: true)
        }
        if message.body.unicodeScalars.contains(where: { $0.value == 0 })
            || message.attributes.contains(where: { $0.value.contains("\u{0}") })
        {
            return SendFailure(
                index: index, code: "InvalidMessageContents", message: "the message contains a NUL character",
                senderFault: true)
        }
        return nil
    }

    // MARK: Receiving

    /// Long-polls as the protocol says; a cancelled task gets what is there (often nothing)
    /// at once, so a worker's graceful shutdown does not wait out the poll.
    public func receive(maxMessages: Int, wait: Duration, visibilityTimeout: Duration?) async throws -> [ReceivedJob] {
        let limit = min(max(maxMessages, 1), options.maxMessagesPerReceive)
        let visibility = visibilityTimeout ?? options.visibilityTimeout
        try Self.checkVisibility(visibility)
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        if wait > .zero { startListening() }
        while true {
            let generation = wakeups.generation
            let (messages, nextVisible) = try await receiveOnce(limit: limit, visibility: visibility)
            let left = deadline - clock.now
            if !messages.isEmpty || left <= .zero || Task.isCancelled { return messages }
            // Sleep until something may have changed: a NOTIFY (or LISTEN coming back), the
            // next hidden message turning visible, the deadline, or the safety interval.
            var pause = min(left, options.safetyPollInterval)
            if let nextVisible { pause = min(pause, max(nextVisible, .milliseconds(1))) }
            await wakeups.wait(after: generation, timeout: pause)
        }
    }

    /// One receive attempt in one transaction: dead-letter exhausted heads, claim heads,
    /// extend each group with its next visible messages, mark them all in flight.
    /// Returns the messages, or none and how long until the next hidden one turns visible.
    private func receiveOnce(limit: Int, visibility: Duration) async throws -> ([ReceivedJob], Duration?) {
        let queue = options.queueName
        let maxReceiveCount = options.maxReceiveCount
        let visibilityMs = visibility.wholeMilliseconds
        return try await pool.withConnection { connection in
            try await connection.transaction(operation: "receive from the \(queue) queue") { conn in
                let dead = try conn.execute(
                    """
                    WITH doomed AS (
                        SELECT m.id FROM refarch_queue_messages m
                        WHERE m.queue = $1 AND m.receive_count >= $2 AND m.visible_at <= clock_timestamp()
                          AND NOT EXISTS (SELECT 1 FROM refarch_queue_messages e
                                          WHERE e.queue = m.queue AND e.group_id = m.group_id AND e.id < m.id)
                        ORDER BY m.id LIMIT 100
                        FOR UPDATE SKIP LOCKED
                    ), moved AS (
                        DELETE FROM refarch_queue_messages m USING doomed WHERE m.id = doomed.id
                        RETURNING m.id, m.queue, m.group_id, m.dedup_id, m.body, m.attributes, m.sent_at, m.receive_count,
                                  m.first_received_at, m.last_received_at
                    )
                    INSERT INTO refarch_queue_dead_letters
                        (id, queue, group_id, dedup_id, body, attributes, sent_at, receive_count, first_received_at, last_received_at)
                    SELECT * FROM moved
                    """, [queue, maxReceiveCount], operation: "move exhausted messages of the \(queue) queue to its DLQ")
                if dead > 0 {
                    self.logger.info(
                        "Messages moved to the dead-letter queue", metadata: [LogKey.queue: "\(queue)", LogKey.count: "\(dead)"])
                }
                // Heads only: a later message of a group is never claimed while an earlier one
                // exists, and SKIP LOCKED keeps concurrent receives off each other's heads.
                let heads = try conn.query(
                    """
                    SELECT m.id, m.group_id FROM refarch_queue_messages m
                    WHERE m.queue = $1 AND m.visible_at <= clock_timestamp()
                      AND NOT EXISTS (SELECT 1 FROM refarch_queue_messages e
                                      WHERE e.queue = m.queue AND e.group_id = m.group_id AND e.id < m.id)
                    ORDER BY m.id
                    LIMIT $2
                    FOR UPDATE SKIP LOCKED
                    """, [queue, limit], operation: "claim messages of the \(queue) queue"
                )
                .map { (id: try $0.decode(Int64.self, at: 0), group: try $0.decode(String.self, at: 1)) }
                if heads.isEmpty {
                    // When the first group head turns visible. Not "the first hidden message":
                    // a head that turned visible since the claim above would be missed, and the
                    // poll would sleep until the safety poll (regression: a 700 ms visibility
                    // took 120 s on a loaded machine). A head already visible now (it just
                    // turned, or a concurrent receive holds it) means: look again shortly.
                    let next = try conn.query(
                        """
                        SELECT extract(epoch FROM min(m.visible_at) - clock_timestamp())::float8
                        FROM refarch_queue_messages m
                        WHERE m.queue = $1
                          AND NOT EXISTS (SELECT 1 FROM refarch_queue_messages e
                                          WHERE e.queue = m.queue AND e.group_id = m.group_id AND e.id < m.id)
                        """, [queue], operation: "look for hidden messages of the \(queue) queue")
                    let seconds = try next[0].decode(Double?.self, at: 0)
                    return ([], seconds.map { Duration.milliseconds(max(Self.recheckMilliseconds, Int64(($0 * 1000).rounded(.up)))) })
                }
                var ids = heads.map(\.id)
                if heads.count < limit {
                    // The rest of each claimed group, in order, while visible and not exhausted.
                    // Nobody else can claim these: they are not heads while our head exists.
                    let rows = try conn.query(
                        """
                        SELECT id, group_id, visible_at <= clock_timestamp(), receive_count
                        FROM refarch_queue_messages WHERE queue = $1 AND group_id = ANY($2::text[])
                        ORDER BY group_id, id
                        """, [queue, PostgresArray(heads.map(\.group))], operation: "read the claimed groups of the \(queue) queue")
                    let headIDs = Set(ids)
                    var budget = limit - heads.count
                    var currentGroup: String?
                    var open = false
                    for row in rows where budget > 0 {
                        let id = try row.decode(Int64.self, at: 0)
                        let group = try row.decode(String.self, at: 1)
                        if group != currentGroup {
                            currentGroup = group
                            open = headIDs.contains(id)
                            continue
                        }
                        guard open else { continue }
                        if try row.decode(Bool.self, at: 2), try row.decode(Int.self, at: 3) < maxReceiveCount {
                            ids.append(id)
                            budget -= 1
                        } else {
                            open = false
                        }
                    }
                }
                let received = try conn.query(
                    """
                    UPDATE refarch_queue_messages SET
                        receive_count = receive_count + 1,
                        visible_at = clock_timestamp() + $2::bigint * interval '1 millisecond',
                        receipt_handle = gen_random_uuid(),
                        first_received_at = coalesce(first_received_at, clock_timestamp()),
                        last_received_at = clock_timestamp()
                    WHERE id = ANY($1::bigint[])
                    RETURNING id, receipt_handle::text, body, group_id, dedup_id, attributes::text, receive_count,
                        extract(epoch FROM sent_at)::float8, extract(epoch FROM first_received_at)::float8,
                        extract(epoch FROM last_received_at)::float8
                    """, [PostgresArray(ids), visibilityMs], operation: "mark messages of the \(queue) queue in flight")
                let messages = try received.map { row in
                    ReceivedJob(
                        messageID: String(try row.decode(Int64.self, at: 0)), receiptHandle: try row.decode(String.self, at: 1),
                        body: try row.decode(String.self, at: 2), groupID: try row.decode(String.self, at: 3),
                        deduplicationID: try row.decode(String.self, at: 4),
                        attributes: Self.decodeAttributes(try row.decode(String.self, at: 5)),
                        receiveCount: try row.decode(Int.self, at: 6), sentAt: Self.date(try row.decode(Double?.self, at: 7)),
                        firstReceivedAt: Self.date(try row.decode(Double?.self, at: 8)),
                        lastReceivedAt: Self.date(try row.decode(Double?.self, at: 9)))
                }
                return (messages.sorted { Int64($0.messageID)! < Int64($1.messageID)! }, nil)
            }
        }
    }

    /// Starts the LISTEN connection once; its events bump the wake-up generation.
    private func startListening() {
        listener.withLock { task in
            guard task == nil else { return }
            let configuration = pool.configuration
            let schema = configuration.searchPath.first
            let wakeups = wakeups
            let logger = logger
            task = Task { [listening] in
                let session = PostgresListener(configuration: configuration, channels: [SchemaMigrator.queueChannel], logger: logger)
                for await event in session.events {
                    switch event {
                    case .listening:
                        listening.set(true)
                        wakeups.signal()  // notifications sent while nobody listened are gone: look again
                    case .notification(_, let payload):
                        if schema == nil || payload == schema { wakeups.signal() }
                    case .disconnected:
                        listening.set(false)
                    }
                }
                await session.stop()
            }
        }
    }

    // MARK: Acknowledging

    public func delete(receiptHandles: [String]) async throws -> [ReceiptFailure] {
        let (valid, invalid) = Self.splitHandles(receiptHandles)
        guard !valid.isEmpty else { return invalid }
        let queue = options.queueName
        let deleted = try await pool.query(
            """
            DELETE FROM refarch_queue_messages WHERE queue = $1 AND receipt_handle = ANY($2::uuid[])
            RETURNING receipt_handle::text
            """, [queue, PostgresArray(valid)], operation: "delete messages of the \(queue) queue")
        let done = Set(try deleted.map { try $0.decode(String.self, at: 0) })
        return invalid + Self.stale(valid, done: done)
    }

    public func changeVisibility(receiptHandles: [String], timeout: Duration) async throws -> [ReceiptFailure] {
        try Self.checkVisibility(timeout)
        let (valid, invalid) = Self.splitHandles(receiptHandles)
        guard !valid.isEmpty else { return invalid }
        let queue = options.queueName
        let done = try await pool.withConnection { conn in
            let changed = try await conn.query(
                """
                UPDATE refarch_queue_messages SET visible_at = clock_timestamp() + $3::bigint * interval '1 millisecond'
                WHERE queue = $1 AND receipt_handle = ANY($2::uuid[])
                RETURNING receipt_handle::text
                """, [queue, PostgresArray(valid), timeout.wholeMilliseconds], operation: "change the visibility of \(queue) messages")
            let done = Set(try changed.map { try $0.decode(String.self, at: 0) })
            if timeout == .zero, !done.isEmpty {
                // Released messages are receivable now: wake the long polls.
                try await conn.execute(
                    "SELECT pg_notify($1, current_schema())", [SchemaMigrator.queueChannel],
                    operation: "wake the consumers of the \(queue) queue")
            }
            return done
        }
        return invalid + Self.stale(valid, done: done)
    }

    public func moveToDeadLetters(_ message: ReceivedJob, reason: String) async throws {
        guard UUID(uuidString: message.receiptHandle) != nil else { throw JobQueueError.staleReceiptHandle(message.receiptHandle) }
        let queue = options.queueName
        let moved = try await pool.withConnection { conn in
            try await conn.execute(
                """
                WITH moved AS (
                    DELETE FROM refarch_queue_messages WHERE queue = $1 AND receipt_handle = $2::uuid
                    RETURNING id, queue, group_id, dedup_id, body, attributes, sent_at, receive_count, first_received_at, last_received_at
                )
                INSERT INTO refarch_queue_dead_letters
                    (id, queue, group_id, dedup_id, body, attributes, sent_at, receive_count, first_received_at, last_received_at)
                SELECT id, queue, group_id, dedup_id, body, attributes || jsonb_build_object($3::text, $4::text), sent_at,
                       receive_count, first_received_at, last_received_at
                FROM moved
                """, [queue, message.receiptHandle, JobQueueAttribute.deadLetterReason, reason],
                operation: "move a message of the \(queue) queue to its DLQ")
        }
        guard moved == 1 else { throw JobQueueError.staleReceiptHandle(message.receiptHandle) }
        logger.info(
            "Message dead-lettered",
            metadata: [
                LogKey.queue: "\(queue)", LogKey.messageID: "\(message.messageID)", LogKey.reason: "\(reason)",
            ])
    }

    // MARK: Operations

    public func stats() async throws -> JobQueueStats {
        let queue = options.queueName
        let rows = try await pool.query(
            """
            SELECT count(*) FILTER (WHERE visible_at <= clock_timestamp()),
                   count(*) FILTER (WHERE visible_at > clock_timestamp() AND receipt_handle IS NOT NULL),
                   count(*) FILTER (WHERE visible_at > clock_timestamp() AND receipt_handle IS NULL),
                   extract(epoch FROM clock_timestamp() - min(sent_at))::float8,
                   (SELECT count(*) FROM refarch_queue_dead_letters WHERE queue = $1),
                   (SELECT extract(epoch FROM clock_timestamp() - min(dead_lettered_at))::float8
                    FROM refarch_queue_dead_letters WHERE queue = $1)
            FROM refarch_queue_messages WHERE queue = $1
            """, [queue], operation: "count the messages of the \(queue) queue")
        let row = rows[0]
        func age(_ seconds: Double?) -> Duration? { seconds.map { .milliseconds(Int64(max(0, $0) * 1000)) } }
        return JobQueueStats(
            jobs: QueueDepth(
                name: name, visible: try row.decode(Int.self, at: 0), inFlight: try row.decode(Int.self, at: 1),
                delayed: try row.decode(Int.self, at: 2), oldestAge: age(try row.decode(Double?.self, at: 3))),
            deadLetters: QueueDepth(
                name: deadLetterName, visible: try row.decode(Int.self, at: 4), inFlight: 0, delayed: 0,
                oldestAge: age(try row.decode(Double?.self, at: 5))),
            maxReceiveCount: options.maxReceiveCount, isFIFO: true, visibilityTimeout: options.visibilityTimeout, retention: nil)
    }

    public func peek(_ role: QueueRole, limit: Int) async throws -> [QueuedMessage] {
        let queue = options.queueName
        let table = role == .jobs ? "refarch_queue_messages" : "refarch_queue_dead_letters"
        let deadLettered = role == .jobs ? "NULL::float8" : "extract(epoch FROM dead_lettered_at)::float8"
        let rows = try await pool.query(
            """
            SELECT id, body, group_id, dedup_id, attributes::text, receive_count, extract(epoch FROM sent_at)::float8,
                   extract(epoch FROM first_received_at)::float8, extract(epoch FROM last_received_at)::float8, \(deadLettered)
            FROM \(table) WHERE queue = $1 ORDER BY id LIMIT $2
            """, [queue, max(0, limit)], operation: "read the \(role == .jobs ? name : deadLetterName) queue")
        return try rows.map { row in
            QueuedMessage(
                messageID: String(try row.decode(Int64.self, at: 0)), body: try row.decode(String.self, at: 1),
                groupID: try row.decode(String.self, at: 2), deduplicationID: try row.decode(String.self, at: 3),
                attributes: Self.decodeAttributes(try row.decode(String.self, at: 4)), receiveCount: try row.decode(Int.self, at: 5),
                sentAt: Self.date(try row.decode(Double?.self, at: 6)), firstReceivedAt: Self.date(try row.decode(Double?.self, at: 7)),
                lastReceivedAt: Self.date(try row.decode(Double?.self, at: 8)),
                deadLetteredAt: Self.date(try row.decode(Double?.self, at: 9)))
        }
    }

    /// Reads the group's rows in both tables in one statement (one snapshot), so a message
    /// moving between them is seen once. A row is in flight while it holds a receipt handle
    /// and its `visible_at` is still ahead; `deadLetterLimit` does not apply (nothing is received).
    public func lookUp(groupID: String, deadLetterLimit: Int) async throws -> GroupLookup {
        let rows = try await pool.query(
            """
            SELECT false, id, body, dedup_id, attributes::text, receive_count, extract(epoch FROM sent_at)::float8,
                   extract(epoch FROM first_received_at)::float8, extract(epoch FROM last_received_at)::float8,
                   extract(epoch FROM visible_at)::float8, receipt_handle IS NOT NULL AND visible_at > clock_timestamp(), NULL::float8
            FROM refarch_queue_messages WHERE queue = $1 AND group_id = $2
            UNION ALL
            SELECT true, id, body, dedup_id, attributes::text, receive_count, extract(epoch FROM sent_at)::float8,
                   extract(epoch FROM first_received_at)::float8, extract(epoch FROM last_received_at)::float8,
                   NULL::float8, false, extract(epoch FROM dead_lettered_at)::float8
            FROM refarch_queue_dead_letters WHERE queue = $1 AND group_id = $2
            ORDER BY 1, 2
            """, [options.queueName, groupID], operation: "look up group \(groupID) in the \(name) queue")
        var messages: [LocatedMessage] = []
        var deadLetters = 0
        for row in rows {
            let isDead = try row.decode(Bool.self, at: 0)
            let message = QueuedMessage(
                messageID: String(try row.decode(Int64.self, at: 1)), body: try row.decode(String.self, at: 2), groupID: groupID,
                deduplicationID: try row.decode(String.self, at: 3), attributes: Self.decodeAttributes(try row.decode(String.self, at: 4)),
                receiveCount: try row.decode(Int.self, at: 5), sentAt: Self.date(try row.decode(Double?.self, at: 6)),
                firstReceivedAt: Self.date(try row.decode(Double?.self, at: 7)),
                lastReceivedAt: Self.date(try row.decode(Double?.self, at: 8)),
                deadLetteredAt: Self.date(try row.decode(Double?.self, at: 11)))
            if isDead {
                deadLetters += 1
                messages.append(LocatedMessage(message: message, place: .deadLettered))
            } else if try row.decode(Bool.self, at: 10) {
                messages.append(
                    LocatedMessage(message: message, place: .inFlight, visibleAgainAt: Self.date(try row.decode(Double?.self, at: 9))))
            } else {
                messages.append(LocatedMessage(message: message, place: .waiting))
            }
        }
        return GroupLookup(
            messages: messages, searchedJobs: true, deadLettersScanned: deadLetters, deadLettersComplete: true,
            maxReceiveCount: options.maxReceiveCount)
    }

    /// Moves dead letters back in one statement (so in one transaction): each row leaves the
    /// DLQ exactly when its copy enters the jobs queue, with the same group and dedup id and
    /// a new message id, behind the messages its group already has (as an SQS redrive does).
    /// Deduplication does not apply: this is a move, not a second send.
    /// In batches of ``redriveBatchSize`` in id order (so each group keeps its order), one
    /// transaction each: a stop between batches leaves every message in one queue or the other.
    public func redriveDeadLetters(messageIDs: [String]?, progress: @escaping @Sendable (RedriveSummary) -> Void) async throws
        -> RedriveSummary
    {
        let queue = options.queueName
        var summary = RedriveSummary(moved: 0, method: "transaction")
        func move(_ ids: [Int64]?) async throws -> Int {
            try await pool.query(
                """
                WITH moved AS (
                    DELETE FROM refarch_queue_dead_letters WHERE id IN (
                        SELECT id FROM refarch_queue_dead_letters
                        WHERE queue = $1 AND ($2::bigint[] IS NULL OR id = ANY($2::bigint[]))
                        ORDER BY id LIMIT $3)
                    RETURNING id, group_id, dedup_id, body, attributes
                )
                INSERT INTO refarch_queue_messages (queue, group_id, dedup_id, body, attributes)
                SELECT $1, group_id, dedup_id, body, attributes FROM moved ORDER BY id
                """, [queue, ids.map { PostgresArray($0) }, Self.redriveBatchSize], operation: "redrive the \(deadLetterName) queue"
            ).affectedRows
        }
        if let messageIDs {
            let ids = Array(Set(messageIDs.compactMap { Int64($0) })).sorted()
            for start in stride(from: 0, to: ids.count, by: Self.redriveBatchSize) {
                summary.moved += try await move(Array(ids[start..<min(ids.count, start + Self.redriveBatchSize)]))
                progress(summary)
            }
            summary.notFound = Set(messageIDs).count - summary.moved
        } else {
            while true {
                let moved = try await move(nil)
                if moved == 0 { break }
                summary.moved += moved
                progress(summary)
            }
        }
        logger.info("Dead letters redriven", metadata: [LogKey.queue: "\(queue)", LogKey.count: "\(summary.moved)"])
        return summary
    }

    /// How soon a poll looks again when a group head is visible but was not claimable.
    static let recheckMilliseconds: Int64 = 20

    /// Dead letters moved per transaction by a redrive.
    static let redriveBatchSize = 500

    public func deleteDeadLetters(messageIDs: [String]) async throws -> Int {
        let ids = Array(Set(messageIDs.compactMap { Int64($0) }))
        guard !ids.isEmpty else { return 0 }
        return try await pool.query(
            "DELETE FROM refarch_queue_dead_letters WHERE queue = $1 AND id = ANY($2::bigint[])",
            [options.queueName, PostgresArray(ids)], operation: "delete dead letters of the \(name) queue"
        ).affectedRows
    }

    public func purge(_ role: QueueRole) async throws -> Int? {
        let table = role == .jobs ? "refarch_queue_messages" : "refarch_queue_dead_letters"
        return try await pool.query(
            "DELETE FROM \(table) WHERE queue = $1", [options.queueName],
            operation: "purge the \(role == .jobs ? name : deadLetterName) queue"
        ).affectedRows
    }

    // MARK: Helpers

    static func checkVisibility(_ timeout: Duration) throws {
        guard timeout >= .zero, timeout <= .seconds(43_200) else {
            throw JobQueueError.invalidArgument("A visibility timeout must be between 0 and 12 hours.")
        }
    }

    /// Receipt handles are UUIDs here; anything else cannot name a message.
    static func splitHandles(_ handles: [String]) -> (valid: [String], invalid: [ReceiptFailure]) {
        var valid: [String] = []
        var invalid: [ReceiptFailure] = []
        for handle in handles {
            if let uuid = UUID(uuidString: handle) {
                valid.append(uuid.uuidString.lowercased())
            } else {
                invalid.append(ReceiptFailure(receiptHandle: handle, code: "ReceiptHandleIsInvalid", message: "not a receipt handle"))
            }
        }
        return (valid, invalid)
    }

    static func stale(_ handles: [String], done: Set<String>) -> [ReceiptFailure] {
        handles.filter { !done.contains($0) }.map {
            ReceiptFailure(
                receiptHandle: $0, code: "MessageNotInflight",
                message: "the handle is stale: the message was deleted or received again by another consumer")
        }
    }

    static func encodeAttributes(_ attributes: [String: String]) -> String {
        JSONValue.object(attributes.mapValues { .string($0) }).jsonText
    }

    static func decodeAttributes(_ json: String) -> [String: String] {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)), let object = value.objectValue else {
            return [:]
        }
        return object.compactMapValues { value in
            switch value {
            case .string(let s): return s
            case .null: return nil
            default: return value.jsonText
            }
        }
    }

    static func date(_ seconds: Double?) -> Date? { seconds.map { Date(timeIntervalSince1970: $0) } }
}

/// Whether the LISTEN connection is in effect (shared with the task that follows it).
final class ListeningFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set(_ newValue: Bool) { value.store(newValue, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
