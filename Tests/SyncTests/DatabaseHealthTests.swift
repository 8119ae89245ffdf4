import Catalog
import Foundation
import Logging
import Operations
import Postgres
import PostgresCatalog
import TestSupport
import Testing

@testable import Sync

/// Issue 20 §2: Postgres's half of the database's health, read from a real server: connections,
/// an outbox backlog with its oldest age while the sync is paused, the largest tables, the
/// schema version, and a long-running transaction and a lock wait the test makes.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct DatabaseHealthTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test("connections, a paused backlog with its oldest age, the largest tables and the schema version")
    func healthFigures() async throws {
        try await TestDatabase.withSchema { config in
            let pool = PostgresPool(configuration: config, maxConnections: 2, logger: Self.logger)
            defer { Task { await pool.close() } }
            try await pool.withConnection { _ = try await SchemaMigrator.migrate($0) }
            let health = PostgresDatabaseHealth(pool: pool, limit: 50)
            #expect(try await health.outbox() == OutboxBacklog(rows: 0, oldestAgeSeconds: nil, syncPaused: false))

            try await SyncControl(pool: pool).pause(by: "test@db")
            let changes = 7
            _ = try await ProductLoader.insert(
                try (0..<changes).map {
                    try NewProduct(name: "Item \($0)", sku: "DBH-\($0)", description: "Item \($0).", price: Price(cents: 100))
                },
                into: pool)

            let status = try await DatabaseStatusReader(postgres: { await health.health() }).databaseStatus()
            #expect(status.backend == "postgres" && status.instance == nil)
            let connections = try #require(status.connections.value, "\(String(describing: status.connections.error))")
            #expect(connections.inUse >= 1 && connections.max >= connections.inUse)
            let outbox = try #require(status.outbox.value, "\(String(describing: status.outbox.error))")
            #expect(outbox.rows == changes && outbox.syncPaused)
            #expect((outbox.oldestAgeSeconds ?? -1) >= 0)
            let tables = try #require(status.largestTables.value)
            #expect(tables.contains { $0.name == "products_with_increment" && $0.totalBytes > 0 })
            #expect(tables.map(\.totalBytes) == tables.map(\.totalBytes).sorted(by: >))
            #expect(
                status.schema.value == SchemaVersionStatus(database: SchemaMigrator.requiredVersion, binary: SchemaMigrator.requiredVersion)
            )
        }
    }

    @Test("a schema behind the binary is reported as behind")
    func schemaBehind() async throws {
        try await TestDatabase.withSchema { config in
            let pool = PostgresPool(configuration: config, maxConnections: 1, logger: Self.logger)
            defer { Task { await pool.close() } }
            try await pool.withConnection { _ = try await SchemaMigrator.migrate($0) }
            try await pool.query("DELETE FROM refarch_schema_migrations WHERE version = $1", [SchemaMigrator.requiredVersion])
            let schema = try await PostgresDatabaseHealth(pool: pool).schema()
            #expect(schema.isBehind && schema.binary == SchemaMigrator.requiredVersion)
        }
    }

    @Test("a transaction left open holding a row lock and a statement waiting on it are seen, with who blocks whom")
    func longRunningQueryAndLockWait() async throws {
        try await TestDatabase.withSchema { config in
            let pool = PostgresPool(configuration: config, maxConnections: 2, logger: Self.logger)
            defer { Task { await pool.close() } }
            try await pool.withConnection { _ = try await SchemaMigrator.migrate($0) }
            _ = try await ProductLoader.insert(
                [try NewProduct(name: "Locked", sku: "LOCK-1", description: "Held by the test.", price: Price(cents: 100))], into: pool)

            let holder = try await PostgresConnection.connect(config)
            let waiter = try await PostgresConnection.connect(config)
            let holderPID = Int(await holder.backendPID)
            let waiterPID = Int(await waiter.backendPID)
            try await holder.execute("BEGIN")
            try await holder.execute("UPDATE products_with_increment SET name = name || $2 WHERE sku = $1", ["LOCK-1", " (held)"])
            let blocked = Task {
                try await waiter.execute("UPDATE products_with_increment SET name = name || $2 WHERE sku = $1", ["LOCK-1", " (waited)"])
            }

            let health = PostgresDatabaseHealth(pool: pool, limit: 1_000)
            var activity = try await health.activity()
            let deadline = ContinuousClock.now + .seconds(300)
            // The two views are read one after the other: wait until both have seen the waiter.
            func seen(_ activity: DatabaseActivity) -> Bool {
                activity.lockWaits.contains { $0.pid == waiterPID }
                    && activity.longestQueries.contains { $0.pid == waiterPID && $0.waitEvent?.hasPrefix("Lock") == true }
            }
            while !seen(activity), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                activity = try await health.activity()
            }
            try await holder.execute("ROLLBACK")
            _ = try await blocked.value
            await holder.close()
            await waiter.close()

            let wait = try #require(activity.lockWaits.first { $0.pid == waiterPID }, "\(activity)")
            #expect(wait.blockedBy == [holderPID])
            #expect(wait.waitEvent.hasPrefix("Lock"))
            #expect(wait.query.contains("UPDATE products_with_increment"))
            let held = try #require(activity.longestQueries.first { $0.pid == holderPID }, "\(activity)")
            #expect(held.state == "idle in transaction")
            #expect(activity.longestQueries.contains { $0.pid == waiterPID && $0.waitEvent?.hasPrefix("Lock") == true })
        }
    }
}
