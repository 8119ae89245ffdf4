import AWS
import AWSOperations
import ArgumentParser
import Configuration
import Foundation
import Operations
import Postgres
import PostgresCatalog
import UserFacing

/// `refarch-tui db status`: the database's health through ``DatabaseOperations`` — the RDS
/// instance when one is configured, and on both backends connections, the outbox backlog,
/// the largest tables, the schema version and the longest queries and lock waits.
struct DBStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The database's health: the RDS instance (when configured), connections, outbox, tables, schema, queries.")

    @OptionGroup var options: OpsOptions

    @Option(help: "The RDS DB instance identifier; default: RDS_INSTANCE_ID; none: Postgres's figures only.")
    var instance: String?

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext(options.global)
            let pool = context.makePool(maxConnections: 2)
            let outcome = await Result {
                try await makeDatabaseOperations(settings: context.settings, instance: instance, pool: pool).databaseStatus()
            }
            await pool.close()
            let status = try outcome.get()
            if options.json { try printJSON(status) } else { printDatabaseStatus(status) }
            let failed = status.failedSources
            if !failed.isEmpty {
                throw UserError(
                    summary: "Could not read \(failed.joined(separator: ", ")).",
                    remedy: "The other figures were read; the errors above say what went wrong.")
            }
        }
    }
}

/// The one choice of database health sources, for `db status` and the console: Postgres
/// always; the RDS instance when one is named (`instance`, `RDS_INSTANCE_ID`).
func makeDatabaseOperations(settings: Settings, instance: String?, pool: PostgresPool) -> DatabaseStatusReader {
    let postgres = PostgresDatabaseHealth(pool: pool)
    guard let identifier = instance ?? settings.string("rds.instance") else {
        return DatabaseStatusReader(postgres: { await postgres.health() })
    }
    // An AWS configuration that cannot be made (no region) is the RDS source's error alone.
    let rds = Result { RDSInstanceOperations(configuration: try makeAWSConfiguration(settings: settings), identifier: identifier) }
    return DatabaseStatusReader(postgres: { await postgres.health() }, instance: { try await rds.get().instanceHealth() })
}

extension DatabaseStatus {
    /// The sources that could not be read, by name.
    var failedSources: [String] {
        var names: [String] = []
        if instance?.error != nil { names.append("the RDS instance") }
        if connections.error != nil { names.append("the connections") }
        if outbox.error != nil { names.append("the outbox") }
        if largestTables.error != nil { names.append("the table sizes") }
        if schema.error != nil { names.append("the schema version") }
        if activity.error != nil { names.append("the running queries") }
        return names
    }
}

private func printDatabaseStatus(_ status: DatabaseStatus) {
    if let instance = status.instance {
        if let db = instance.value {
            printTable(
                ["INSTANCE", "STATUS", "ENGINE", "CLASS", "ENDPOINT", "STORAGE", "MULTI-AZ"],
                [
                    [
                        db.identifier, db.status ?? "-", [db.engine, db.engineVersion].compactMap { $0 }.joined(separator: " "),
                        db.instanceClass ?? "-", db.endpointAddress.map { "\($0):\(db.endpointPort.map(String.init) ?? "?")" } ?? "-",
                        db.allocatedStorageGiB.map { "\($0) GiB \(db.storageType ?? "")" } ?? "-",
                        db.multiAZ.map { $0 ? "yes" : "no" } ?? "-",
                    ]
                ])
            print("Free storage: \(db.freeStorageBytes.map(formatBytes) ?? db.freeStorageError.map { "error: \($0)" } ?? "-")")
            print(
                "Backups: \(db.backupWindow ?? "-") UTC, kept \(db.backupRetentionDays.map { "\($0) d" } ?? "-") · encrypted: \(yesNo(db.storageEncrypted)) · CA: \(db.certificateAuthority ?? "-")"
            )
            if db.publiclyAccessible == true { print("warning: the instance is publicly accessible.") }
        } else if let error = instance.error {
            print("RDS instance: error: \(error)")
        }
        print("")
    }
    func line<Value>(_ title: String, _ reading: DatabaseReading<Value>, _ text: (Value) -> String) {
        let value = reading.value.map(text) ?? "error: \(reading.error ?? "not read")"
        print("\(title.padding(toLength: 14, withPad: " ", startingAt: 0))\(value)")
    }
    line("Connections", status.connections) { "\($0.inUse) in use of \($0.max) (\($0.reserved) reserved)" }
    line("Outbox", status.outbox) { outbox in
        var text = "\(outbox.rows) change\(outbox.rows == 1 ? "" : "s") waiting"
        if let age = outbox.oldestAgeSeconds { text += ", oldest \(Int(age)) s old" }
        if outbox.syncPaused { text += " (sync paused)" }
        return text
    }
    line("Schema", status.schema) { schema in
        "version \(schema.database), this binary needs \(schema.binary)\(schema.isBehind ? ": run `refarch-tui db migrate`" : "")"
    }
    line("Tables", status.largestTables) {
        $0.isEmpty ? "none" : $0.map { "\($0.name) \(formatBytes(Double($0.totalBytes)))" }.joined(separator: ", ")
    }
    if let activity = status.activity.value {
        print("")
        if activity.longestQueries.isEmpty {
            print("No queries running.")
        } else {
            printTable(
                ["PID", "USER", "STATE", "RUNNING", "WAIT", "QUERY"],
                activity.longestQueries.map {
                    [String($0.pid), $0.user, $0.state, "\(Int($0.runningSeconds)) s", $0.waitEvent ?? "", $0.query]
                }, rightAligned: [0, 3], maxWidth: RunningQuery.queryTextLimit)
        }
        for wait in activity.lockWaits {
            print(
                "Lock wait: pid \(wait.pid) waits \(Int(wait.waitingSeconds)) s on \(wait.waitEvent), blocked by \(wait.blockedBy.map(String.init).joined(separator: ", ")): \(wait.query)"
            )
        }
    } else {
        line("Queries", status.activity) { _ in "" }
    }
}

private func yesNo(_ value: Bool?) -> String { value.map { $0 ? "yes" : "no" } ?? "-" }
