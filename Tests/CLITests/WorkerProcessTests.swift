import Catalog
import Foundation
import Postgres
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The workers as processes: signals, crashes, failover, against the embedded default.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct WorkerProcessTests {
    func environment(_ cli: CLISession) -> [String: String] {
        var env = ["DATABASE_URL": cli.url]
        if let model = TestEnvironment.modelDirectory {
            env["REFARCH_MODEL_DIR"] = model
        } else {
            env["REFARCH_MODEL_DIR"] = Fixtures.repositoryRoot.appendingPathComponent(".refarch/models/all-MiniLM-L6-v2").path
        }
        return env
    }

    @Test func sigtermStopsCleanlyAndNothingIsLostAcrossCrashes() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            #expect(try await cli.run(["db", "seed", "--count", "400"]).status == 0)
            let env = environment(cli)
            // First run: SIGTERM while it works; it must exit 0 (waited for generously: a loaded machine is slow).
            let first = try RunningCLI(["run-local"], environment: env)
            // Signalled once it works (a loaded machine can take seconds just to start the process;
            // a signal before the process traps it would kill it); 400 products keep it busy well after.
            let started = ContinuousClock.now + .seconds(120)
            while !first.standardOutput.contains("\"Outbox batch sent\""), first.isRunning, ContinuousClock.now < started {
                try await Task.sleep(for: .milliseconds(100))
            }
            first.signal(SIGTERM)
            let status = await first.waitForExit(timeout: .seconds(60))
            #expect(status == 0, "log: \(first.log.suffix(2000))")
            // Logs are JSON lines on stdout, each naming its worker; nothing went wrong, so stderr is empty.
            let lines = first.standardOutput.split(separator: "\n")
            #expect(lines.contains { $0.contains("\"worker\":\"pelican+emu\"") }, "stdout: \(first.standardOutput.suffix(1500))")
            for line in lines {
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?["worker_id"] is String && object?["level"] is String, "not a log line: \(line)")
            }
            #expect(first.standardError.isEmpty, "stderr: \(first.standardError.suffix(1500))")
            // Second run: killed outright in the middle.
            let second = try RunningCLI(["run-local"], environment: env)
            try await Task.sleep(for: .milliseconds(800))
            second.signal(SIGKILL)
            _ = await second.waitForExit(timeout: .seconds(60))
            // Third run finishes the job: the index must equal the catalog.
            let third = try RunningCLI(["run-local"], environment: env)
            let verified = try await cli.waitUntilVerified(timeout: .seconds(300))
            #expect(verified.clean, "verify: \(verified.report)")
            // Search ranks by score and finds what the query means.
            let search = try await cli.run(
                ["search", "something to keep coffee hot on a commute", "--top-k", "5", "--json"], environment: env)
            #expect(search.status == 0, "\(search.stderr)")
            struct Hit: Decodable { let rank: Int; let score: Float; let description: String }
            struct Output: Decodable { let query: String; let took_ms: Double; let results: [Hit] }
            let found = try JSONDecoder().decode(Output.self, from: Data(search.stdout.utf8))
            #expect(found.results.map(\.rank) == Array(1...found.results.count))
            #expect(zip(found.results, found.results.dropFirst()).allSatisfy { $0.score >= $1.score })
            #expect(found.results.first?.description.contains("Category: kitchen / drinkware") == true)
            let query = try await cli.run(["index", "query", "--text", "keeps coffee hot", "--top-k", "3", "--json"], environment: env)
            #expect(query.status == 0, "\(query.stderr)")
            #expect(query.stdout.contains("\"matches\""))
            third.signal(SIGTERM)
            #expect(await third.waitForExit(timeout: .seconds(60)) == 0)
        }
    }

    @Test("SIGTERM shuts run-local down in order: emu, pelican, heartbeats, metrics server, then index, queue and database")
    func gracefulShutdownOrder() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            let worker = try RunningCLI(
                ["run-local", "--heartbeat-seconds", "1", "--metrics-port", "0"], environment: environment(cli))
            let pool = PostgresPool(configuration: PostgresConfiguration(url: cli.url), maxConnections: 1)
            func rows() async throws -> Int {
                try await pool.query("SELECT count(*) FROM refarch_workers")[0].decode(Int.self, at: 0)
            }
            // Generous: a loaded machine can take a while to load the model and connect.
            let deadline = ContinuousClock.now + .seconds(120)
            while try await rows() < 2, worker.isRunning, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            try #require(try await rows() == 2, "both workers beat:\n\(worker.log.suffix(1500))")
            worker.signal(SIGTERM)
            let status = await worker.waitForExit(timeout: .seconds(120))
            if status == nil { worker.signal(SIGKILL) }
            #expect(status == 0, "\(worker.log.suffix(1500))")
            let stopped = worker.standardOutput.split(separator: "\n").compactMap { line -> String? in
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return object?["msg"] as? String == "Service stopped" ? object?["service"] as? String : nil
            }
            #expect(
                stopped == ["emu", "pelican", "emu heartbeat", "pelican heartbeat", "metrics server", "index, queue and database"],
                "\(worker.log.suffix(1500))")
            #expect(try await rows() == 0, "the heartbeat rows are removed")
            await pool.close()
        }
    }

    @Test func aStandbyPelicanTakesOverWhenTheLeaderDies() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            let env = environment(cli)
            let a = try RunningCLI(["worker", "pelican", "--heartbeat-seconds", "1"], environment: env)
            let b = try RunningCLI(["worker", "pelican", "--heartbeat-seconds", "1"], environment: env)
            let pool = PostgresPool(configuration: PostgresConfiguration(url: cli.url), maxConnections: 1)
            func leaders() async throws -> [Int32] {
                try await pool.query(
                    "SELECT pid FROM refarch_workers WHERE kind = 'pelican' AND is_leader AND last_seen > now() - interval '10 seconds'"
                )
                .map { try $0.decode(Int32.self, at: 0) }
            }
            // Generous waits: on a loaded 2-core CI machine a heartbeat can come seconds late.
            var current: [Int32] = []
            for _ in 0..<150 where current.count != 1 {
                try await Task.sleep(for: .milliseconds(200))
                current = try await leaders()
            }
            #expect(current.count == 1)
            let leader = current.first == a.pid ? a : b
            let standby = leader === a ? b : a
            leader.signal(SIGKILL)
            _ = await leader.waitForExit(timeout: .seconds(60))
            func standbyLeads() async throws -> Bool {
                try await pool.query(
                    """
                    SELECT count(*) FROM refarch_workers
                    WHERE kind = 'pelican' AND pid = $1 AND is_leader AND last_seen > now() - interval '10 seconds'
                    """, [standby.pid])[0].decode(Int.self, at: 0) == 1
            }
            var tookOver = false
            for _ in 0..<300 where !tookOver {
                try await Task.sleep(for: .milliseconds(200))
                tookOver = try await standbyLeads()
            }
            #expect(tookOver, "standby log: \(standby.log.suffix(1500))")
            // The new leader does the work.
            #expect(try await cli.run(["products", "add", "--name", "After failover", "--sku", "AF-1", "--price", "1"]).status == 0)
            var left = -1
            for _ in 0..<300 where left != 0 {
                try await Task.sleep(for: .milliseconds(100))
                left = try await pool.query("SELECT count(*) FROM refarch_outbox")[0].decode(Int.self, at: 0)
            }
            #expect(left == 0)
            standby.signal(SIGTERM)
            #expect(await standby.waitForExit(timeout: .seconds(60)) == 0)
            await pool.close()
        }
    }

    @Test func twoEmusShareTheLoad() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            #expect(try await cli.run(["db", "seed", "--count", "600"]).status == 0)
            let env = environment(cli)
            let pelican = try RunningCLI(["worker", "pelican", "--heartbeat-seconds", "1"], environment: env)
            let emus = try (0..<2).map { _ in
                try RunningCLI(["worker", "emu", "--heartbeat-seconds", "1", "--batch-size", "16", "--receivers", "1"], environment: env)
            }
            let verified = try await cli.waitUntilVerified(timeout: .seconds(300))
            #expect(verified.clean, "verify: \(verified.report)")
            try await Task.sleep(for: .milliseconds(1500))  // one more heartbeat with the final counts
            let pool = PostgresPool(configuration: PostgresConfiguration(url: cli.url), maxConnections: 1)
            let processed = try await pool.query("SELECT pid, processed FROM refarch_workers WHERE kind = 'emu'").map {
                (try $0.decode(Int32.self, at: 0), try $0.decode(Int64.self, at: 1))
            }
            await pool.close()
            #expect(processed.count == 2)
            #expect(processed.allSatisfy { $0.1 > 0 }, "each emu should have indexed some products: \(processed)")
            #expect(processed.reduce(0) { $0 + $1.1 } >= 600)
            for worker in emus + [pelican] { worker.signal(SIGTERM) }
            for worker in emus + [pelican] { #expect(await worker.waitForExit(timeout: .seconds(60)) == 0) }
        }
    }
}
