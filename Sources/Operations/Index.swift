// The index seam (issue 20 §3): does the vector index (Pinecone or local) agree with the
// catalog in Postgres? For the console's index view and `refarch-tui index stats|verify|repair`.
// One method per read or action; the implementation lives in Sync, beside `verify`.
import Foundation
import UserFacing

/// Reads the index's figures and the last `verify`, and verifies, repairs or reindexes.
public protocol IndexOperations: Sendable {
    /// Dimension, metric, vectors and namespaces; products in Postgres against products in
    /// the index; the last recorded `verify` and any verify running now in this process.
    ///
    /// Counting the products in the index lists every vector id (on Pinecone one call per
    /// 100 ids), so `countingProducts` false gives the count from the last listing (listing
    /// now only when there was none): the cheap read for a view's periodic refresh.
    func indexStatus(countingProducts: Bool) async throws -> IndexStatus

    /// Compares the catalog with the index (read-only), records the result in Postgres and
    /// returns it. `progress` is called as products are checked.
    func verifyIndex(progress: @escaping @Sendable (IndexVerifyProgress) -> Void) async throws -> IndexVerifyRecord

    /// Verifies, then enqueues the fixes through the outbox (upserts for missing and stale
    /// products, deletes for orphaned vectors) for the workers to apply.
    func repairIndex() async throws -> IndexRepair

    /// Enqueues every product for indexing again (resuming a stopped reindex of all).
    func reindexAll() async throws -> Int
}

extension IndexOperations {
    /// The figures with the products in the index counted now (`index stats`, opening a view).
    public func indexStatus() async throws -> IndexStatus { try await indexStatus(countingProducts: true) }
}

/// The answer of ``IndexOperations/indexStatus()``. Its JSON keys (`index stats --json`) are
/// camel case, as are the verify record's in it and the ops commands' (`services`, `queue`,
/// `alerts`, `db status`).
public struct IndexStatus: Sendable, Hashable, Codable {
    /// "pinecone" or "local".
    public var backend: String
    /// The Pinecone host or the local index's table.
    public var location: String
    public var namespace: String
    public var dimension: Int
    public var metric: String
    public var totalVectorCount: Int
    public var namespaces: [String: Int]
    /// Products in Postgres; nil when the catalog could not be read (``catalogError``).
    public var productsInDatabase: Int?
    /// Distinct products that have at least one vector in the index's namespace.
    public var productsInIndex: Int
    /// When ``productsInIndex`` was counted: earlier than ``readAt`` when the read reused
    /// the last count (``IndexOperations/indexStatus(countingProducts:)``); nil: at `readAt`.
    public var productsCountedAt: Date?
    /// The last recorded `verify` (any process, any user); nil when none has run.
    public var lastVerify: IndexVerifyRecord?
    /// Why the catalog's side (product count, last verify) could not be read; the index's
    /// figures are shown all the same.
    public var catalogError: String?
    /// A verify this process is running now, with how far it has got.
    public var verifyRunning: IndexVerifyProgress?
    public var readAt: Date

    public init(
        backend: String, location: String, namespace: String, dimension: Int, metric: String, totalVectorCount: Int,
        namespaces: [String: Int], productsInDatabase: Int?, productsInIndex: Int, lastVerify: IndexVerifyRecord?,
        catalogError: String? = nil, verifyRunning: IndexVerifyProgress? = nil, readAt: Date, productsCountedAt: Date? = nil
    ) {
        self.backend = backend
        self.location = location
        self.namespace = namespace
        self.dimension = dimension
        self.metric = metric
        self.totalVectorCount = totalVectorCount
        self.namespaces = namespaces
        self.productsInDatabase = productsInDatabase
        self.productsInIndex = productsInIndex
        self.lastVerify = lastVerify
        self.catalogError = catalogError
        self.verifyRunning = verifyRunning
        self.readAt = readAt
        self.productsCountedAt = productsCountedAt
    }

    /// True when the counts already show the index and the catalog disagree.
    public var countsDiffer: Bool { productsInDatabase.map { $0 != productsInIndex } ?? false }
}

