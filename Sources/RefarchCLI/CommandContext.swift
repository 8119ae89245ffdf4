import ArgumentParser
import Catalog
import Configuration
import Foundation
import Logging
import Postgres
import PostgresCatalog
import UserFacing

/// Options every command takes: where the configuration comes from and the global switches.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "Read settings from this TOML file instead of ./refarch.toml.")
    var configFile: String?

    @Option(name: .customLong("database-url"), help: "Postgres conninfo or URI (overrides DATABASE_URL).")
    var databaseURL: String?

    @Flag(name: .customLong("read-only"), help: "Refuse every write and destructive action.")
    var readOnly = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    public init() {}

    /// Flags given on the command line, keyed by flag name, for ``Settings/load``.
    var flagValues: [String: String] {
        var flags: [String: String] = [:]
        if let databaseURL { flags["--database-url"] = databaseURL }
        if readOnly { flags["--read-only"] = "true" }
        if let logLevel { flags["--log-level"] = logLevel }
        return flags
    }
}

/// What a command needs once its arguments are parsed: settings, a logger, database access.
struct CommandContext: Sendable {
    let settings: Settings
    let logger: Logger

    init(_ options: GlobalOptions, extraFlags: [String: String] = [:]) throws {
        let settings = try reportingErrors {
            try Settings.load(
                flags: options.flagValues.merging(extraFlags) { a, _ in a },
                environment: ProcessInfo.processInfo.environment, configFile: options.configFile)
        }
        self.settings = settings
        var logger = Logger(label: "refarch.cli")
        // Commands print their own results; their logs stay quiet unless a level was asked for.
        let explicitLevel = settings.resolved["log.level"]?.source != .defaultValue
        logger.logLevel = explicitLevel ? Logger.Level(rawValue: settings.string("log.level") ?? "info") ?? .info : .warning
        self.logger = logger
    }

    var isReadOnly: Bool { settings.boolean("read_only") }

    /// The Postgres settings: `database.url` wins over the `postgres.*` set.
    var postgresConfiguration: PostgresConfiguration {
        if let url = settings.string("database.url") {
            return PostgresConfiguration(url: url, sslMode: settings.string("postgres.sslmode"))
        }
        return PostgresConfiguration(
            host: settings.string("postgres.host"), port: settings.integer("postgres.port"),
            database: settings.string("postgres.name"), user: settings.string("postgres.user"),
            password: settings.string("postgres.password"), sslMode: settings.string("postgres.sslmode"))
    }

    func makePool(maxConnections: Int = 2) -> PostgresPool {
        PostgresPool(configuration: postgresConfiguration, maxConnections: maxConnections, logger: logger)
    }

    /// A pool on a database whose schema is current (else the error says to run `db migrate`).
    func migratedPool() async throws -> PostgresPool {
        let pool = makePool()
        try await pool.withConnection { try await SchemaMigrator.requireCurrent($0) }
        return pool
    }

    /// Refuses a write in read-only mode, naming the switch that set it.
    func requireWritable(_ action: String) throws {
        guard isReadOnly else { return }
        let source = settings.resolved["read_only"]?.source.description ?? "configuration"
        throw UserError.refused(
            "Refusing to \(action): read-only mode is on (\(source)).",
            remedy: "Drop --read-only / REFARCH_READ_ONLY to make changes.")
    }
}

/// The one CLI reporter: runs `body`, prints any error as `error:` + `hint:` on stderr
/// (summary and remedy, from the one user-facing shape every layer's errors conform to) and
/// exits with its class's status (1 failed, 3 refused).
///
/// Usage errors from ArgumentParser pass through untouched (they have their own exit code, 64).
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        throw report(error)
    }
}

func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw report(error)
    }
}

private func report(_ error: any Error) -> any Error {
    if error is ExitCode || error is CleanExit || error is ValidationError { return error }
    let shown = UserError(error)
    printError(summary: shown.summary, remedy: shown.remedy)
    return ExitCode(shown.exitClass.exitStatus)
}

/// Writes `error: summary` and `hint: remedy` to stderr.
func printError(summary: String, remedy: String?) {
    var text = "error: \(summary)\n"
    if let remedy { text += "hint: \(remedy)\n" }
    FileHandle.standardError.write(Data(text.utf8))
}

extension Result where Failure == any Error {
    /// Captures the outcome of an async throwing call, so cleanup can run before rethrowing.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
