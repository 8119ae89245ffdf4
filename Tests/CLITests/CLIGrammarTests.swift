import Foundation
import TestSupport
import Testing

/// One grammar for every command: where global options go, exit codes, how errors read.
/// These need no database: each command fails or is refused before it would connect.
@Suite struct CLIGrammarTests {
    /// Nothing is configured, so a command that got past its checks would fail to connect.
    let noDatabase = ["DATABASE_URL": "postgresql://refarch@127.0.0.1:1/none"]

    @Test("global options work before the subcommand as after it")
    func globalOptionsBeforeTheSubcommand() async throws {
        let readOnlyFirst = try await CLIRunner.run(["--read-only", "queue", "redrive"], environment: noDatabase)
        #expect(readOnlyFirst.status == 3)
        #expect(readOnlyFirst.stderr.contains("read-only mode is on"))

        let between = try await CLIRunner.run(["products", "--read-only", "delete", "7"], environment: noDatabase)
        #expect(between.status == 3)

        let config = try await CLIRunner.run(["--config", "/nonexistent/refarch.toml", "products", "list"])
        #expect(config.status == 1)
        #expect(config.stderr.contains("/nonexistent/refarch.toml"))

        // A positional argument after the moved options is still the command's own.
        let url = try await CLIRunner.run(["--database-url=not a url", "products", "get", "7"])
        #expect(url.status == 1)
        #expect(url.stderr.contains("malformed"))

        let embed = try await CLIRunner.run(["--read-only", "embed", "--model-dir", "/nonexistent/model", "some text"])
        #expect(embed.status == 1)
        #expect(embed.stderr.contains("/nonexistent/model"))
        #expect(embed.stderr.contains("\nhint: "))

        let level = try await CLIRunner.run(["--log-level", "error", "config", "--json"])
        #expect(level.status == 0)
        #expect(level.stdout.contains("\"source\" : \"flag --log-level\""))
    }

    @Test(
        "read-only refusals exit 3 for every command that writes",
        arguments: [
            ["products", "add", "--name", "A", "--sku", "A-1", "--price", "1"],
            ["products", "update", "7", "--price", "2"],
            ["products", "delete", "7"],
            ["db", "migrate"],
            ["db", "seed", "--count", "5"],
            ["db", "import", "/dev/null"],
            ["reindex"],
            ["verify", "--repair"],
            ["index", "repair"],
            ["queue", "purge", "--dlq", "--yes"],
            ["services", "scale", "emu", "2"],
            ["services", "redeploy", "emu"],
            ["services", "rollback", "emu"],
        ])
    func readOnlyRefusalsExit3(arguments: [String]) async throws {
        let result = try await CLIRunner.run(arguments + ["--read-only"], environment: noDatabase)
        #expect(result.status == 3, "\(arguments): \(result.stderr)")
        #expect(result.stderr.hasPrefix("error: Refusing to"))
        #expect(result.stderr.contains("hint: "))
    }

    @Test("usage errors print error: and hint: lines and exit 64")
    func usageErrorsReadLikeOtherErrors() async throws {
        for arguments in [
            ["products", "list", "--bogus"], ["products", "add", "--name"], ["products", "list", "--limit", "abc"],
            ["reindex", "--since", "yesterday"], ["nonsense-command", "--json"],
        ] {
            let result = try await CLIRunner.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.hasPrefix("error: "), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("\nhint: "), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Error:") && !result.stderr.contains("Help:"), "\(arguments): \(result.stderr)")
        }
        let missing = try await CLIRunner.run(["products", "add", "--price"])
        #expect(missing.stderr.contains("error: Missing value for '--price <price>'"))
        #expect(missing.stderr.contains("hint: --price <price>: Price: 12, 12.5 or $1,234.50; never negative."))
        #expect(missing.stderr.contains("refarch-tui products add --help"))
    }

    @Test("a negative number after an option is its value, then refused as negative")
    func negativeNumbersAreValues() async throws {
        let price = try await CLIRunner.run(["products", "add", "--name", "A", "--sku", "A-1", "--price", "-5"], environment: noDatabase)
        #expect(price.status == 1)
        #expect(price.stderr.contains("price must not be negative."))
        #expect(!price.stderr.contains("Missing value"))

        let limit = try await CLIRunner.run(["products", "list", "--limit", "-5"], environment: noDatabase)
        #expect(limit.status == 64)
        #expect(limit.stderr.contains("--limit must be between 1 and 10000."))

        // A negative positional argument is that argument's value too.
        let count = try await CLIRunner.run(["services", "scale", "emu", "-1"])
        #expect(count.status == 64)
        #expect(count.stderr.contains("error: The desired count must be 0 or more."), "\(count.stderr)")
    }

