import ArgumentParser
import Catalog
import Foundation
import Postgres
import PostgresCatalog
import UserFacing

/// `refarch-tui db …`: schema, seed data and imports.
struct DBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Migrate the schema, seed a synthetic catalog, import the reference CSV.",
        subcommands: [Migrate.self, Seed.self, Import.self, DBStatusCommand.self])

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or upgrade the schema (safe to run again; upgrades a reference-architecture database in place).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext(global)
                try context.requireWritable("migrate the schema")
                let connection = try await PostgresConnection.connect(context.postgresConfiguration, logger: context.logger)
                let outcome = await Result(catching: { try await SchemaMigrator.migrate(connection, logger: context.logger) })
                await connection.close()
                let report = try outcome.get()
                if !report.replacedReferenceTriggers.isEmpty {
                    print(
                        "Replaced the reference triggers \(report.replacedReferenceTriggers.joined(separator: ", ")) with the outbox triggers."
                    )
                }
                if report.appliedVersions.isEmpty {
                    print("Schema is current (version \(report.currentVersion)).")
                } else {
                    print(
                        "Applied migrations \(report.appliedVersions.map(String.init).joined(separator: ", ")); schema is at version \(report.currentVersion)."
                    )
                }
            }
        }
    }

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a deterministic synthetic catalog.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "How many products to add.") var count = 10_000
        @Option(help: "Random seed: the same seed gives the same catalog.") var seed: UInt64 = 1

        func validate() throws {
            guard count > 0, count <= 10_000_000 else { throw ValidationError("--count must be between 1 and 10000000.") }
        }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext(global)
                try context.requireWritable("seed products")
                let pool = try await context.migratedPool()
                let clock = ContinuousClock()
                let start = clock.now
                let first = try await ProductLoader.nextSeedIndex(pool)
                let generator = SeedCatalog(seed: seed)
                var written = 0
                let chunk = 50_000
                while written < count {
                    let n = min(chunk, count - written)
                    written += try await ProductLoader.insert(generator.products(count: n, startIndex: first + written), into: pool)
                }
                let elapsed = clock.now - start
                print("Seeded \(written) products in \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow))).")
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import products from a CSV file (name,sku,description,price,last_updated); all lines or none.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The CSV file.") var file: String

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext(global)
                try context.requireWritable("import products")
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw UserError(summary: "Cannot read \(file).", remedy: "Check the path and its permissions.")
                }
                let products = try ProductCSV.parse([UInt8](data), file: file)
                let pool = try await context.migratedPool()
                let written = try await ProductLoader.insert(products, into: pool)
                print("Imported \(written) products from \(file).")
            }
        }
    }
}

/// `refarch-tui config`: every setting's effective value and where it came from.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print every setting's effective value and its source (secrets masked).")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let context = try CommandContext(global)
            let all = context.settings.all
            if json {
                struct Row: Encodable { let key: String; let value: String?; let source: String; let env: [String] }
                try printJSON(
                    all.map {
                        Row(
                            key: $0.definition.key, value: $0.value == nil ? nil : $0.displayValue,
                            source: $0.source.description, env: $0.definition.environment)
                    })
                return
            }
            if let file = context.settings.configFile {
                print("Configuration file: \(file)")
            } else {
                print("Configuration file: none (./refarch.toml or $XDG_CONFIG_HOME/refarch-tui/refarch.toml)")
            }
            let keyWidth = all.map(\.definition.key.count).max() ?? 0
            let valueWidth = min(48, all.map(\.displayValue.count).max() ?? 0)
            for setting in all {
                let value =
                    setting.displayValue.count > valueWidth
                    ? String(setting.displayValue.prefix(valueWidth - 1)) + "…" : setting.displayValue
                print(
                    setting.definition.key.padding(toLength: keyWidth, withPad: " ", startingAt: 0) + "  "
                        + value.padding(toLength: valueWidth, withPad: " ", startingAt: 0) + "  " + setting.source.description)
            }
        }
    }
}
