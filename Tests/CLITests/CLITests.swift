import Foundation
import TestSupport
import Testing

@Suite struct CLIBasicsTests {
    @Test func helpListsTheCommands() async throws {
        let result = try await CLIRunner.run(["--help"])
        #expect(result.status == 0)
        for command in ["products", "db", "config"] {
            #expect(result.stdout.contains(command))
        }
    }

    @Test func unknownFlagIsAUsageError() async throws {
        let result = try await CLIRunner.run(["products", "list", "--bogus"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Unknown option '--bogus'"))
    }

    @Test func badConfigValueNamesItsSource() async throws {
        let result = try await CLIRunner.run(["config"], environment: ["POSTGRES_DB_PORT": "five"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("postgres.port from env POSTGRES_DB_PORT is \"five\""))
    }

    @Test func configMasksSecrets() async throws {
        let result = try await CLIRunner.run(
            ["config", "--json"],
            environment: [
                "PINECONE_API_KEY": "pk-secret-1", "DATABASE_URL": "postgresql://u:pw-secret@h/db", "POSTGRES_DB_PASSWORD": "hunter2",
            ])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("pk-secret-1"))
        #expect(!result.stdout.contains("pw-secret"))
        #expect(!result.stdout.contains("hunter2"))
        struct Row: Decodable { let key: String; let value: String?; let source: String }
        let rows = try JSONDecoder().decode([Row].self, from: Data(result.stdout.utf8))
        #expect(rows.first { $0.key == "database.url" }?.source == "env DATABASE_URL")
        #expect(rows.first { $0.key == "database.url" }?.value == "postgresql://u:****@h/db")
    }

    @Test func unreachableDatabaseSaysWhatToDoWithoutThePassword() async throws {
        let result = try await CLIRunner.run(
            ["products", "list"], environment: ["DATABASE_URL": "postgresql://u:pw-secret@127.0.0.1:1/db"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Cannot connect to Postgres at 127.0.0.1:1 (connection refused)."))
        #expect(result.stderr.contains("make demo"))
        #expect(!result.stderr.contains("pw-secret"))
    }
}

/// Runs CLI commands against a fresh schema of the test cluster.
struct CLISession {
    let url: String

    static func withSchema(_ body: (CLISession) async throws -> Void) async throws {
        try await TestDatabase.withSchema { config in
            let base = config.url!
            let separator = base.contains("?") ? "&" : "?"
            try await body(CLISession(url: base + separator + "options=-csearch_path%3D" + config.searchPath[0]))
        }
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLIRunner.Result {
        try await CLIRunner.run(arguments, environment: environment.merging(["DATABASE_URL": url]) { a, _ in a })
    }

    /// Polls `verify --json` until the index equals the catalog (no missing, extra or stale
    /// product) or `timeout` passes; returns whether it did and the last report.
    func waitUntilVerified(timeout: Duration) async throws -> (clean: Bool, report: String) {
        struct Report: Decodable { let missing: Int, extra: Int, stale: Int }
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            let result = try await run(["verify", "--json"])
            last = result.stdout + result.stderr
            if result.status == 0, let report = try? JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8)),
                report.missing == 0, report.extra == 0, report.stale == 0
            {
                return (true, last)
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        return (false, last)
    }
}

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct CLIProductsTests {
    struct ProductJSON: Decodable, Equatable {
        let id: Int64
        let name: String
        let sku: String
        let description: String
        let price: Double
        let last_updated: String?
    }

    @Test func unmigratedDatabaseSaysToMigrate() async throws {
        try await CLISession.withSchema { cli in
            let result = try await cli.run(["products", "list"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("Run `refarch-tui db migrate`."))
        }
    }

    @Test("products list --filter takes column:value terms; a bad filter exits 64 naming what works")
    func listFilterGrammar() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            for (name, sku, price) in [("Cheap Kit", "KIT-1", "4.50"), ("Dear Kit", "KIT-2", "30"), ("Cheap Mug", "MUG-1", "5")] {
                #expect(try await cli.run(["products", "add", "--name", name, "--sku", sku, "--price", price]).status == 0)
            }
            struct Page: Decodable { let total: Int; let products: [ProductJSON] }
            let cheap = try await cli.run(["products", "list", "--filter", "price:<5", "--json"])
            #expect(cheap.status == 0)
            let page = try JSONDecoder().decode(Page.self, from: Data(cheap.stdout.utf8))
            #expect(page.products.map(\.sku) == ["KIT-1"] && page.total == 1)
            let kits = try await cli.run(["products", "list", "--filter", "cheap sku:kit"])
            #expect(kits.stdout.contains("KIT-1") && !kits.stdout.contains("MUG-1") && !kits.stdout.contains("KIT-2"))

            let badColumn = try await cli.run(["products", "list", "--filter", "colour:red"])
            #expect(badColumn.status == 64)
            #expect(badColumn.stderr.contains("error: No column “colour”: filter products by name, sku, description, id or price"))
            let badPrice = try await cli.run(["products", "list", "--filter", "price:<cheap"])
            #expect(badPrice.status == 64)
            #expect(badPrice.stderr.contains("error: “price:<cheap” is not a price filter."))
            #expect(badPrice.stderr.contains("hint: Write price:20, price:<20"))
        }
    }

    @Test func productsRoundTripThroughTheCLI() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            let again = try await cli.run(["db", "migrate"])
            #expect(again.stdout.contains("Schema is current"))

            let added = try await cli.run([
                "products", "add", "--name", "Trail Jacket", "--sku", "TJ-1", "--price", "$1,234.50",
                "--description", "Keeps rain out.", "--last-updated", "2026-01-02", "--json",
            ])
            #expect(added.status == 0)
            let product = try JSONDecoder().decode(ProductJSON.self, from: Data(added.stdout.utf8))
            #expect(product.name == "Trail Jacket")
            #expect(product.price == 1234.5)
            #expect(product.last_updated == "2026-01-02")

            let updated = try await cli.run(["products", "update", "--sku", "TJ-1", "--price", "99", "--json"])
            #expect(updated.status == 0)
            #expect(try JSONDecoder().decode(ProductJSON.self, from: Data(updated.stdout.utf8)).price == 99)

            let renamed = try await cli.run(["products", "update", String(product.id), "--sku", "TJ-2"])
            #expect(renamed.status == 0)

            let fetched = try await cli.run(["products", "get", "--sku", "TJ-2", "--json"])
            #expect(try JSONDecoder().decode(ProductJSON.self, from: Data(fetched.stdout.utf8)).id == product.id)

            struct Page: Decodable { let total: Int; let products: [ProductJSON] }
            let listed = try await cli.run(["products", "list", "--json"])
            let page = try JSONDecoder().decode(Page.self, from: Data(listed.stdout.utf8))
            #expect(page.total == 1)
            #expect(page.products.map(\.sku) == ["TJ-2"])

            let readOnly = try await cli.run(["products", "delete", String(product.id)], environment: ["REFARCH_READ_ONLY": "1"])
            #expect(readOnly.status == 3)
            #expect(readOnly.stderr.contains("read-only mode is on (env REFARCH_READ_ONLY)"))

            #expect(try await cli.run(["products", "delete", String(product.id)]).status == 0)
            let missing = try await cli.run(["products", "get", String(product.id)])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("There is no product with id \(product.id)."))
        }
    }

