import Foundation
import TestSupport
import Testing

/// `refarch-tui index verify|repair|stats` (issue 20 §3) on the local index: each verify is
/// recorded and shown by `index stats`; `repair` enqueues the fixes, and is refused (exit 3,
/// nothing enqueued) in read-only mode.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct IndexVerifyCLITests {
    /// The keys are camel case in `index verify`, `index repair` and in `index stats`'s `lastVerify`.
    struct Record: Decodable, Equatable {
        let products: Int
        let indexedProducts: Int
        let current: Int
        let missing: Int
        let orphaned: Int
        let metadataStale: Int
        let textStale: Int
        let ranBy: String
    }
    struct Stats: Decodable {
        let backend: String
        let productsInDatabase: Int?
        let productsInIndex: Int
        let lastVerify: Record?
    }
    struct Repair: Decodable {
        let upserts: Int
        let deletes: Int
        let verify: Record
    }
    struct SyncStatus: Decodable { let outbox_rows: Int }

    @Test func verifyIsRecordedAndRepairIsRefusedInReadOnlyMode() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            for n in 1...3 {
                #expect(try await cli.run(["products", "add", "--name", "Lamp \(n)", "--sku", "L-\(n)", "--price", "5"]).status == 0)
            }
            func outbox() async throws -> Int {
                try JSONDecoder().decode(SyncStatus.self, from: Data(try await cli.run(["sync", "status", "--json"]).stdout.utf8))
                    .outbox_rows
            }
            let before = try await cli.run(["index", "stats", "--json"])
            #expect(before.status == 0, "\(before.stderr)")
            let unverified = try JSONDecoder().decode(Stats.self, from: Data(before.stdout.utf8))
            #expect(unverified.backend == "local" && unverified.lastVerify == nil)
            #expect(unverified.productsInDatabase == 3 && unverified.productsInIndex == 0)

            // No workers ran: every product is missing from the index.
            let verify = try await cli.run(["index", "verify", "--json"], environment: ["USER": "ops"])
            #expect(verify.status == 0, "\(verify.stderr)")
            let record = try JSONDecoder().decode(Record.self, from: Data(verify.stdout.utf8))
            #expect(record.products == 3 && record.missing == 3 && record.current == 0 && record.ranBy.hasPrefix("ops@"))
            let stats = try JSONDecoder().decode(Stats.self, from: Data(try await cli.run(["index", "stats", "--json"]).stdout.utf8))
            #expect(stats.lastVerify == record)
            #expect(try await cli.run(["index", "stats"]).stdout.contains("3 missing"))

            let queued = try await outbox()
            let refused = try await cli.run(["index", "repair"], environment: ["REFARCH_READ_ONLY": "1"])
            #expect(refused.status == 3)
            #expect(refused.stderr.contains("Refusing to repair the index: read-only mode is on"))
            #expect(try await outbox() == queued)
            // Verify is read-only: allowed.
            #expect(try await cli.run(["index", "verify"], environment: ["REFARCH_READ_ONLY": "1"]).status == 0)

            let repair = try await cli.run(["index", "repair", "--json"])
            #expect(repair.status == 0, "\(repair.stderr)")
            let repaired = try JSONDecoder().decode(Repair.self, from: Data(repair.stdout.utf8))
            #expect(repaired.upserts == 3 && repaired.deletes == 0 && repaired.verify.missing == 3)
            #expect(try await outbox() == queued + 3)

            // The top-level `verify` records through the same code.
            let topLevel = try await cli.run(["verify", "--json"], environment: ["USER": "auditor"])
            #expect(topLevel.status == 0, "\(topLevel.stderr)")
            // `verify --json` is snake case throughout, the recorded run in it too.
            let report = try #require(try JSONSerialization.jsonObject(with: Data(topLevel.stdout.utf8)) as? [String: Any])
            let recorded = try #require(report["recorded"] as? [String: Any], "\(report)")
            #expect(report["indexed_products"] != nil && recorded["ran_by"] != nil && recorded["metadata_stale"] != nil, "\(recorded)")
            #expect(recorded["ranBy"] == nil)
            let last = try JSONDecoder().decode(Stats.self, from: Data(try await cli.run(["index", "stats", "--json"]).stdout.utf8))
            #expect(last.lastVerify?.ranBy.hasPrefix("auditor@") == true)
        }
    }
}
