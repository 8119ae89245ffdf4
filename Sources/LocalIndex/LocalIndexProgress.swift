import Operations
import Postgres

/// The local index's indexed figure in one query: its vectors live in the catalog's own
/// database (`refarch_vectors`), so it counts products whose first vector carries their
/// latest change's seq, without loading any vector (it answers while the index opens).
public struct LocalIndexProgress: IndexProgressReading {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func indexProgress() async throws -> IndexProgress {
        let rows = try await pool.query(
            """
            SELECT (SELECT count(*) FROM products_with_increment),
                   (SELECT count(*) FROM refarch_vectors x
                      JOIN refarch_product_versions v ON v.product_id = x.product_id AND NOT v.deleted
                      WHERE x.chunk = 0 AND (x.metadata->>'seq')::numeric >= v.seq)
            """, operation: "count indexed products")
        guard let row = rows.first else { return IndexProgress(indexed: 0, total: 0) }
        return IndexProgress(indexed: try row.decode(Int.self, at: 1), total: try row.decode(Int.self, at: 0))
    }
}
