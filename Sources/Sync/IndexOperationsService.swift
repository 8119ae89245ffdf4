import Catalog
import Foundation
import Operations
import Postgres
import PostgresCatalog
import Synchronization
import UserFacing

/// The recorded `verify` runs (`refarch_verify_runs`): each run's counts, when and by whom.
public struct VerifyRecords: Sendable {
    /// How many runs are kept; older ones are dropped as new ones are recorded.
    public static let kept = 100

    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// Records one run's summary and returns it as recorded (with the database's time).
    @discardableResult
    public func record(_ report: Verifier.Report, by ranBy: String) async throws -> IndexVerifyRecord {
        let rows = try await pool.query(
            """
            WITH inserted AS (
                INSERT INTO refarch_verify_runs
                    (ran_by, products, indexed_products, current, metadata_stale, text_stale, missing, orphaned, repaired)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                RETURNING id, extract(epoch FROM ran_at)::float8
            ), pruned AS (
                DELETE FROM refarch_verify_runs WHERE id <= (SELECT id FROM inserted) - $10
            )
            SELECT extract FROM inserted
            """,
            [
                ranBy, report.products, report.indexedProducts, report.current, report.metadataStale, report.textStale,
                report.missing, report.extra, report.repaired, Self.kept,
            ], operation: "record the verify run")
        return IndexVerifyRecord(
            products: report.products, indexedProducts: report.indexedProducts, current: report.current,
            metadataStale: report.metadataStale, textStale: report.textStale, missing: report.missing, orphaned: report.extra,
            repaired: report.repaired, ranAt: Date(timeIntervalSince1970: try rows[0].decode(Double.self, at: 0)), ranBy: ranBy)
    }

    /// The latest recorded run, or nil when `verify` has never run on this catalog.
    public func latest() async throws -> IndexVerifyRecord? {
        let rows = try await pool.query(
            """
            SELECT products, indexed_products, current, metadata_stale, text_stale, missing, orphaned, repaired,
                   extract(epoch FROM ran_at)::float8, ran_by
            FROM refarch_verify_runs ORDER BY id DESC LIMIT 1
            """, operation: "read the last verify run")
        guard let row = rows.first else { return nil }
        return IndexVerifyRecord(
            products: try row.decode(Int.self, at: 0), indexedProducts: try row.decode(Int.self, at: 1),
            current: try row.decode(Int.self, at: 2), metadataStale: try row.decode(Int.self, at: 3),
            textStale: try row.decode(Int.self, at: 4), missing: try row.decode(Int.self, at: 5),
            orphaned: try row.decode(Int.self, at: 6), repaired: try row.decode(Int.self, at: 7),
            ranAt: Date(timeIntervalSince1970: try row.decode(Double.self, at: 8)), ranBy: try row.decode(String.self, at: 9))
    }
}

/// The index seam (``IndexOperations``) over the catalog's Postgres and its vector index,
/// Pinecone or local alike: figures from the index's own stats, the comparison from
/// ``Verifier`` (which records each run), repairs through the outbox and reindexing through
/// ``Reindexer``. Wrap it in ``ReadOnlyIndexOperations`` in read-only mode.
public final class VerifyingIndexOperations: IndexOperations {
    /// Where the index is, for titles and JSON.
    public struct Location: Sendable {
        public var backend: String
        public var location: String
        public var namespace: String
        public init(backend: String, location: String, namespace: String) {
            self.backend = backend
            self.location = location
            self.namespace = namespace
        }
    }

    let pool: PostgresPool
    let index: @Sendable () async throws -> (any VectorIndex, Location)
    let template: EmbeddingTemplate
    let ranBy: String
    /// The verify running in this process, if any (one at a time).
    private let running = Mutex<IndexVerifyProgress?>(nil)
    /// The products in the index as last counted (by listing every vector id), and when.
    private let productCount = Mutex<(count: Int, at: Date)?>(nil)

