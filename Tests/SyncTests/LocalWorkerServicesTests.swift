import Catalog
import Foundation
import Operations
import Postgres
import PostgresCatalog
import TestSupport
import Testing

@testable import Sync

/// The services seam on the embedded backend: the local workers from their heartbeats.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct LocalWorkerServicesTests {
    @Test("the services list shows pelican and emu from the heartbeats, a missing worker as stopped; actions are refused")
    func workersAsServices() async throws {
        try await TestDatabase.withSchema { config in
            let pool = try await PelicanLeaderTests.migrated(config)
            let services = LocalWorkerServices(roster: WorkerRosterReader(pool: pool))

            // No worker yet: both services are still listed, so the view is never empty.
            var list = try await services.listServices()
            #expect(list.backend == "embedded")
            #expect(list.services.map(\.name) == ["pelican", "emu"])
            #expect(list.services.allSatisfy { $0.running == 0 })

            for id in ["emu-1", "emu-2"] {
                try await HeartbeatWriter(
                    identity: WorkerIdentity(kind: .emu, configuredID: id), counters: WorkerCounters(), pool: pool,
                    interval: .seconds(60), logger: quietLogger
                ).beat()
            }
            try await pool.query(
                """
                INSERT INTO refarch_workers (kind, id, host, pid, started_at, last_seen, heartbeat_ms)
                VALUES ('emu', 'stuck', 'h', 2, now() - interval '1 hour', now() - interval '1 minute', 5000)
                """)
            list = try await services.listServices()
            let emu = try #require(list.services.first { $0.name == "emu" })
            #expect(emu.running == 2)
            #expect(emu.status == "1 missing")
            #expect(emu.events.contains { $0.message.contains("stuck") && $0.message.contains("stopped sending heartbeats") })

            let tasks = try await services.tasks(of: ServiceReference(name: "emu"))
            #expect(Set(tasks.map(\.id)) == ["emu-1", "emu-2", "stuck"])
            let stuck = try #require(tasks.first { $0.id == "stuck" })
            #expect(stuck.lastStatus == "STOPPED")
            #expect(stuck.stoppedReason?.contains("no heartbeat since") == true)
            #expect(try await services.containers(ofTask: "emu-1", in: ServiceReference(name: "emu")).first?.lastStatus == "RUNNING")

            let refusal = await #expect(throws: ServiceOperationError.self) {
                try await services.scale(ServiceReference(name: "emu"), to: 3)
            }
            #expect(refusal?.exitClass == .refused)
            #expect(refusal?.remedy?.contains("embedded: start/stop workers with") == true)
            await #expect(throws: ServiceOperationError.self) { try await services.tasks(of: ServiceReference(name: "nope")) }
            await pool.close()
        }
    }
}
