import Operations
import Postgres

/// Postgres's half of the database's health (both backends): connections, the outbox
/// backlog, the largest tables, the schema version and what `pg_stat_activity` says is
/// running or waiting. Each read is its own statement, so one that fails (a view the role
/// may not read) leaves the others.
public struct PostgresDatabaseHealth: Sendable {
    let pool: PostgresPool
    /// How many tables, running queries and lock waits are listed.
    public var limit: Int

    public init(pool: PostgresPool, limit: Int = 5) {
        self.pool = pool
        self.limit = limit
    }

    /// Every figure, each read on its own (failures in their readings).
    public func health() async -> PostgresHealth {
        PostgresHealth(
            connections: await DatabaseReading.reading { try await connections() },
            outbox: await DatabaseReading.reading { try await outbox() },
            largestTables: await DatabaseReading.reading { try await largestTables() },
            schema: await DatabaseReading.reading { try await schema() },
            activity: await DatabaseReading.reading { try await activity() })
    }

    /// Sessions on the server against `max_connections`.
    public func connections() async throws -> ConnectionUsage {
        let rows = try await pool.query(
            """
            SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),
                   current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int
            """, operation: "count the connections")
        return ConnectionUsage(
            inUse: try rows[0].decode(Int.self, at: 0), max: try rows[0].decode(Int.self, at: 1),
            reserved: try rows[0].decode(Int.self, at: 2))
    }

    /// Changes waiting in the outbox, the age of the oldest, and whether the sync is paused.
    public func outbox() async throws -> OutboxBacklog {
        let rows = try await pool.query(
            """
            SELECT count(*), coalesce(extract(epoch FROM clock_timestamp() - min(changed_at))::float8, -1),
                   coalesce((SELECT paused FROM refarch_sync_control), false)
            FROM refarch_outbox
            """, operation: "read the outbox backlog")
        let age = try rows[0].decode(Double.self, at: 1)
        return OutboxBacklog(
            rows: try rows[0].decode(Int.self, at: 0), oldestAgeSeconds: age < 0 ? nil : max(0, age),
            syncPaused: try rows[0].decode(Bool.self, at: 2))
    }

    /// The schema's largest tables with their indexes and TOAST, largest first.
    public func largestTables() async throws -> [TableSize] {
        let rows = try await pool.query(
            """
            SELECT c.relname, pg_total_relation_size(c.oid), c.reltuples::bigint
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname = current_schema()
            ORDER BY pg_total_relation_size(c.oid) DESC, c.relname
            LIMIT $1
            """, [limit], operation: "read the table sizes")
        return try rows.map {
            TableSize(
                name: try $0.decode(String.self, at: 0), totalBytes: try $0.decode(Int64.self, at: 1),
                estimatedRows: try $0.decode(Int64.self, at: 2))
        }
    }

    /// The database's schema version against this build's.
    public func schema() async throws -> SchemaVersionStatus {
        let version = try await pool.withConnection { try await SchemaMigrator.currentVersion($0) }
        return SchemaVersionStatus(database: version, binary: SchemaMigrator.requiredVersion)
    }

    /// The longest-running statements of this database (not this read) and the lock waits.
    public func activity() async throws -> DatabaseActivity {
        let queries = try await pool.query(
            """
            SELECT pid, coalesce(usename, ''), coalesce(application_name, ''), coalesce(state, ''),
                   extract(epoch FROM clock_timestamp() - query_start)::float8,
                   coalesce(wait_event_type || ': ' || wait_event, ''), coalesce(left(query, $2), '')
            FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
              AND backend_type = 'client backend' AND query_start IS NOT NULL
            ORDER BY query_start
            LIMIT $1
            """, [limit, RunningQuery.queryTextLimit * 4], operation: "read the running queries")
        let waits = try await pool.query(
            """
            SELECT pid, array_to_string(pg_blocking_pids(pid), ','),
                   extract(epoch FROM clock_timestamp() - coalesce(state_change, query_start))::float8,
                   coalesce(wait_event_type || ': ' || wait_event, ''), coalesce(left(query, $2), '')
            FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
            ORDER BY coalesce(state_change, query_start)
            LIMIT $1
            """, [limit, RunningQuery.queryTextLimit * 4], operation: "read the lock waits")
        return DatabaseActivity(
            longestQueries: try queries.map { row in
                let wait = try row.decode(String.self, at: 5)
                return RunningQuery(
                    pid: try row.decode(Int.self, at: 0), user: try row.decode(String.self, at: 1),
                    applicationName: try row.decode(String.self, at: 2), state: try row.decode(String.self, at: 3),
                    runningSeconds: max(0, try row.decode(Double.self, at: 4)), waitEvent: wait.isEmpty ? nil : wait,
                    query: try row.decode(String.self, at: 6))
            },
            lockWaits: try waits.map { row in
                LockWait(
                    pid: try row.decode(Int.self, at: 0),
                    blockedBy: try row.decode(String.self, at: 1).split(separator: ",").compactMap { Int($0) },
                    waitingSeconds: max(0, try row.decode(Double.self, at: 2)), waitEvent: try row.decode(String.self, at: 3),
                    query: try row.decode(String.self, at: 4))
            })
    }
}
