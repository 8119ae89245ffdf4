import Catalog
import Foundation
import Logging
import Operations
import Postgres

/// Compares the catalog in Postgres with the vector index: products with no vectors
/// (missing), vectors of products that are gone (extra), and stale vectors of two kinds:
/// text-stale (made from another text than the product's now, by `text_hash`, or with
/// another embedding template: they must be embedded again) and metadata-stale (the text
/// is current but the metadata is older than the product's latest change: emu only has to
/// update it). Everything else is current.
public struct Verifier: Sendable {
    /// What `verify` found, with a few example product ids of each kind.
    public struct Report: Sendable, Hashable, Codable {
        public var products: Int
        public var indexedProducts: Int
        public var missing: Int
        public var extra: Int
        /// Text-stale plus metadata-stale products.
        public var stale: Int
        /// Products whose vectors were made from another text or template.
        public var textStale: Int
        /// Products whose vectors hold their current text but older metadata (a price, a date).
        public var metadataStale: Int
        public var missingExamples: [Int64]
        public var extraExamples: [Int64]
        public var staleExamples: [Int64]
        public var textStaleExamples: [Int64]
        public var metadataStaleExamples: [Int64]
        /// Products enqueued by `--repair` (0 without it).
        public var repaired: Int
        /// Fixes enqueued as upserts (missing and stale products) and deletes (extra ones).
        public var repairUpserts = 0
        public var repairDeletes = 0
        /// This run as recorded in `refarch_verify_runs` (when, by whom).
        public var recorded: IndexVerifyRecord?

        /// Products whose vectors are current: indexed, not extra, not stale.
        public var current: Int { indexedProducts - extra - stale }

        public var isClean: Bool { missing == 0 && extra == 0 && stale == 0 }

        enum CodingKeys: String, CodingKey {
            case products, missing, extra, stale, repaired
            case indexedProducts = "indexed_products"
            case missingExamples = "missing_examples"
            case extraExamples = "extra_examples"
            case staleExamples = "stale_examples"
            case textStale = "text_stale"
            case metadataStale = "metadata_stale"
            case textStaleExamples = "text_stale_examples"
            case metadataStaleExamples = "metadata_stale_examples"
            case repairUpserts = "repair_upserts"
            case repairDeletes = "repair_deletes"
            case recorded
        }
    }

    let pool: PostgresPool
    let index: any VectorIndex
    let template: EmbeddingTemplate
    /// Who runs it (user@host), recorded with the result in `refarch_verify_runs`.
    let ranBy: String
    let exampleCount = 5

    public init(pool: PostgresPool, index: any VectorIndex, template: EmbeddingTemplate = .standard, ranBy: String = SyncControl.actor) {
        self.pool = pool
        self.index = index
        self.template = template
        self.ranBy = ranBy
    }

    /// Runs the comparison; with `repair`, enqueues the fixes through the outbox (upserts
    /// for missing and stale products, deletes for extra ones) for the workers to apply (emu
    /// embeds the text-stale ones again and updates only the metadata of the others).
    ///
    /// Every run is recorded (``VerifyRecords``); `progress` is told (checked, total) as the
    /// products' vectors are fetched.
    public func run(repair: Bool = false, progress: @Sendable (_ checked: Int, _ total: Int) -> Void = { _, _ in }) async throws
        -> Report
    {
        let rows = try await pool.query(
            """
            SELECT p.id, coalesce(v.seq, 0), coalesce(p.name, ''), coalesce(p.description, ''), coalesce(p.sku, '')
            FROM products_with_increment p
            LEFT JOIN refarch_product_versions v ON v.product_id = p.id
            """, operation: "read product versions")
        var expected: [Int64: Int64] = [:]
        var textHashes: [Int64: String] = [:]
        for row in rows {
            let id = try row.decode(Int64.self, at: 0)
            expected[id] = try row.decode(Int64.self, at: 1)
            textHashes[id] = EmbeddingTemplate.textHash(
                of: template.document(
                    name: try row.decode(String.self, at: 2), description: try row.decode(String.self, at: 3),
                    sku: try row.decode(String.self, at: 4)))
        }

        // Every vector id, grouped by product; chunk 0's metadata carries the seq and template.
        var indexed = Set<Int64>()
        for id in try await index.listIDs(prefix: "") {
            if let product = Int64(id.split(separator: "#", maxSplits: 1).first ?? "") { indexed.insert(product) }
        }
        var missing: [Int64] = [], extra: [Int64] = [], textStale: [Int64] = [], metadataStale: [Int64] = []
        for product in expected.keys.sorted() where !indexed.contains(product) { missing.append(product) }
        for product in indexed.sorted() where expected[product] == nil { extra.append(product) }
        let present = indexed.filter { expected[$0] != nil }.sorted()
        progress(0, present.count)
        for start in stride(from: 0, to: present.count, by: 1000) {
            let batch = Array(present[start..<min(start + 1000, present.count)])
            let records = try await index.fetch(ids: batch.map { "\($0)#0" })
            var seen = Set<Int64>()
            for record in records {
                guard let product = Int64(record.id.split(separator: "#").first ?? "") else { continue }
                seen.insert(product)
                switch VectorFreshness.classify(
                    seq: record.metadata["seq"]?.numberValue.map { Int64($0) }, textHash: record.metadata["text_hash"]?.stringValue,
                    template: record.metadata["template"]?.stringValue, latestSeq: expected[product] ?? 0,
                    expectedTextHash: textHashes[product] ?? "", expectedTemplate: template.fingerprint)
                {
                case .textStale: textStale.append(product)
                case .metadataStale: metadataStale.append(product)
                case .current, .missing: break
                }
            }
            // A product with chunks but no chunk 0 is damaged: it must be embedded again.
            textStale.append(contentsOf: batch.filter { !seen.contains($0) })
            progress(start + batch.count, present.count)
        }
        textStale.sort()
        metadataStale.sort()
        let stale = (textStale + metadataStale).sorted()
        var upserted = 0, deleted = 0
        if repair, !(missing.isEmpty && stale.isEmpty && extra.isEmpty) {
            let toUpsert = PostgresArray(missing + stale), toDelete = PostgresArray(extra)
            (upserted, deleted) = try await pool.withConnection { connection in
                try await connection.transaction(operation: "enqueue repairs") { conn in
                    let upserts = try conn.execute(
                        """
                        INSERT INTO refarch_outbox (product_id, op) SELECT unnest($1::bigint[]), 'update'
                        """, [toUpsert], operation: "enqueue repairs")
                    let deletes = try conn.execute(
                        """
                        INSERT INTO refarch_outbox (product_id, op) SELECT unnest($1::bigint[]), 'delete'
                        """, [toDelete], operation: "enqueue repairs")
                    try conn.execute("SELECT pg_notify('refarch_outbox', current_schema())", operation: "wake pelican")
                    return (upserts, deletes)
                }
            }
        }
        var report = Report(
            products: expected.count, indexedProducts: indexed.count, missing: missing.count, extra: extra.count,
            stale: stale.count, textStale: textStale.count, metadataStale: metadataStale.count,
            missingExamples: Array(missing.prefix(exampleCount)), extraExamples: Array(extra.prefix(exampleCount)),
            staleExamples: Array(stale.prefix(exampleCount)), textStaleExamples: Array(textStale.prefix(exampleCount)),
            metadataStaleExamples: Array(metadataStale.prefix(exampleCount)), repaired: upserted + deleted)
        report.repairUpserts = upserted
        report.repairDeletes = deleted
        report.recorded = try await VerifyRecords(pool: pool).record(report, by: ranBy)
        return report
    }
}
