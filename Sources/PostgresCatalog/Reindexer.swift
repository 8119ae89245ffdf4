import Catalog
import Postgres

/// Puts products back through the pipeline by writing outbox rows for them, so pelican and
/// emu (re)index them exactly as they would a real change.
///
/// Resumable: progress (the last product id enqueued) is kept in `refarch_reindex` in the
/// same transaction as each batch, so a reindex stopped half-way continues where it
/// stopped, and nothing is enqueued twice by the resumed run.
public struct Reindexer: Sendable {
    /// Which products to enqueue.
    public enum Selection: Sendable, Hashable {
        case all
        /// Products whose `last_updated` is on or after the date.
        case since(LocalDate)
        case ids([ProductID])
    }

    public let pool: PostgresPool
    public let batchSize: Int

    public init(pool: PostgresPool, batchSize: Int = 5_000) {
        self.pool = pool
        self.batchSize = batchSize
    }

    /// Enqueues the selection in id order; `progress(done, total)` is called after each batch.
    /// Returns how many products were enqueued by this call.
    @discardableResult
    public func run(
        _ selection: Selection, restart: Bool = false,
        progress: @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> Int {
        let key = Self.key(selection)
        if restart {
            try await pool.query("DELETE FROM refarch_reindex WHERE selection = $1", [key], operation: "restart the reindex")
        }
        let (whereClause, extra) = Self.condition(selection)
        let startAfter = try await pool.query(
            """
            INSERT INTO refarch_reindex (selection, last_id) VALUES ($1, 0)
            ON CONFLICT (selection) DO UPDATE SET selection = EXCLUDED.selection RETURNING last_id
            """, [key], operation: "start the reindex")[0].decode(Int64.self, at: 0)
        let total = try await pool.query(
            "SELECT count(*) FROM products_with_increment WHERE \(whereClause)",
            [Int64(0)] + extra, operation: "count products to reindex")[0].decode(Int.self, at: 0)
        var done = try await pool.query(
            "SELECT count(*) FROM products_with_increment WHERE \(whereClause) AND id <= $\(2 + extra.count)",
            [Int64(0)] + extra + [startAfter], operation: "count reindexed products")[0].decode(Int.self, at: 0)
        var enqueued = 0
        var lastID = startAfter
        progress(done, total)
        while true {
            let after = lastID
            let batch = try await pool.withConnection { connection in
                try await connection.transaction(operation: "enqueue products") { conn -> (Int, Int64) in
                    let rows = try conn.query(
                        """
                        WITH picked AS (
                            SELECT id FROM products_with_increment WHERE \(whereClause) AND id > $\(2 + extra.count)
                            ORDER BY id LIMIT \(batchSize)
                        ), queued AS (
                            INSERT INTO refarch_outbox (product_id, op) SELECT id, 'update' FROM picked ORDER BY id RETURNING product_id
                        )
                        SELECT count(*), coalesce(max(product_id), 0) FROM queued
                        """, [Int64(0)] + extra + [after], operation: "enqueue products")
                    let count = try rows[0].decode(Int.self, at: 0)
                    let maxID = try rows[0].decode(Int64.self, at: 1)
                    guard count > 0 else { return (0, after) }
                    try conn.execute(
                        "UPDATE refarch_reindex SET last_id = $2, updated_at = now() WHERE selection = $1",
                        [key, maxID], operation: "record reindex progress")
                    try conn.execute("SELECT pg_notify('refarch_outbox', current_schema())", operation: "wake pelican")
                    return (count, maxID)
                }
            }
            guard batch.0 > 0 else { break }
            enqueued += batch.0
            done += batch.0
            lastID = batch.1
            progress(done, total)
        }
        try await pool.query("DELETE FROM refarch_reindex WHERE selection = $1", [key], operation: "finish the reindex")
        return enqueued
    }

    static func key(_ selection: Selection) -> String {
        switch selection {
        case .all: return "all"
        case .since(let date): return "since:\(date)"
        case .ids(let ids): return "ids:" + ids.map { String($0.rawValue) }.joined(separator: ",")
        }
    }

    /// A WHERE clause whose first parameter (`$1`, unused) keeps numbering simple, plus its values.
    static func condition(_ selection: Selection) -> (String, [any PostgresEncodable]) {
        switch selection {
        case .all: return ("$1::bigint IS NOT NULL", [])
        case .since(let date): return ("$1::bigint IS NOT NULL AND last_updated >= $2::date", [date.description])
        case .ids(let ids): return ("$1::bigint IS NOT NULL AND id = ANY($2::bigint[])", [PostgresArray(ids.map(\.rawValue))])
        }
    }
}
