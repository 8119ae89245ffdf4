import Catalog
import Foundation
import UserFacing

// The trace of one product (issue 20 §5): "why isn't this product searchable?" answered in
// one place, stage by stage, for the console (`t`, `:trace`) and `refarch-tui trace`.
// The JSON names (snake_case, via the coding keys) are what `trace --json` prints: keep them.

/// Which product to trace: by id, or by SKU (ignoring case, as `products get --sku`).
public enum TraceTarget: Sendable, Hashable {
    case id(ProductID)
    case sku(String)
}

/// Answers a trace. The console and the CLI call this; `ProductTracer` (Sync) implements it
/// over the seam protocols, so it works on both backends.
public protocol ProductTracing: Sendable {
    /// Traces the product's latest change. Throws ``TraceError`` for an unknown or deleted product.
    func trace(_ target: TraceTarget) async throws -> ProductTrace
}

/// One product's latest change and how far it got, stage by stage, in pipeline order.
public struct ProductTrace: Sendable, Hashable, Codable {
    public var productID: Int64
    public var sku: String
    public var name: String
    /// The job queue and the index it was traced on ("postgres"/"sqs", "local"/"pinecone").
    public var queueBackend: String
    public var indexBackend: String
    public var tracedAt: Date
    /// change, outbox, pelican, queue, index, search: always all six, in this order.
    public var stages: [TraceStage]

    public init(
        productID: Int64, sku: String, name: String, queueBackend: String, indexBackend: String, tracedAt: Date,
        stages: [TraceStage]
    ) {
        self.productID = productID
        self.sku = sku
        self.name = name
        self.queueBackend = queueBackend
        self.indexBackend = indexBackend
        self.tracedAt = tracedAt
        self.stages = stages
    }

    /// The first stage that is not done: where the change is now, or where it is stuck.
    public var firstPending: TraceStage? { stages.first { $0.status != .done && $0.status != .skipped } }

    /// True when every stage is done: the product is searchable at its latest change.
    public var isComplete: Bool { firstPending == nil }

    public func stage(_ kind: TraceStage.Kind) -> TraceStage? { stages.first { $0.kind == kind } }

    enum CodingKeys: String, CodingKey {
        case sku, name, stages
        case productID = "product_id"
        case queueBackend = "queue_backend"
        case indexBackend = "index_backend"
        case tracedAt = "traced_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(productID, forKey: .productID)
        try container.encode(sku, forKey: .sku)
        try container.encode(name, forKey: .name)
        try container.encode(queueBackend, forKey: .queueBackend)
        try container.encode(indexBackend, forKey: .indexBackend)
        try container.encode(tracedAt, forKey: .tracedAt)
        try container.encode(stages, forKey: .stages)
        var extra = encoder.container(keyedBy: DerivedKeys.self)
        try extra.encode(firstPending?.kind, forKey: .firstPending)
        try extra.encode(isComplete, forKey: .complete)
    }

    /// Derived fields written for scripts (`first_pending`, `complete`); ignored when decoding.
    enum DerivedKeys: String, CodingKey {
        case firstPending = "first_pending"
        case complete
    }
}

/// One step of the pipeline for one product.
public struct TraceStage: Sendable, Hashable, Codable {
    /// The stages, in pipeline order.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The product's latest change (seq, when, what changed): committed in Postgres.
        case change
        /// The change's outbox row: gone once pelican sent it.
        case outbox
        /// Pelican sent the change to the job queue.
        case pelican
        /// The message in the job queue or its DLQ.
        case queue
        /// The vectors in the index, compared with the product's seq and text.
        case index
        /// Where a search for the product's own name ranks it.
        case search
    }

    /// How far the stage got.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Passed.
        case done
        /// On its way, nothing wrong yet: give it time (or see ``TraceStage/remedy``).
        case waiting
        /// Stuck: it will not move without the action in ``TraceStage/remedy``.
        case failed
        /// Cannot be seen from here (the stage's error says why).
        case unknown
        /// Does not apply (no search without vectors).
        case skipped
    }

    public var kind: Kind
    public var status: Status
    /// One line a person reads: "waiting in the outbox since 12:01:02 (2 rows)".
    public var summary: String
    /// When the stage happened, where known (changed, sent, dead-lettered, indexed…).
    public var at: Date?
    /// What to do when the stage is not done.
    public var remedy: TraceRemedy?
    /// The facts behind the summary, per stage (at most one of these is set).
    public var change: TraceChange?
    public var queue: TraceQueueState?
    public var index: TraceIndexState?
    public var search: TraceSearchRank?
    /// Why the stage could not be read (a backend error), when ``status`` is `unknown`.
    public var error: String?

    public init(
        kind: Kind, status: Status, summary: String, at: Date? = nil, remedy: TraceRemedy? = nil, change: TraceChange? = nil,
        queue: TraceQueueState? = nil, index: TraceIndexState? = nil, search: TraceSearchRank? = nil, error: String? = nil
    ) {
        self.kind = kind
        self.status = status
        self.summary = summary
        self.at = at
        self.remedy = remedy
        self.change = change
        self.queue = queue
        self.index = index
        self.search = search
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case kind = "stage"
        case status, summary, at, remedy, change, queue, index, search, error
    }
}

