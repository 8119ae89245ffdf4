import Foundation
import TestSupport
import Testing

/// `refarch-tui sync pause|resume|status` (issue 22 §4); the workers' side is in SyncTests.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct SyncCommandTests {
    struct Status: Decodable, Equatable {
        let paused: Bool
        let changed_by: String
        let outbox_rows: Int
    }

    @Test func pauseResumeAndStatusAndReadOnlyRefuses() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            let initial = try await cli.run(["sync", "status", "--json"])
            #expect(initial.status == 0, "\(initial.stderr)")
            #expect(try JSONDecoder().decode(Status.self, from: Data(initial.stdout.utf8)).paused == false)

            let refused = try await cli.run(["sync", "pause"], environment: ["REFARCH_READ_ONLY": "1"])
            #expect(refused.status == 3)
            #expect(refused.stderr.contains("Refusing to pause the sync: read-only mode is on (env REFARCH_READ_ONLY)"))
            let stillRunning = try await cli.run(["sync", "status", "--json"])
            #expect(try JSONDecoder().decode(Status.self, from: Data(stillRunning.stdout.utf8)).paused == false)

            let paused = try await cli.run(["sync", "pause"], environment: ["USER": "ops"])
            #expect(paused.status == 0, "\(paused.stderr)")
            #expect(paused.stdout.contains("Sync paused; 0 changes waiting in the outbox."))
            #expect(try await cli.run(["products", "add", "--name", "Mug", "--sku", "M-1", "--price", "5"]).status == 0)
            let status = try await cli.run(["sync", "status", "--json"])
            let decoded = try JSONDecoder().decode(Status.self, from: Data(status.stdout.utf8))
            #expect(decoded.paused && decoded.outbox_rows == 1 && decoded.changed_by.hasPrefix("ops@"), "\(status.stdout)")
            let text = try await cli.run(["sync", "status"])
            #expect(text.stdout.contains("sync:   paused (since "))
            #expect(text.stdout.contains("outbox: 1 change waiting"))

            #expect(try await cli.run(["sync", "resume"], environment: ["REFARCH_READ_ONLY": "1"]).status == 3)
            let resumed = try await cli.run(["sync", "resume"])
            #expect(resumed.status == 0)
            #expect(resumed.stdout.contains("Sync resumed; 1 change waiting in the outbox."))
            let after = try await cli.run(["sync", "status", "--json"])
            #expect(try JSONDecoder().decode(Status.self, from: Data(after.stdout.utf8)).paused == false)
        }
    }
}
