import Catalog
import Postgres
import PostgresCatalog
import Telemetry
import TestSupport
import Testing

@testable import Sync

/// Pelican's leader lock: one active pelican per catalog, and only per catalog.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct PelicanLeaderTests {
    static func pelican(_ config: PostgresConfiguration, _ pool: PostgresPool, _ queue: InMemoryJobQueue) -> PelicanService {
        PelicanService(
            configuration: config, pool: pool, queue: queue,
            options: .init(batchSize: 50, safetyPoll: .milliseconds(200), standbyPoll: .milliseconds(100)),
            counters: WorkerCounters(), metrics: MetricsRegistry(), logger: quietLogger)
    }

    static func migrated(_ config: PostgresConfiguration) async throws -> PostgresPool {
        let conn = try await PostgresConnection.connect(config)
        _ = try await SchemaMigrator.migrate(conn, logger: quietLogger)
        await conn.close()
        return PostgresPool(configuration: config, maxConnections: 2)
    }

    /// Polls `condition` every 50 ms for at most `timeout`; returns its last value.
    static func eventually(_ timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// Regression: the lock key was one number for the whole database, so while the pelican of
    /// one catalog (schema) led, the pelicans of every other catalog in that database waited as
    /// standbys and their outboxes were never drained (parallel tests, one schema each, stalled
    /// one another until the leader's test ended).
    @Test func pelicansOfCatalogsInTwoSchemasOfOneDatabaseBothLead() async throws {
        try await TestDatabase.withSchema { configA in
            try await TestDatabase.withSchema { configB in
                let poolA = try await Self.migrated(configA), poolB = try await Self.migrated(configB)
                let queueA = InMemoryJobQueue(), queueB = InMemoryJobQueue()
                let a = Self.pelican(configA, poolA, queueA), b = Self.pelican(configB, poolB, queueB)
                let running = Task {
                    await withTaskGroup(of: Void.self) { group in
                        group.addTask { await a.run() }
                        group.addTask { await b.run() }
                    }
                }
                _ = try await PostgresProductStore(pool: poolA).create(try NewProduct(name: "In A", sku: "A-1", price: Price(cents: 100)))
                _ = try await PostgresProductStore(pool: poolB).create(try NewProduct(name: "In B", sku: "B-1", price: Price(cents: 100)))
                let bothSent = try await Self.eventually {
                    let sentA = try await queueA.stats().jobs.visible, sentB = try await queueB.stats().jobs.visible
                    return sentA == 1 && sentB == 1
                }
                #expect(bothSent, "A leads: \(a.isLeader), B leads: \(b.isLeader)")
                #expect(a.isLeader && b.isLeader)
                running.cancel()
                await running.value
                await poolA.close()
                await poolB.close()
            }
        }
    }

    /// Regression: a leader checked its lock session only with libpq's connection status,
    /// which stays "OK" until the next read, so a leader whose lock session had ended (killed,
    /// or the server restarted) kept draining while a standby took the lock: two leaders.
    @Test func aLeaderWhoseLockSessionEndsStopsLeadingAndTheStandbyTakesOver() async throws {
        try await TestDatabase.withSchema { config in
            let pool = try await Self.migrated(config)
            let queue = InMemoryJobQueue()
            let a = Self.pelican(config, pool, queue)
            let runningA = Task { await a.run() }
            #expect(try await Self.eventually { a.isLeader })
            let b = Self.pelican(config, pool, queue)
            let runningB = Task { await b.run() }

            // End A's lock session from outside, as a server restart or an operator would.
            let schema = try #require(config.searchPath.first)
            let lockHolders = """
                FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 724003 AND objsubid = 2
                  AND objid::bigint = (hashtext($1)::bigint & 4294967295)
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """
            let terminated = try await pool.query("SELECT count(pg_terminate_backend(pid)) " + lockHolders, [schema])[0].decode(
                Int.self, at: 0)
            #expect(terminated == 1)
            // Someone holds the lock again (the standby, or A after noticing and reconnecting)…
            #expect(
                try await Self.eventually {
                    try await pool.query("SELECT count(*) " + lockHolders, [schema])[0].decode(Int.self, at: 0) == 1
                })
            // …and then exactly one of them leads, looked at twice half a second apart (right
            // after B takes the lock and before it says so, a stale A would look alone).
            let oneLeader = try await Self.eventually {
                guard a.isLeader != b.isLeader else { return false }
                try await Task.sleep(for: .milliseconds(500))
                return a.isLeader != b.isLeader
            }
            #expect(oneLeader, "A leads: \(a.isLeader), B leads: \(b.isLeader)")
            // Whichever leads now drains: a change still reaches the queue.
            _ = try await PostgresProductStore(pool: pool).create(try NewProduct(name: "After", sku: "C-1", price: Price(cents: 100)))
            #expect(try await Self.eventually { try await queue.stats().jobs.visible == 1 })
            #expect(a.isLeader != b.isLeader)
            runningA.cancel()
            runningB.cancel()
            await runningA.value
            await runningB.value
            await pool.close()
        }
    }
}