/// What to do about a stage that is not done.
public struct TraceRemedy: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable {
        /// Nothing is wrong yet: the workers will get to it (check they run).
        case wait
        /// The sync is paused: `refarch-tui sync resume`.
        case resume
        /// The message is in the DLQ: `refarch-tui queue redrive`.
        case redrive
        /// Nothing is on the way and the index is behind: `refarch-tui verify --repair`.
        case repair
        /// Nothing the pipeline can do: look at the product's text or the template.
        case inspect
    }

    public var action: Action
    /// The sentence shown after `hint:` or in the console.
    public var text: String
    /// The command that does it, when there is one.
    public var command: String?

    public init(action: Action, text: String, command: String? = nil) {
        self.action = action
        self.text = text
        self.command = command
    }
}

/// The product's latest change, from its versions row (kept after the outbox row is gone).
public struct TraceChange: Sendable, Hashable, Codable {
    public var seq: Int64
    /// insert, update or delete; nil for changes recorded before the trail kept it.
    public var operation: String?
    public var changedAt: Date?
    /// The columns an update changed (`price`, `description`…); empty for inserts and when unknown.
    public var changedColumns: [String]

    public init(seq: Int64, operation: String?, changedAt: Date?, changedColumns: [String]) {
        self.seq = seq
        self.operation = operation
        self.changedAt = changedAt
        self.changedColumns = changedColumns
    }

    enum CodingKeys: String, CodingKey {
        case seq, operation
        case changedAt = "changed_at"
        case changedColumns = "changed_columns"
    }
}

/// Where the message carrying the change is.
public struct TraceQueueState: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        /// In the jobs queue, not received yet (or held behind an earlier message of its product).
        case waiting
        /// Received by emu, not yet deleted: hidden until ``TraceQueueState/visibleAgainAt``.
        case inFlight = "in_flight"
        /// In the dead-letter queue.
        case deadLettered = "dead_lettered"
        /// In neither queue: processed (emu deleted it after the index accepted the write).
        case processed
        /// SQS: not in the DLQ; the jobs queue cannot be looked at without receiving (which
        /// would count towards dead-lettering), so "sent, not in the DLQ" is all that is known.
        case notInDeadLetters = "not_in_dlq"
        /// The change has not reached the queue yet (still in the outbox).
        case notSent = "not_sent"
    }

    public var state: State
    public var queueName: String
    public var messageID: String?
    /// The seq the message carries (nil for a reference-format message or when none was found).
    public var seq: Int64?
    public var receiveCount: Int?
    public var maxReceiveCount: Int?
    public var sentAt: Date?
    public var visibleAgainAt: Date?
    public var deadLetteredAt: Date?
    /// The reason a worker gave when it dead-lettered the message, if any.
    public var deadLetterReason: String?
    /// Messages of this product in the queues with an older seq (superseded by the latest change).
    public var olderMessages: Int
    /// SQS: how many dead letters were looked at, and whether that was the whole DLQ.
    public var deadLettersScanned: Int?
    public var deadLettersComplete: Bool?

    public init(
        state: State, queueName: String, messageID: String? = nil, seq: Int64? = nil, receiveCount: Int? = nil,
        maxReceiveCount: Int? = nil, sentAt: Date? = nil, visibleAgainAt: Date? = nil, deadLetteredAt: Date? = nil,
        deadLetterReason: String? = nil, olderMessages: Int = 0, deadLettersScanned: Int? = nil, deadLettersComplete: Bool? = nil
    ) {
        self.state = state
        self.queueName = queueName
        self.messageID = messageID
        self.seq = seq
        self.receiveCount = receiveCount
        self.maxReceiveCount = maxReceiveCount
        self.sentAt = sentAt
        self.visibleAgainAt = visibleAgainAt
        self.deadLetteredAt = deadLetteredAt
        self.deadLetterReason = deadLetterReason
        self.olderMessages = olderMessages
        self.deadLettersScanned = deadLettersScanned
        self.deadLettersComplete = deadLettersComplete
    }

    enum CodingKeys: String, CodingKey {
        case state, seq
        case queueName = "queue_name"
        case messageID = "message_id"
        case receiveCount = "receive_count"
        case maxReceiveCount = "max_receive_count"
        case sentAt = "sent_at"
        case visibleAgainAt = "visible_again_at"
        case deadLetteredAt = "dead_lettered_at"
        case deadLetterReason = "dead_letter_reason"
        case olderMessages = "older_messages"
        case deadLettersScanned = "dead_letters_scanned"
        case deadLettersComplete = "dead_letters_complete"
    }
}

