import Foundation
import Postgres
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A Postgres cluster of this test's own (`scripts/pg.sh start <name>`), so it can be
/// restarted without breaking the suites that share the test cluster; destroyed afterwards.
struct PrivateCluster {
    let name: String
    let url: String

    static var script: String { Fixtures.repositoryRoot.appendingPathComponent("scripts/pg.sh").path }

    static func with(_ body: (PrivateCluster) async throws -> Void) async throws {
        let name = "restart-\(UInt32.random(in: 0..<UInt32.max))"
        let started = try await SpawnedCommand.run("/bin/bash", [script, "start", name])
        let url = started.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard started.status == 0, url.hasPrefix("postgresql://") else {
            _ = try? await SpawnedCommand.run("/bin/bash", [script, "destroy", name])
            throw TestSetupError("scripts/pg.sh start \(name) failed (status \(started.status)); see .refarch/\(name)/postgres.log")
        }
        let cluster = PrivateCluster(name: name, url: url)
        do {
            try await body(cluster)
        } catch {
            _ = try? await SpawnedCommand.run("/bin/bash", [script, "destroy", name])
            throw error
        }
        _ = try await SpawnedCommand.run("/bin/bash", [script, "destroy", name])
    }

    /// Stops the server (fast: every session is cut), keeps it down for `down`, and starts it
    /// again on the same port.
    func restart(down: Duration) async throws {
        let result = try await SpawnedCommand.run("/bin/bash", [Self.script, "restart", name, String(down.components.seconds)])
        guard result.status == 0 else { throw TestSetupError("scripts/pg.sh restart \(name) failed (status \(result.status))") }
    }
}

/// The workers as processes while the Postgres server restarts under them.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct PostgresRestartTests {
    static func count(_ sql: String, _ url: String) async throws -> Int {
        let pool = PostgresPool(configuration: PostgresConfiguration(url: url), maxConnections: 1)
        do {
            let value = try await pool.query(sql)[0].decode(Int.self, at: 0)
            await pool.close()
            return value
        } catch {
            await pool.close()
            throw error
        }
    }

    @Test func workersReconnectAfterAPostgresRestartAndNothingIsLost() async throws {
        try await PrivateCluster.with { cluster in
            let cli = CLISession(url: cluster.url)
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            #expect(try await cli.run(["db", "seed", "--count", "400"]).status == 0)
            var env = ["DATABASE_URL": cluster.url]
            env["REFARCH_MODEL_DIR"] =
                TestEnvironment.modelDirectory
                ?? Fixtures.repositoryRoot.appendingPathComponent(".refarch/models/all-MiniLM-L6-v2").path
            let pelican = try RunningCLI(["worker", "pelican", "--heartbeat-seconds", "1"], environment: env)
            let emu = try RunningCLI(["worker", "emu", "--heartbeat-seconds", "1", "--batch-size", "16"], environment: env)

            // Mid-run: once some products are indexed, and with changes still in the outbox.
            let clock = ContinuousClock()
            let start = clock.now
            var indexed = 0
            while indexed == 0, clock.now - start < .seconds(120) {
                try await Task.sleep(for: .milliseconds(200))
                indexed = try await Self.count("SELECT count(*) FROM refarch_vectors", cluster.url)
            }
            #expect(indexed > 0, "nothing was indexed before the restart; emu log: \(emu.log.suffix(1500))")
            let pool = PostgresPool(configuration: PostgresConfiguration(url: cluster.url), maxConnections: 1)
            try await pool.query("UPDATE products_with_increment SET description = description || ' Before the restart.' WHERE id % 10 = 0")
            try await pool.query("DELETE FROM products_with_increment WHERE id % 50 = 1")
            await pool.close()
            try await cluster.restart(down: .seconds(3))
            let indexedAtRestart = indexed

            // Changes after the restart reach the index too (pelican listens again).
            let after = PostgresPool(configuration: PostgresConfiguration(url: cluster.url), maxConnections: 1)
            try await after.query("UPDATE products_with_increment SET name = name || ' (after)' WHERE id % 25 = 3")
            for n in 0..<5 {
                try await after.query(
                    """
                    INSERT INTO products_with_increment (name, sku, description, price) VALUES ($1, $2, $3, $4::numeric::money)
                    """, ["Added after the restart \(n)", "AFTER-\(n)", "Arrived once the database was back.", "12.50"])
            }
            await after.close()

            // A batch that emu was writing when the server went away (its retries fail while
            // the server is down) comes back after emu's visibility timeout, 60 s, as on SQS.
            let verified = try await cli.waitUntilVerified(timeout: .seconds(300))
            #expect(verified.clean, "verify: \(verified.report)\npelican: \(pelican.log.suffix(1500))\nemu: \(emu.log.suffix(1500))")
            // Nothing lost: every product that exists is indexed with its latest change.
            #expect(verified.report.contains("\"products\" : \(400 - 8 + 5)"), "\(verified.report)")
            #expect(try await Self.count("SELECT count(*) FROM refarch_outbox", cluster.url) == 0)
            #expect(try await Self.count("SELECT count(*) FROM refarch_queue_messages", cluster.url) == 0)
            #expect(try await Self.count("SELECT count(*) FROM refarch_queue_dead_letters", cluster.url) == 0)

            // The restart was felt (both logged a retry) and neither process exited over it.
            #expect(indexedAtRestart < 400 - 8 + 5)
            #expect(pelican.log.contains("retrying"), "pelican log: \(pelican.log.suffix(1500))")
            #expect(emu.log.contains("retrying"), "emu log: \(emu.log.suffix(1500))")
            #expect(pelican.isRunning && emu.isRunning)
            pelican.signal(SIGTERM)
            emu.signal(SIGTERM)
            #expect(await pelican.waitForExit(timeout: .seconds(60)) == 0)
            #expect(await emu.waitForExit(timeout: .seconds(60)) == 0)
        }
    }
}
