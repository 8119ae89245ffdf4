import Foundation
import TestSupport
import Testing

/// `refarch-tui trace` (issue 20 §5): the command's output, exit codes and read-only use; the
/// stages on both backends are tested in SyncTests (TraceTests).
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct TraceCommandTests {
    struct Trace: Decodable {
        struct Stage: Decodable {
            let stage: String
            let status: String
        }
        let product_id: Int
        let first_pending: String?
        let complete: Bool
        let stages: [Stage]
    }

    @Test func tracesInReadOnlyModeAndReportsUnknownAndDeletedProducts() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            #expect(try await cli.run(["products", "add", "--name", "Copper kettle", "--sku", "TR-1", "--price", "5"]).status == 0)

            // Read-only mode: trace reads only, so it runs.
            let text = try await cli.run(["trace", "1"], environment: ["REFARCH_READ_ONLY": "1"])
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("product 1  TR-1  Copper kettle"))
            #expect(text.stdout.contains("> outbox   wait  waiting in the outbox since "))
            #expect(text.stdout.contains("next (wait): Pelican sends it within seconds"))
            for line in text.stdout.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }

            let json = try await cli.run(["trace", "--sku", "tr-1", "--json"])
            #expect(json.status == 0, "\(json.stderr)")
            let trace = try JSONDecoder().decode(Trace.self, from: Data(json.stdout.utf8))
            #expect(trace.product_id == 1 && trace.first_pending == "outbox" && !trace.complete)
            #expect(trace.stages.map(\.stage) == ["change", "outbox", "pelican", "queue", "index", "search"])
            #expect(trace.stages.map(\.status) == ["done", "waiting", "waiting", "waiting", "waiting", "skipped"])

            let unknown = try await cli.run(["trace", "999"])
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("error: There is no product with id 999, and none was deleted."))
            #expect(unknown.stderr.contains("hint: "))
            let unknownSKU = try await cli.run(["trace", "--sku", "NOPE-1"])
            #expect(unknownSKU.status == 1)
            #expect(unknownSKU.stderr.contains("error: There is no product with SKU \"NOPE-1\"."))

            #expect(try await cli.run(["products", "delete", "1"]).status == 0)
            let deleted = try await cli.run(["trace", "1"])
            #expect(deleted.status == 1)
            #expect(deleted.stderr.contains("error: Product 1 was deleted (change "))
            #expect(deleted.stderr.contains("hint: Its vectors are gone from the index too"))

            #expect(try await cli.run(["trace"]).status == 64)
            #expect(try await cli.run(["trace", "1", "--sku", "TR-1"]).status == 64)
        }
    }
}