/// The product's vectors, against its latest change and its text now.
public struct TraceIndexState: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        /// At the latest change, made from the product's text now with the current template.
        case current
        /// Made from the current text, but the metadata (price, date, seq) is older: emu only
        /// has to update the metadata.
        case metadataStale = "metadata_stale"
        /// Made from another text or template: must be embedded again.
        case textStale = "text_stale"
        /// No vectors at all.
        case missing
    }

    public var state: State
    /// `<id>#<chunk>`, in order.
    public var vectorIDs: [String]
    /// From chunk 0's metadata (nil when absent).
    public var seq: Int64?
    public var textHash: String?
    public var template: String?
    /// What they would be now: the product's latest seq, its text's hash, the template's fingerprint.
    public var expectedSeq: Int64
    public var expectedTextHash: String
    public var expectedTemplate: String

    public init(
        state: State, vectorIDs: [String], seq: Int64?, textHash: String?, template: String?, expectedSeq: Int64,
        expectedTextHash: String, expectedTemplate: String
    ) {
        self.state = state
        self.vectorIDs = vectorIDs
        self.seq = seq
        self.textHash = textHash
        self.template = template
        self.expectedSeq = expectedSeq
        self.expectedTextHash = expectedTextHash
        self.expectedTemplate = expectedTemplate
    }

    enum CodingKeys: String, CodingKey {
        case state, seq, template
        case vectorIDs = "vector_ids"
        case textHash = "text_hash"
        case expectedSeq = "expected_seq"
        case expectedTextHash = "expected_text_hash"
        case expectedTemplate = "expected_template"
    }
}

/// Where a search for the product's own name ranks it.
public struct TraceSearchRank: Sendable, Hashable, Codable {
    public var query: String
    /// 1-based; nil when it is not among the first ``searched`` results.
    public var rank: Int?
    public var score: Float?
    /// How many results were looked at.
    public var searched: Int

    public init(query: String, rank: Int?, score: Float?, searched: Int) {
        self.query = query
        self.rank = rank
        self.score = score
        self.searched = searched
    }
}

/// A trace that cannot start: the product is unknown or deleted.
public enum TraceError: UserFacingError, Equatable {
    case unknownID(Int64)
    case unknownSKU(String)
    /// Deleted at change `seq`; `vectorsLeft` of its vectors are still in the index.
    case deleted(id: Int64, seq: Int64, at: Date?, vectorsLeft: Int)

    public var summary: String {
        switch self {
        case .unknownID(let id): return "There is no product with id \(id), and none was deleted."
        case .unknownSKU(let sku): return "There is no product with SKU \"\(sku)\"."
        case .deleted(let id, let seq, _, _): return "Product \(id) was deleted (change \(seq)): there is nothing to search for."
        }
    }

    public var remedy: String? {
        switch self {
        case .unknownID: return "Check the id with `refarch-tui products list` or search by SKU with `trace --sku`."
        case .unknownSKU:
            return "Check the SKU with `refarch-tui products list --filter TEXT`; a deleted product's SKU is gone, so trace it by id."
        case .deleted(_, _, _, let left) where left == 0:
            return "Its vectors are gone from the index too: the delete went all the way through."
        case .deleted(_, _, _, let left):
            return
                "\(left) of its vectors are still in the index: emu removes them when the delete arrives; if it does not, run `refarch-tui verify --repair`."
        }
    }
}
