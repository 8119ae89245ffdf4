import Catalog
import Postgres

/// Reads how far a product change has travelled (outbox → queue → index) and how much of
/// the catalog the index holds at its latest version: the console's sync progress and its
/// status-bar indexing figure.
public struct SyncProgressReader: Sendable {
    /// Where a change is: committed, still in the outbox, sent on, in the index.
    public enum Stage: Int, Sendable, Comparable {
        case saved, captured, sent, indexed
        public static func < (a: Stage, b: Stage) -> Bool { a.rawValue < b.rawValue }
    }

    let pool: PostgresPool
    let index: any VectorIndex
    /// True when the vectors live in this Postgres (`refarch_vectors`), so progress is one query.
    let vectorsInPostgres: Bool
    let namespace: String

    public init(pool: PostgresPool, index: any VectorIndex, vectorsInPostgres: Bool, namespace: String = "products") {
        self.pool = pool
        self.index = index
        self.vectorsInPostgres = vectorsInPostgres
        self.namespace = namespace
    }

    /// The seq of the product's latest change, nil if none is recorded.
    public func changeSequence(of id: ProductID) async throws -> Int64? {
        let rows = try await pool.query(
            "SELECT seq FROM refarch_product_versions WHERE product_id = $1", [id.rawValue],
            operation: "read the product's change seq")
        return try rows.first?.decode(Int64.self, at: 0)
    }

    /// How far change `sequence` of product `id` has got. A later change of the same
    /// product counts as having carried this one along.
    public func stage(of id: ProductID, changeSequence sequence: Int64) async throws -> Stage {
        let rows = try await pool.query(
            """
            SELECT coalesce((SELECT seq FROM refarch_product_versions WHERE product_id = $1), 0),
                   coalesce((SELECT deleted FROM refarch_product_versions WHERE product_id = $1), false),
                   EXISTS (SELECT 1 FROM refarch_outbox WHERE product_id = $1 AND seq <= $2)
            """, [id.rawValue, sequence], operation: "read the change's progress")
        guard let row = rows.first else { return .saved }
        let latest = try row.decode(Int64.self, at: 0)
        let deleted = try row.decode(Bool.self, at: 1)
        let inOutbox = try row.decode(Bool.self, at: 2)
        if latest < sequence { return .saved }
        if inOutbox { return .captured }
        let records = try await index.fetch(ids: ["\(id.rawValue)#0"])
        if deleted { return records.isEmpty ? .indexed : .sent }
        guard let seq = records.first?.metadata["seq"]?.numberValue else { return .sent }
        return Int64(seq) >= sequence ? .indexed : .sent
    }

    /// Products whose latest change is in the index, and all products. With vectors in
    /// Pinecone the indexed figure counts vectors (chunks included), capped at the total.
    public func progress() async throws -> (indexed: Int, total: Int) {
        if vectorsInPostgres {
            let rows = try await pool.query(
                """
                SELECT (SELECT count(*) FROM products_with_increment),
                       (SELECT count(*) FROM refarch_vectors x
                          JOIN refarch_product_versions v ON v.product_id = x.product_id AND NOT v.deleted
                          WHERE x.chunk = 0 AND (x.metadata->>'seq')::numeric >= v.seq)
                """, operation: "count indexed products")
            guard let row = rows.first else { return (0, 0) }
            return (try row.decode(Int.self, at: 1), try row.decode(Int.self, at: 0))
        }
        let total = try await pool.query("SELECT count(*) FROM products_with_increment", operation: "count products")
        let count = try total.first?.decode(Int.self, at: 0) ?? 0
        let stats = try await index.stats()
        let vectors = stats.namespaces[namespace] ?? stats.totalVectorCount
        return (min(count, vectors), count)
    }
}
