import Catalog
import Foundation
import Operations
import Postgres
import Search
import UserFacing

/// Answers "why isn't this product searchable?" (issue 20 §5): follows one product's latest
/// change through the outbox, pelican, the job queue (and its DLQ), the index and a search
/// for the product's own name, and says which stage is the first not done and what to do.
///
/// Read-only on every backend: Postgres is only read; the embedded queue is read from its
/// tables; SQS's DLQ is looked at by ``JobQueue/lookUp(groupID:deadLetterLimit:)``, which
/// releases every message it received. A stage whose backend fails is reported `unknown`
/// with its error; the others are still traced.
public struct ProductTracer: ProductTracing {
    public struct Options: Sendable {
        /// Results a search for the product's name looks through.
        public var searchDepth: Int
        /// Dead letters an SQS DLQ search looks at, at most.
        public var deadLetterLimit: Int

        public init(searchDepth: Int = 100, deadLetterLimit: Int = 1000) {
            self.searchDepth = searchDepth
            self.deadLetterLimit = deadLetterLimit
        }
    }

    let pool: PostgresPool
    let store: any ProductStore
    let queue: any JobQueue
    let queueBackend: String
    let index: any VectorIndex
    let indexBackend: String
    /// Nil when there is no embedder (no model): the search stage is then `unknown`.
    let search: SearchService?
    let template: EmbeddingTemplate
    let options: Options
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - queueBackend, indexBackend: names for the answer ("postgres"/"sqs", "local"/"pinecone").
    ///   - search: the search the console and `search` use; nil skips the rank (no model).
    public init(
        pool: PostgresPool, store: any ProductStore, queue: any JobQueue, queueBackend: String, index: any VectorIndex,
        indexBackend: String, search: SearchService?, template: EmbeddingTemplate = .standard, options: Options = Options(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.pool = pool
        self.store = store
        self.queue = queue
        self.queueBackend = queueBackend
        self.index = index
        self.indexBackend = indexBackend
        self.search = search
        self.template = template
        self.options = options
        self.now = now
    }

    public func trace(_ target: TraceTarget) async throws -> ProductTrace {
        let product = try await resolve(target)
        let id = product.id.rawValue
        let trail = try await readTrail(of: id)
        let latest = trail.seq ?? 0

        // Each backend's look may fail on its own; the trace goes on and says which one. The
        // queue and the index are asked at once (an SQS DLQ look takes a receive or more).
        async let lookingUp = capture { try await queue.lookUp(groupID: String(id), deadLetterLimit: options.deadLetterLimit) }
        async let reading = capture { try await indexState(of: product, latestSeq: latest) }
        let (lookup, vectors) = await (lookingUp, reading)
        var rank: Result<TraceSearchRank, any Error>?
        if let search, (try? vectors.get())?.state != .missing {
            rank = await capture { try await self.rank(of: product, with: search) }
        }

        var stages: [TraceStage] = []
        stages.append(changeStage(trail))
        let inOutbox = trail.outboxRows > 0
        stages.append(outboxStage(trail))
        stages.append(pelicanStage(trail, latest: latest))
        let queueStage = self.queueStage(lookup, latest: latest, inOutbox: inOutbox, paused: trail.paused, vectors: try? vectors.get())
        stages.append(queueStage)
        let upstreamDone = stages.allSatisfy { $0.status == .done }
        stages.append(indexStage(vectors, upstreamDone: upstreamDone))
        stages.append(
            searchStage(rank, product: product, vectors: try? vectors.get(), upstreamDone: stages.allSatisfy { $0.status == .done }))
        return ProductTrace(
            productID: id, sku: product.sku, name: product.name, queueBackend: queueBackend, indexBackend: indexBackend,
            tracedAt: now(), stages: stages)
    }

    // MARK: Reading

    /// The product, or the error that says it is unknown or deleted.
    func resolve(_ target: TraceTarget) async throws -> Product {
        switch target {
        case .sku(let sku):
            guard let product = try await store.product(sku: sku) else { throw TraceError.unknownSKU(sku) }
            return product
        case .id(let id):
            if let product = try await store.product(id: id) { return product }
            let trail = try await readTrail(of: id.rawValue)
            guard trail.deleted, let seq = trail.seq else { throw TraceError.unknownID(id.rawValue) }
            let left = try await index.listIDs(prefix: "\(id.rawValue)#").count
            throw TraceError.deleted(id: id.rawValue, seq: seq, at: trail.changedAt, vectorsLeft: left)
        }
    }

    /// What Postgres knows of the product's latest change, in one statement (one snapshot).
    struct Trail: Sendable {
        var seq: Int64?
        var deleted = false
        var operation: String?
        var changedAt: Date?
        var changedColumns: [String] = []
        var outboxRows = 0
        var oldestOutboxChange: Date?
        var sentSeq: Int64?
        var sentAt: Date?
        var paused = false
    }

    func readTrail(of id: Int64) async throws -> Trail {
        let rows = try await pool.query(
            """
            SELECT v.seq, coalesce(v.deleted, false), v.op, extract(epoch FROM v.changed_at)::float8,
                   coalesce(array_to_string(v.changed_columns, ','), ''),
                   (SELECT count(*) FROM refarch_outbox o WHERE o.product_id = p.id),
                   (SELECT extract(epoch FROM min(o.changed_at))::float8 FROM refarch_outbox o WHERE o.product_id = p.id),
                   s.seq, extract(epoch FROM s.sent_at)::float8,
                   coalesce((SELECT paused FROM refarch_sync_control), false)
            FROM (SELECT $1::bigint AS id) p
            LEFT JOIN refarch_product_versions v ON v.product_id = p.id
            LEFT JOIN refarch_product_sends s ON s.product_id = p.id
            """, [id], operation: "read the product's change trail")
        guard let row = rows.first else { return Trail() }
        func date(_ seconds: Double?) -> Date? { seconds.map { Date(timeIntervalSince1970: $0) } }
        return Trail(
            seq: try row.decode(Int64?.self, at: 0), deleted: try row.decode(Bool.self, at: 1),
            operation: try row.decode(String?.self, at: 2), changedAt: date(try row.decode(Double?.self, at: 3)),
            changedColumns: try row.decode(String.self, at: 4).split(separator: ",").map(String.init),
            outboxRows: try row.decode(Int.self, at: 5), oldestOutboxChange: date(try row.decode(Double?.self, at: 6)),
            sentSeq: try row.decode(Int64?.self, at: 7), sentAt: date(try row.decode(Double?.self, at: 8)),
            paused: try row.decode(Bool.self, at: 9))
    }

    /// The product's vectors against its latest seq and its text now (as `verify` judges them).
    func indexState(of product: Product, latestSeq: Int64) async throws -> TraceIndexState {
        let ids = try await index.listIDs(prefix: "\(product.id.rawValue)#")
        let expectedHash = EmbeddingTemplate.textHash(
            of: template.document(name: product.name, description: product.description, sku: product.sku))
        var state = TraceIndexState(
            state: .missing, vectorIDs: ids, seq: nil, textHash: nil, template: nil, expectedSeq: latestSeq,
            expectedTextHash: expectedHash, expectedTemplate: template.fingerprint)
        guard !ids.isEmpty else { return state }
        let first = "\(product.id.rawValue)#0"
        guard let metadata = try await index.fetchMetadata(ids: [first])[first] else {
            state.state = .textStale  // chunks without chunk 0: damaged, embed again
            return state
        }
        state.seq = metadata["seq"]?.numberValue.map { Int64($0) }
        state.textHash = metadata["text_hash"]?.stringValue
        state.template = metadata["template"]?.stringValue
        state.state = VectorFreshness.classify(
            seq: state.seq, textHash: state.textHash, template: state.template, latestSeq: latestSeq, expectedTextHash: expectedHash,
            expectedTemplate: template.fingerprint)
        return state
    }

    /// Searches for the product's name as a shopper would and finds the product's rank.
    func rank(of product: Product, with search: SearchService) async throws -> TraceSearchRank {
        let result = try await search.search(SearchRequest(query: product.name, topK: options.searchDepth))
        let hit = result.hits.first { $0.product.id == product.id }
        return TraceSearchRank(query: product.name, rank: hit?.rank, score: hit?.score, searched: options.searchDepth)
    }

    // MARK: Stages

    func changeStage(_ trail: Trail) -> TraceStage {
        let change = TraceChange(
            seq: trail.seq ?? 0, operation: trail.operation, changedAt: trail.changedAt, changedColumns: trail.changedColumns)
        var summary = trail.operation.map { "\($0), seq \(change.seq)" } ?? "seq \(change.seq)"
        if let at = trail.changedAt { summary += " at \(Self.format(at))" }
        if !trail.changedColumns.isEmpty { summary += "; changed \(trail.changedColumns.joined(separator: ", "))" }
        if trail.seq == nil || trail.seq == 0 { summary = "no change recorded since the catalog was migrated (seq 0)" }
        return TraceStage(kind: .change, status: .done, summary: summary, at: trail.changedAt, change: change)
    }

    func outboxStage(_ trail: Trail) -> TraceStage {
        guard trail.outboxRows > 0 else { return TraceStage(kind: .outbox, status: .done, summary: "not waiting in the outbox") }
        let rows = trail.outboxRows == 1 ? "1 row" : "\(trail.outboxRows) rows"
        let since = trail.oldestOutboxChange.map { " since \(Self.format($0))" } ?? ""
        return TraceStage(
            kind: .outbox, status: .waiting, summary: "waiting in the outbox\(since) (\(rows))", at: trail.oldestOutboxChange,
            remedy: trail.paused ? Self.resumeRemedy : Self.waitForPelican)
    }

    func pelicanStage(_ trail: Trail, latest: Int64) -> TraceStage {
        if trail.outboxRows > 0 { return TraceStage(kind: .pelican, status: .waiting, summary: "not sent yet") }
        if let sent = trail.sentSeq, let at = trail.sentAt, sent >= latest {
            return TraceStage(kind: .pelican, status: .done, summary: "sent seq \(sent) at \(Self.format(at))", at: at)
        }
        return TraceStage(kind: .pelican, status: .done, summary: "sent (when was not recorded: before this version's pelican)")
    }

    func queueStage(
        _ lookup: Result<GroupLookup, any Error>, latest: Int64, inOutbox: Bool, paused: Bool, vectors: TraceIndexState?
    ) -> TraceStage {
        let name = queue.name
        let found: GroupLookup
        switch lookup {
        case .failure(let error):
            return TraceStage(
                kind: .queue, status: .unknown, summary: "could not look in \(name): \(Self.describe(error))", error: Self.describe(error))
        case .success(let value): found = value
        }
        // The messages carrying the latest change (or a later repair); older ones were superseded.
        func seq(_ message: LocatedMessage) -> Int64? { try? QueueMessageCodec.decode(message.message.body).seq }
        let carrying = found.messages.filter { seq($0).map { $0 >= latest } ?? true }
        let older = found.messages.count - carrying.count
        func state(_ kind: TraceQueueState.State, _ message: LocatedMessage? = nil, queue: String = name) -> TraceQueueState {
            TraceQueueState(
                state: kind, queueName: queue, messageID: message?.message.messageID, seq: message.flatMap(seq),
                receiveCount: message?.message.receiveCount, maxReceiveCount: found.maxReceiveCount, sentAt: message?.message.sentAt,
                visibleAgainAt: message?.visibleAgainAt, deadLetteredAt: message?.message.deadLetteredAt,
                deadLetterReason: message?.message.deadLetterReason, olderMessages: older,
                deadLettersScanned: found.searchedJobs ? nil : found.deadLettersScanned,
                deadLettersComplete: found.searchedJobs ? nil : found.deadLettersComplete)
        }
        if let dead = carrying.last(where: { $0.place == .deadLettered }) {
            let reason = dead.message.deadLetterReason.map { ": \($0)" } ?? " after \(dead.message.receiveCount) receives"
            let at = dead.message.deadLetteredAt.map { " at \(Self.format($0))" } ?? ""
            return TraceStage(
                kind: .queue, status: .failed, summary: "dead-lettered in \(queue.deadLetterName)\(at)\(reason)",
                at: dead.message.deadLetteredAt ?? dead.message.sentAt,
                remedy: TraceRemedy(
                    action: .redrive, text: "Fix the cause, then move it back to the jobs queue.",
                    command: "refarch-tui queue redrive --id \(dead.message.messageID)"),
                queue: state(.deadLettered, dead, queue: queue.deadLetterName))
        }
        if let flying = carrying.first(where: { $0.place == .inFlight }) {
            let again = flying.visibleAgainAt.map { ", visible again at \(Self.format($0))" } ?? ""
            let max = found.maxReceiveCount.map { " of \($0)" } ?? ""
            let last = found.maxReceiveCount.map { flying.message.receiveCount >= $0 } ?? false
            let ifFails = last ? " This is its last receive: if it fails, it goes to the DLQ." : ""
            return TraceStage(
                kind: .queue, status: .waiting,
                summary: "in flight in \(name): received \(flying.message.receiveCount)\(max) times\(again)",
                at: flying.message.lastReceivedAt ?? flying.message.firstReceivedAt,
                remedy: TraceRemedy(
                    action: .wait,
                    text: "Emu is working on it; if emu stopped, the message is received again when it is visible.\(ifFails)"),
                queue: state(.inFlight, flying))
        }
        if let waiting = carrying.first(where: { $0.place == .waiting }) {
            let behind = found.messages.first { $0.place != .deadLettered } != waiting ? " behind an earlier message of this product" : ""
            let since = waiting.message.sentAt.map { " since \(Self.format($0))" } ?? ""
            return TraceStage(
                kind: .queue, status: .waiting, summary: "waiting in \(name)\(since)\(behind)", at: waiting.message.sentAt,
                remedy: paused ? Self.resumeRemedy : Self.waitForEmu, queue: state(.waiting, waiting))
        }
        if inOutbox {
            return TraceStage(kind: .queue, status: .waiting, summary: "not in the queue yet", queue: state(.notSent))
        }
        if found.searchedJobs {
            return TraceStage(
                kind: .queue, status: .done, summary: "processed: in neither \(name) nor \(queue.deadLetterName)",
                queue: state(.processed))
        }
        // SQS: the jobs queue cannot be looked at without receiving.
        var summary = "sent, not in \(queue.deadLetterName)"
        if !found.deadLettersComplete {
            summary +=
                found.deadLettersScanned >= options.deadLetterLimit
                ? " (looked at the first \(found.deadLettersScanned) dead letters only)"
                : " (some dead letters were hidden by another reader, not seen)"
        }
        let indexed = vectors.map { $0.state != .missing && ($0.seq ?? -1) >= latest } ?? false
        if indexed { return TraceStage(kind: .queue, status: .done, summary: summary, queue: state(.notInDeadLetters)) }
        return TraceStage(
            kind: .queue, status: .waiting, summary: summary + "; not indexed yet",
            remedy: TraceRemedy(
                action: .wait,
                text:
                    "It is in \(name) or with emu (SQS cannot be looked at without receiving). If `queue stats` shows \(name) empty and this stays, run the repair.",
                command: "refarch-tui verify --repair"),
            queue: state(.notInDeadLetters))
    }

    func indexStage(_ vectors: Result<TraceIndexState, any Error>, upstreamDone: Bool) -> TraceStage {
        let state: TraceIndexState
        switch vectors {
        case .failure(let error):
            return TraceStage(
                kind: .index, status: .unknown, summary: "could not read the index: \(Self.describe(error))", error: Self.describe(error))
        case .success(let value): state = value
        }
        let count = state.vectorIDs.count == 1 ? "1 vector" : "\(state.vectorIDs.count) vectors"
        let at = state.seq.map { "at seq \($0)" } ?? "without a seq"
        let summary: String
        switch state.state {
        case .current:
            return TraceStage(kind: .index, status: .done, summary: "current: \(count) \(at), text and template match", index: state)
        case .metadataStale: summary = "metadata stale: \(count) \(at), latest \(state.expectedSeq) (text matches)"
        case .textStale:
            let why = state.template != state.expectedTemplate ? "another embedding template" : "another text"
            summary = "text stale: \(count) \(at) made from \(why)"
        case .missing: summary = "missing: no vectors"
        }
        // Behind, with the change still on its way: the earlier stage says what to do.
        guard upstreamDone else { return TraceStage(kind: .index, status: .waiting, summary: summary, index: state) }
        return TraceStage(
            kind: .index, status: .failed, summary: summary + "; nothing is on the way",
            remedy: TraceRemedy(
                action: .repair, text: "The change left the queue without reaching the index: enqueue the fix.",
                command: "refarch-tui verify --repair"),
            index: state)
    }

    func searchStage(
        _ rank: Result<TraceSearchRank, any Error>?, product: Product, vectors: TraceIndexState?, upstreamDone: Bool
    ) -> TraceStage {
        if vectors?.state == .missing { return TraceStage(kind: .search, status: .skipped, summary: "no vectors to find") }
        guard let rank else {
            let why = search == nil ? "no embedding model (set REFARCH_MODEL_DIR)" : "the index could not be read"
            return TraceStage(kind: .search, status: .unknown, summary: "not searched: \(why)", error: why)
        }
        switch rank {
        case .failure(let error):
            return TraceStage(
                kind: .search, status: .unknown, summary: "search failed: \(Self.describe(error))", error: Self.describe(error))
        case .success(let found):
            if let position = found.rank {
                let score = found.score.map { String(format: " (score %.3f)", $0) } ?? ""
                return TraceStage(
                    kind: .search, status: .done, summary: "ranks \(position) of \(found.searched) for its name\(score)", search: found)
            }
            let summary = "not in the top \(found.searched) for its name"
            guard upstreamDone else { return TraceStage(kind: .search, status: .waiting, summary: summary, search: found) }
            return TraceStage(
                kind: .search, status: .failed, summary: summary,
                remedy: TraceRemedy(
                    action: .inspect,
                    text:
                        "The index is current, so its own text ranks it this low: check its name and description, or the embedding template."
                ),
                search: found)
        }
    }

    // MARK: Wording

    static let resumeRemedy = TraceRemedy(
        action: .resume, text: "The sync is paused: changes wait until it is resumed.", command: "refarch-tui sync resume")
    static let waitForPelican = TraceRemedy(
        action: .wait, text: "Pelican sends it within seconds; check that `worker pelican` (or `run-local`) is running.")
    static let waitForEmu = TraceRemedy(
        action: .wait, text: "Emu receives it next; check that `worker emu` (or `run-local`) is running and keeping up.")

    /// UTC, to the second: `2026-12-07 11:02:03Z` (the trace's summaries write times so).
    public static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : String($0) } ?? "??" }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)):\(two(c.second))Z"
    }

    /// The outcome of one backend's look, so a failure leaves the other stages traced.
    func capture<T: Sendable>(_ body: @Sendable () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    static func describe(_ error: any Error) -> String {
        (error as? any UserFacingError)?.summary ?? String(describing: error)
    }
}

/// How a product's vectors compare with the product now, as `verify` and `trace` judge them:
/// chunk 0's metadata against the product's latest seq, its text's hash and the template.
public enum VectorFreshness {
    /// A vector written before text hashes were recorded has none: at the product's latest
    /// seq it holds that change's text (current); behind it, the text may have changed since
    /// (text-stale, to be safe).
    public static func classify(
        seq: Int64?, textHash: String?, template: String?, latestSeq: Int64, expectedTextHash: String, expectedTemplate: String
    ) -> TraceIndexState.State {
        let isBehind = (seq ?? -1) < latestSeq
        let textChanged = textHash.map { $0 != expectedTextHash } ?? isBehind
        if template != expectedTemplate || textChanged { return .textStale }
        return isBehind ? .metadataStale : .current
    }
}