    /// `index` opens (or returns the opened) index; it is asked on each call.
    public init(
        pool: PostgresPool, template: EmbeddingTemplate = .standard, ranBy: String = SyncControl.actor,
        index: @escaping @Sendable () async throws -> (any VectorIndex, Location)
    ) {
        self.pool = pool
        self.template = template
        self.ranBy = ranBy
        self.index = index
    }

    public func indexStatus(countingProducts: Bool) async throws -> IndexStatus {
        let (index, location) = try await index()
        let stats = try await index.stats()
        let counted: (count: Int, at: Date)
        if !countingProducts, let last = productCount.withLock({ $0 }) {
            counted = last
        } else {
            var products = Set<Substring>()
            for id in try await index.listIDs(prefix: "") { products.insert(id.split(separator: "#", maxSplits: 1).first ?? "") }
            counted = (products.count, Date())
            productCount.withLock { $0 = counted }
        }
        // The catalog's side apart: when Postgres cannot be read the index's figures still show.
        var inDatabase: Int?, lastVerify: IndexVerifyRecord?, catalogError: String?
        do {
            inDatabase = try await pool.query("SELECT count(*) FROM products_with_increment", operation: "count the products")[0]
                .decode(Int.self, at: 0)
            lastVerify = try await VerifyRecords(pool: pool).latest()
        } catch {
            catalogError = (error as? any UserFacingError)?.summary ?? String(describing: error)
        }
        return IndexStatus(
            backend: location.backend, location: location.location, namespace: location.namespace, dimension: stats.dimension,
            metric: stats.metric, totalVectorCount: stats.totalVectorCount, namespaces: stats.namespaces,
            productsInDatabase: inDatabase, productsInIndex: counted.count, lastVerify: lastVerify, catalogError: catalogError,
            verifyRunning: running.withLock { $0 }, readAt: Date(), productsCountedAt: countingProducts ? nil : counted.at)
    }

    public func verifyIndex(progress: @escaping @Sendable (IndexVerifyProgress) -> Void) async throws -> IndexVerifyRecord {
        let report = try await verify(repair: false, progress: progress)
        return report.recorded ?? Self.record(report, by: ranBy)
    }

    public func repairIndex() async throws -> IndexRepair {
        let report = try await verify(repair: true, progress: { _ in })
        return IndexRepair(
            upserts: report.repairUpserts, deletes: report.repairDeletes,
            verify: report.recorded ?? Self.record(report, by: ranBy))
    }

    public func reindexAll() async throws -> Int { try await Reindexer(pool: pool).run(.all) { _, _ in } }

    /// Runs ``Verifier`` (which records the run), one at a time, keeping its progress for
    /// ``indexStatus(countingProducts:)``; the top-level `verify` command shares it for its full report.
    public func verify(repair: Bool, progress: @escaping @Sendable (IndexVerifyProgress) -> Void) async throws -> Verifier.Report {
        let startedAt = Date()
        let started = running.withLock { current -> Bool in
            guard current == nil else { return false }
            current = IndexVerifyProgress(checked: 0, total: 0, startedAt: startedAt)
            return true
        }
        guard started else { throw IndexOperationError.verifyAlreadyRunning }
        defer { running.withLock { $0 = nil } }
        let (index, _) = try await index()
        return try await Verifier(pool: pool, index: index, template: template, ranBy: ranBy).run(repair: repair) { checked, total in
            let now = IndexVerifyProgress(checked: checked, total: total, startedAt: startedAt)
            running.withLock { $0 = now }
            progress(now)
        }
    }

    static func record(_ report: Verifier.Report, by ranBy: String) -> IndexVerifyRecord {
        IndexVerifyRecord(
            products: report.products, indexedProducts: report.indexedProducts, current: report.current,
            metadataStale: report.metadataStale, textStale: report.textStale, missing: report.missing, orphaned: report.extra,
            repaired: report.repaired, ranAt: Date(), ranBy: ranBy)
    }
}
