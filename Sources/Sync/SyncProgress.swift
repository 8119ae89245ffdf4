import Catalog
import Operations
import Postgres

/// Reads how far a product change has travelled (outbox → queue → index) and how much of
/// the catalog the index holds at its latest version: the console's sync trail and its
/// status-bar indexing figure, on either backend.
///
/// The trail reads the outbox and the product versions in Postgres (where they live on
/// every backend) and asks the index, through `VectorIndex`, for the product's first
/// vector. The indexed count comes from the index's own ``IndexProgressReading``, chosen
/// where the index is wired, so nothing here asks which index it has.
public struct SyncProgressReader: SyncOperations {
    let pool: PostgresPool
    let index: @Sendable () async throws -> any VectorIndex
    let progress: any IndexProgressReading

    /// - Parameters:
    ///   - index: the vector index; may throw "not ready yet" while it opens (the trail
    ///     then says so and asks again).
    ///   - progress: how this index counts the indexed products.
    public init(pool: PostgresPool, index: @escaping @Sendable () async throws -> any VectorIndex, progress: any IndexProgressReading) {
        self.pool = pool
        self.index = index
        self.progress = progress
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
    public func syncStage(of id: ProductID, changeSequence sequence: Int64) async throws -> SyncStage {
        let index = try await self.index()
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

    /// Products whose latest change is in the index, of all products.
    public func indexProgress() async throws -> IndexProgress {
        try await progress.indexProgress()
    }
}

/// The indexed figure of an index that can only count its vectors (Pinecone): vectors in
/// the namespace (chunks included), capped at the number of products.
public struct VectorCountProgress: IndexProgressReading {
    let pool: PostgresPool
    let index: @Sendable () async throws -> any VectorIndex
    let namespace: String

    public init(pool: PostgresPool, namespace: String, index: @escaping @Sendable () async throws -> any VectorIndex) {
        self.pool = pool
        self.index = index
        self.namespace = namespace
    }

    public func indexProgress() async throws -> IndexProgress {
        let total = try await pool.query("SELECT count(*) FROM products_with_increment", operation: "count products")
        let count = try total.first?.decode(Int.self, at: 0) ?? 0
        let stats = try await index().stats()
        let vectors = stats.namespaces[namespace] ?? stats.totalVectorCount
        return IndexProgress(indexed: min(count, vectors), total: count)
    }
}