/// One recorded `verify` run: what it found, when and by whom.
public struct IndexVerifyRecord: Sendable, Hashable, Codable {
    public var products: Int
    public var indexedProducts: Int
    /// Vectors made from the product's current text, with current metadata.
    public var current: Int
    /// Current text, older metadata (a price, a date): emu only updates the metadata.
    public var metadataStale: Int
    /// Made from another text or template: embedded again.
    public var textStale: Int
    /// Products with no vectors.
    public var missing: Int
    /// Vectors of products that are gone.
    public var orphaned: Int
    /// Fixes enqueued by this run (0 unless it repaired).
    public var repaired: Int
    public var ranAt: Date
    /// user@host (or the worker) that ran it.
    public var ranBy: String

    public init(
        products: Int, indexedProducts: Int, current: Int, metadataStale: Int, textStale: Int, missing: Int, orphaned: Int,
        repaired: Int, ranAt: Date, ranBy: String
    ) {
        self.products = products
        self.indexedProducts = indexedProducts
        self.current = current
        self.metadataStale = metadataStale
        self.textStale = textStale
        self.missing = missing
        self.orphaned = orphaned
        self.repaired = repaired
        self.ranAt = ranAt
        self.ranBy = ranBy
    }

    /// Products a repair would enqueue: missing and stale ones upserted, orphaned ones deleted.
    public var drift: Int { metadataStale + textStale + missing + orphaned }
    public var isClean: Bool { drift == 0 }
}

/// How far a running verify has got: products checked of the products to check.
public struct IndexVerifyProgress: Sendable, Hashable, Codable {
    public var checked: Int
    public var total: Int
    public var startedAt: Date

    public init(checked: Int, total: Int, startedAt: Date) {
        self.checked = checked
        self.total = total
        self.startedAt = startedAt
    }
}

/// What a repair enqueued, with the verify it was based on.
public struct IndexRepair: Sendable, Hashable, Codable {
    /// Missing and stale products enqueued for upserting.
    public var upserts: Int
    /// Orphaned products enqueued for deleting.
    public var deletes: Int
    public var verify: IndexVerifyRecord

    public init(upserts: Int, deletes: Int, verify: IndexVerifyRecord) {
        self.upserts = upserts
        self.deletes = deletes
        self.verify = verify
    }

    public var enqueued: Int { upserts + deletes }
}

/// An index action that cannot be done, said so a person knows what to do.
public enum IndexOperationError: UserFacingError, Sendable, Hashable {
    /// An action refused because read-only mode is on.
    case readOnly(action: String)
    /// A verify is already running in this process.
    case verifyAlreadyRunning

    public var summary: String {
        switch self {
        case let .readOnly(action): "Refusing to \(action): read-only mode is on."
        case .verifyAlreadyRunning: "A verify is already running."
        }
    }

    public var remedy: String? {
        switch self {
        case .readOnly: "Run without --read-only and with REFARCH_READ_ONLY unset to make changes."
        case .verifyAlreadyRunning: "Wait for it to finish; its result shows in the index view and `refarch-tui index stats`."
        }
    }

    /// Refused (exit 3) rather than failed (exit 1).
    public var exitClass: ExitClass { .refused }
}

/// Wraps an implementation and refuses repair and reindex in read-only mode, before anything
/// is enqueued; reads and verify (read-only itself) pass through.
public struct ReadOnlyIndexOperations: IndexOperations {
    public let base: any IndexOperations

    public init(_ base: any IndexOperations) { self.base = base }

    public func indexStatus(countingProducts: Bool) async throws -> IndexStatus {
        try await base.indexStatus(countingProducts: countingProducts)
    }
    public func verifyIndex(progress: @escaping @Sendable (IndexVerifyProgress) -> Void) async throws -> IndexVerifyRecord {
        try await base.verifyIndex(progress: progress)
    }
    public func repairIndex() async throws -> IndexRepair { throw IndexOperationError.readOnly(action: "repair the index") }
    public func reindexAll() async throws -> Int { throw IndexOperationError.readOnly(action: "reindex all products") }
}
