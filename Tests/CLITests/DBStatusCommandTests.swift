import Foundation
import TestSupport
import Testing

/// `refarch-tui db status` on the embedded backend: Postgres's figures without any AWS setting.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct DBStatusCommandTests {
    struct Status: Decodable {
        struct Reading<Value: Decodable>: Decodable {
            var value: Value?
            var error: String?
        }
        struct Connections: Decodable { var inUse: Int; var max: Int }
        struct Outbox: Decodable { var rows: Int; var syncPaused: Bool }
        struct Table: Decodable { var name: String; var totalBytes: Int64 }
        struct Schema: Decodable { var database: Int; var binary: Int }
        struct Activity: Decodable { var longestQueries: [Query]; var lockWaits: [Query] }
        struct Query: Decodable { var pid: Int }
        var backend: String
        var connections: Reading<Connections>
        var outbox: Reading<Outbox>
        var largestTables: Reading<[Table]>
        var schema: Reading<Schema>
        var activity: Reading<Activity>
    }

    @Test("db status --json reads Postgres's health on the embedded backend (no RDS instance asked for)")
    func embeddedStatus() async throws {
        try await TestDatabase.withSchema { config in
            let base = config.url!
            let cli = CLISession(url: base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + config.searchPath[0])
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            #expect(
                try await cli.run(["products", "add", "--name", "Mug", "--sku", "DBS-1", "--description", "A mug.", "--price", "3.50"])
                    .status == 0)

            let json = try await cli.run(["db", "status", "--json"])
            #expect(json.status == 0, "\(json.stderr)")
            let status = try JSONDecoder().decode(Status.self, from: Data(json.stdout.utf8))
            #expect(status.backend == "postgres")
            #expect((status.connections.value?.inUse ?? 0) >= 1)
            #expect(status.outbox.value?.rows == 1)
            #expect(status.largestTables.value?.contains { $0.name == "products_with_increment" } == true)
            #expect(status.schema.value.map { $0.database == $0.binary } == true)
            #expect(status.activity.error == nil)

            let text = try await cli.run(["db", "status"])
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("Outbox") && text.stdout.contains("1 change waiting"))
        }
    }
}