    @Test("products update reports every problem at once, as add does")
    func updateReportsEveryProblem() async throws {
        let result = try await CLIRunner.run(
            ["products", "update", "7", "--price", "abc", "--name", "", "--last-updated", "soon"], environment: noDatabase)
        #expect(result.status == 1)
        #expect(result.stderr.contains("name is required."))
        #expect(result.stderr.contains("price \"abc\" is not a price"))
        #expect(result.stderr.contains("last_updated \"soon\" is not a date"))
        #expect(!result.stderr.contains("Cannot connect"), "validation comes before the database")
    }

    @Test("an argument that is not UTF-8 is refused naming the option or argument")
    func invalidUTF8IsRefused() async throws {
        let name = try await CLIRunner.runShell(
            #""$0" products add --name "$(printf 'Bad\377\376Name')" --sku A-1 --price 5"#, environment: noDatabase)
        #expect(name.status == 1)
        #expect(name.stderr.contains("--name is not valid UTF-8"))
        #expect(!name.stderr.contains("Cannot connect"))

        let joined = try await CLIRunner.runShell(#""$0" products list --filter="$(printf '\377')""#, environment: noDatabase)
        #expect(joined.stderr.contains("--filter is not valid UTF-8"))

        let query = try await CLIRunner.runShell(#""$0" search --top-k 3 "$(printf 'caf\351')""#, environment: noDatabase)
        #expect(query.status == 1)
        #expect(query.stderr.contains("QUERY (argument 4) is not valid UTF-8"))
    }

    @Test(
        "a DATABASE_URL that is not a Postgres URI or conninfo is named as malformed",
        arguments: ["not a url", "mysql://x@y/z", "postgres//host", "postgresql://u:pw-secret@[::1/db", "hostx=h"])
    func malformedDatabaseURL(url: String) async throws {
        let result = try await CLIRunner.run(["products", "list"], environment: ["DATABASE_URL": url])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: The database URL is malformed"), "\(result.stderr)")
        #expect(!result.stderr.contains("connection refused"))
        #expect(!result.stderr.contains("pw-secret"))
        #expect(result.stderr.contains("hint: Write it as postgresql://"))
    }

    @Test func searchWithAnEmptyPriceRangeIsAUsageError() async throws {
        let result = try await CLIRunner.run(["search", "mug", "--min-price", "50", "--max-price", "20"], environment: noDatabase)
        #expect(result.status == 64)
        #expect(result.stderr.contains("error: --min-price $50.00 is above --max-price $20.00"))
    }

    @Test func aPriceTooLargeForMoneySaysSo() async throws {
        let result = try await CLIRunner.run(
            ["products", "add", "--name", "A", "--sku", "A-1", "--price", "123456789012345678901"], environment: noDatabase)
        #expect(result.status == 1)
        #expect(result.stderr.contains("price is too large"))
    }

    @Test("--description-file reads a description too long for an argument; the limit is 100,000 characters")
    func descriptionFileLimits() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cli-description-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try String(repeating: "é", count: 100_001).write(to: file, atomically: true, encoding: .utf8)
        let tooLong = try await CLIRunner.run(
            ["products", "add", "--name", "A", "--sku", "A-1", "--price", "1", "--description-file", file.path], environment: noDatabase)
        #expect(tooLong.status == 1)
        #expect(tooLong.stderr.contains("description is 100001 characters long; at most 100000 are allowed."))

        try Data([0x42, 0xFF, 0xFE]).write(to: file)
        let notText = try await CLIRunner.run(
            ["products", "update", "7", "--description-file", file.path, "--name", ""], environment: noDatabase)
        #expect(notText.status == 1)
        #expect(notText.stderr.contains("name is required. description is not valid UTF-8."), "\(notText.stderr)")

        let both = try await CLIRunner.run(["products", "update", "7", "--description", "x", "--description-file", file.path])
        #expect(both.status == 64)

        let missing = try await CLIRunner.run(
            ["products", "update", "7", "--description-file", "/nonexistent/description.txt"], environment: noDatabase)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("Cannot read the description file /nonexistent/description.txt."))
    }
}