    @Test func invalidInputWritesNothingAndListsEveryProblem() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            let result = try await cli.run(["products", "add", "--name", "", "--sku", "A B", "--price=-4"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("name is required."))
            #expect(result.stderr.contains("sku must not contain spaces."))
            #expect(result.stderr.contains("price must not be negative."))
            #expect(try await cli.run(["products", "count"]).stdout == "0\n")
        }
    }

    @Test("SKUs are looked up and kept unique ignoring case")
    func skusIgnoreCase() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            let added = try await cli.run([
                "products", "add", "--name", "Thermal Tumbler", "--sku", "KIT-253-FCC", "--price", "37.96", "--json",
            ])
            #expect(added.status == 0)
            let id = try JSONDecoder().decode(ProductJSON.self, from: Data(added.stdout.utf8)).id

            let clash = try await cli.run(["products", "add", "--name", "Other", "--sku", "kit-253-fcc", "--price", "1"])
            #expect(clash.status == 1)
            #expect(clash.stderr.contains("sku \"kit-253-fcc\" is already used by product \(id) as \"KIT-253-FCC\""))
            let other = try await cli.run(["products", "add", "--name", "Other", "--sku", "KIT-999", "--price", "1", "--json"])
            let otherID = try JSONDecoder().decode(ProductJSON.self, from: Data(other.stdout.utf8)).id
            let renamed = try await cli.run(["products", "update", String(otherID), "--sku", "Kit-253-Fcc"])
            #expect(renamed.status == 1)
            #expect(renamed.stderr.contains("is already used by product \(id)"))

            let fetched = try await cli.run(["products", "get", "--sku", "kit-253-fcc", "--json"])
            #expect(try JSONDecoder().decode(ProductJSON.self, from: Data(fetched.stdout.utf8)).id == id)
            #expect(try await cli.run(["products", "update", "--sku", "Kit-253-FCC", "--price", "30"]).status == 0)
            #expect(try await cli.run(["products", "delete", "--sku", "kit-253-FCC"]).status == 0)
            #expect(try await cli.run(["products", "count"]).stdout == "1\n")
        }
    }

    @Test("an argument that is not UTF-8 writes nothing; a long description comes from standard input")
    func argumentsThatCannotBeTextAndLongDescriptions() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            let bad = try await CLIRunner.runShell(
                #""$0" products add --name "$(printf 'Bad\377\376Name')" --sku BAD-1 --price 5"#, environment: ["DATABASE_URL": cli.url])
            #expect(bad.status == 1)
            #expect(bad.stderr.contains("--name is not valid UTF-8"))
            let count = try await cli.run(["products", "count"])
            #expect(count.stdout == "0\n", "\(count.stderr)")

            // 100,000 characters in 200,000 bytes: over Linux's 128 KiB limit for one argument.
            let piped = try await CLIRunner.runShell(
                #"awk 'BEGIN { for (i = 0; i < 100000; i++) printf "é"; print "" }' | "$0" products add --name Long --sku LONG-1 --price 1 --description-file - --json"#,
                environment: ["DATABASE_URL": cli.url])
            #expect(piped.status == 0, "\(piped.stderr)")
            let product = try JSONDecoder().decode(ProductJSON.self, from: Data(piped.stdout.utf8))
            #expect(product.description == String(repeating: "é", count: 100_000), "the final line break is dropped")
        }
    }

    @Test func seedAndImport() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            #expect(try await cli.run(["db", "seed", "--count", "300", "--seed", "5"]).status == 0)
            #expect(try await cli.run(["products", "count"]).stdout == "300\n")
            // Seeding again continues with new SKUs instead of clashing.
            #expect(try await cli.run(["db", "seed", "--count", "10"]).status == 0)
            #expect(try await cli.run(["products", "count"]).stdout == "310\n")

            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-import-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let bad = dir.appendingPathComponent("bad.csv")
            try "name,sku,description,price,last_updated\nA,IMP-1,d,$1.00,2023-01-01\nB,IMP-2,d,$x,2023-01-01\n"
                .write(to: bad, atomically: true, encoding: .utf8)
            let failed = try await cli.run(["db", "import", bad.path])
            #expect(failed.status == 1)
            #expect(failed.stderr.contains("line 3: price \"$x\" is not a price"))
            #expect(try await cli.run(["products", "count"]).stdout == "310\n")

            let reference = Fixtures.path("data/refarch_products_10k.csv").path
            let imported = try await cli.run(["db", "import", reference])
            #expect(imported.status == 0)
            #expect(imported.stdout.contains("Imported 9999 products"))
            #expect(try await cli.run(["products", "count"]).stdout == "10309\n")
        }
    }
}

@Suite struct CLIConfigurationFileTests {
    @Test func opsCommandsReadTheQueueFromRefarchToml() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-toml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try """
        [aws]
        region = "eu-west-1"
        endpoint_url = "http://127.0.0.1:1"
        [sqs]
        queue_url = "http://127.0.0.1:1/000000000000/from-toml.fifo"
        """.write(to: dir.appendingPathComponent("refarch.toml"), atomically: true, encoding: .utf8)
        let env = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret-example", "AWS_EC2_METADATA_DISABLED": "true"]
        let result = try await CLIRunner.run(["queue", "stats"], environment: env, currentDirectory: dir.path)
        #expect(result.status == 1)
        #expect(!result.stderr.contains("SQS_QUEUE_URL is not set"))
        let shown = try await CLIRunner.run(["config"], environment: env, currentDirectory: dir.path)
        #expect(shown.stdout.contains("sqs.queue_url"))
        #expect(shown.stdout.contains("refarch.toml:5"))
        let unset = try await CLIRunner.run(["queue", "stats"], environment: env.merging(["AWS_REGION": "eu-west-1"]) { a, _ in a })
        #expect(unset.stderr.contains("SQS_QUEUE_URL is not set"))
    }
}
