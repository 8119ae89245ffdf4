import Foundation
import Logging
import Postgres
import TestSupport
import Testing

/// `refarch-tui services …` on the embedded backend: the local workers from their heartbeats.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct ServicesEmbeddedCLITests {
    struct List: Decodable {
        struct Service: Decodable {
            var cluster: String
            var name: String
            var running: Int?
        }
        var backend: String
        var services: [Service]
    }

    struct Task: Decodable {
        var id: String
        var lastStatus: String?
    }

    @Test("services list shows the local workers from their heartbeats; actions are refused (exit 3) saying how to start/stop workers")
    func embeddedServices() async throws {
        try await TestDatabase.withSchema { config in
            let base = config.url!
            let cli = CLISession(url: base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + config.searchPath[0])
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            let pool = PostgresPool(
                configuration: config, maxConnections: 1, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            try await pool.query(
                """
                INSERT INTO refarch_workers (kind, id, host, pid, started_at, last_seen, heartbeat_ms)
                VALUES ('emu', 'emu-cli', 'h', 7, now(), now(), 60000)
                """)
            await pool.close()

            let json = try await cli.run(["services", "list", "--json"])
            #expect(json.status == 0, "\(json.stderr)")
            let list = try JSONDecoder().decode(List.self, from: Data(json.stdout.utf8))
            #expect(list.backend == "embedded")
            #expect(list.services.map(\.name) == ["pelican", "emu"])
            #expect(list.services.first { $0.name == "emu" }?.running == 1)
            #expect(list.services.first { $0.name == "pelican" }?.running == 0)

            let text = try await cli.run(["services", "list"])
            #expect(text.status == 0)
            #expect(text.stdout.contains("local") && text.stdout.contains("emu"))

            let tasks = try await cli.run(["services", "tasks", "emu", "--json"])
            #expect(tasks.status == 0, "\(tasks.stderr)")
            #expect(try JSONDecoder().decode([Task].self, from: Data(tasks.stdout.utf8)).map(\.id) == ["emu-cli"])

            for arguments in [["scale", "emu", "2"], ["redeploy", "emu"], ["rollback", "emu"]] {
                let refused = try await cli.run(["services"] + arguments)
                #expect(refused.status == 3, "\(arguments): \(refused.stderr)")
                #expect(refused.stderr.contains("error: embedded: cannot "), "\(refused.stderr)")
                #expect(refused.stderr.contains("hint: embedded: start/stop workers with"), "\(refused.stderr)")
            }
            let logs = try await cli.run(["services", "logs", "emu"])
            #expect(logs.status == 3)
            #expect(logs.stderr.contains("embedded: no log store for emu"))
        }
    }
}
