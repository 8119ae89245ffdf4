import Catalog
import Foundation
import Operations
import Postgres
import PostgresCatalog
import Telemetry
import TestSupport
import Testing

@testable import Sync

/// The workers' heartbeats as the console reads them: rows, missing workers, the leader lock.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct WorkerRosterTests {
    @Test("the roster shows who beats, who is missing and that the running pelican holds this catalog's leader lock")
    func rosterFromHeartbeatsAndLocks() async throws {
        try await TestDatabase.withSchema { config in
            let pool = try await PelicanLeaderTests.migrated(config)
            let reader = WorkerRosterReader(pool: pool)
            var roster = try await reader.read()
            #expect(roster.workers.isEmpty && !roster.leaderLockHeld)

            // A running pelican: it takes the lock and its heartbeat says it leads.
            let pelican = PelicanLeaderTests.pelican(config, pool, InMemoryJobQueue())
            let pelicanBeat = HeartbeatWriter(
                identity: WorkerIdentity(kind: .pelican, configuredID: "pelican-1"), counters: WorkerCounters(),
                pool: pool, interval: .seconds(60), logger: quietLogger)
            let emuBeat = HeartbeatWriter(
                identity: WorkerIdentity(kind: .emu, configuredID: "emu-1"), counters: WorkerCounters(),
                pool: pool, interval: .seconds(60), logger: quietLogger)
            let running = Task { await pelican.run() }
            #expect(try await PelicanLeaderTests.eventually { pelican.isLeader })
            try await pelicanBeat.beat(isLeader: pelican.isLeader)
            try await emuBeat.beat()
            // A worker that died an hour and a half ago is left out; one that died a minute ago is missing.
            try await pool.query(
                """
                INSERT INTO refarch_workers (kind, id, host, pid, started_at, last_seen, heartbeat_ms)
                VALUES ('emu', 'gone', 'h', 1, now() - interval '2 hours', now() - interval '90 minutes', 5000),
                       ('emu', 'stuck', 'h', 2, now() - interval '1 hour', now() - interval '1 minute', 5000)
                """)
            roster = try await reader.read()
            #expect(roster.leaderLockHeld)
            #expect(roster.leader?.id == "pelican-1")
            #expect(Set(roster.workers.map(\.id)) == ["pelican-1", "emu-1", "stuck"])
            #expect(roster.workers.filter { $0.isMissing(at: roster.readAt) }.map(\.id) == ["stuck"])
            #expect(roster.workers.first { $0.id == "emu-1" }?.heartbeatInterval == .seconds(60))

            // Stopped: the lock is free and a clean stop removes the row.
            running.cancel()
            await running.value
            try await pelicanBeat.remove()
            roster = try await reader.read()
            #expect(!roster.leaderLockHeld)
            #expect(roster.leader == nil && !roster.workers.contains { $0.id == "pelican-1" })
            await pool.close()
        }
    }

    @Test("another catalog's leader does not count as this one's")
    func leaderLockIsPerCatalog() async throws {
        try await TestDatabase.withSchema { mine in
            try await TestDatabase.withSchema { other in
                let myPool = try await PelicanLeaderTests.migrated(mine), otherPool = try await PelicanLeaderTests.migrated(other)
                let pelican = PelicanLeaderTests.pelican(other, otherPool, InMemoryJobQueue())
                let running = Task { await pelican.run() }
                #expect(try await PelicanLeaderTests.eventually { pelican.isLeader })
                #expect(try await WorkerRosterReader(pool: otherPool).read().leaderLockHeld)
                #expect(try await !WorkerRosterReader(pool: myPool).read().leaderLockHeld)
                running.cancel()
                await running.value
                await myPool.close()
                await otherPool.close()
            }
        }
    }
}
