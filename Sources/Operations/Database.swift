// The database seam (issue 20 §2): the database's health for the console's database view
// and `refarch-tui db status`. The Postgres reads (both backends) live in PostgresCatalog,
// the RDS instance (AWS) in AWSOperations; ``DatabaseStatusReader`` puts them together.
import Foundation
import UserFacing

/// Reads the health of the catalog's database.
///
/// A source that fails (RDS describe denied, a statistics view not readable) never fails the
/// whole answer: its error stands in its ``DatabaseReading`` where its figures would be.
public protocol DatabaseOperations: Sendable {
    /// The RDS instance (when one is configured) and Postgres's own figures, read now.
    func databaseStatus() async throws -> DatabaseStatus
}

/// One source's figures, or why they could not be read.
public struct DatabaseReading<Value: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    public var value: Value?
    /// What went wrong, for people (never a secret: errors name operations, not values).
    public var error: String?

    public init(value: Value) {
        self.value = value
        error = nil
    }

    public init(error: String) {
        value = nil
        self.error = error
    }

    /// Runs `read`; its error, if any, becomes the reading's.
    public static func reading(_ read: () async throws -> Value) async -> DatabaseReading {
        do { return DatabaseReading(value: try await read()) } catch { return DatabaseReading(error: describeDatabaseError(error)) }
    }
}

/// An error's words for a reading: the user-facing summary when there is one.
public func describeDatabaseError(_ error: any Error) -> String {
    if let error = error as? any UserFacingError { return error.description }
    return String(describing: error)
}

/// The answer of ``DatabaseOperations/databaseStatus()``.
public struct DatabaseStatus: Sendable, Hashable, Codable {
    /// "rds" when an RDS instance is configured, else "postgres".
    public var backend: String
    /// The RDS instance; nil when none is configured.
    public var instance: DatabaseReading<RDSInstanceHealth>?
    public var connections: DatabaseReading<ConnectionUsage>
    public var outbox: DatabaseReading<OutboxBacklog>
    public var largestTables: DatabaseReading<[TableSize]>
    public var schema: DatabaseReading<SchemaVersionStatus>
    /// Queries running longest first, and sessions waiting on a lock.
    public var activity: DatabaseReading<DatabaseActivity>
    public var readAt: Date

    public init(
        backend: String, instance: DatabaseReading<RDSInstanceHealth>?, connections: DatabaseReading<ConnectionUsage>,
        outbox: DatabaseReading<OutboxBacklog>, largestTables: DatabaseReading<[TableSize]>, schema: DatabaseReading<SchemaVersionStatus>,
        activity: DatabaseReading<DatabaseActivity>, readAt: Date
    ) {
        self.backend = backend
        self.instance = instance
        self.connections = connections
        self.outbox = outbox
        self.largestTables = largestTables
        self.schema = schema
        self.activity = activity
        self.readAt = readAt
    }
}

/// The RDS instance behind the catalog, as DescribeDBInstances and CloudWatch tell it.
public struct RDSInstanceHealth: Sendable, Hashable, Codable {
    public var identifier: String
    /// Free text (available, backing-up, modifying, …).
    public var status: String?
    public var instanceClass: String?
    public var engine: String?
    public var engineVersion: String?
    public var allocatedStorageGiB: Int?
    public var storageType: String?
    /// CloudWatch's latest FreeStorageSpace, in bytes.
    public var freeStorageBytes: Double?
    /// Why the free storage could not be read (the rest of the instance still shows).
    public var freeStorageError: String?
    public var multiAZ: Bool?
    public var endpointAddress: String?
    public var endpointPort: Int?
    /// "03:00-03:30" (UTC).
    public var backupWindow: String?
    public var backupRetentionDays: Int?
    public var storageEncrypted: Bool?
    public var certificateAuthority: String?
    /// Reachable from the internet: an error to point out, never a neutral fact.
    public var publiclyAccessible: Bool?

    public init(identifier: String) { self.identifier = identifier }
}

/// Connections in use against the server's limit.
public struct ConnectionUsage: Sendable, Hashable, Codable {
    public var inUse: Int
    public var max: Int
    /// Connections kept for superusers (not available to the catalog).
    public var reserved: Int

    public init(inUse: Int, max: Int, reserved: Int) {
        self.inUse = inUse
        self.max = max
        self.reserved = reserved
    }
}

/// Changes captured in the outbox that pelican has not sent yet.
public struct OutboxBacklog: Sendable, Hashable, Codable {
    public var rows: Int
    /// Seconds since the oldest waiting change was made (by the database's clock); nil when empty.
    public var oldestAgeSeconds: Double?
    public var syncPaused: Bool

    public init(rows: Int, oldestAgeSeconds: Double?, syncPaused: Bool) {
        self.rows = rows
        self.oldestAgeSeconds = oldestAgeSeconds
        self.syncPaused = syncPaused
    }
}

/// One table and what it takes on disk (with its indexes and TOAST).
public struct TableSize: Sendable, Hashable, Codable {
    public var name: String
    public var totalBytes: Int64
    /// The planner's estimate (`reltuples`), -1 when the table was never analysed.
    public var estimatedRows: Int64

    public init(name: String, totalBytes: Int64, estimatedRows: Int64) {
        self.name = name
        self.totalBytes = totalBytes
        self.estimatedRows = estimatedRows
    }
}

/// The schema the database is at against the one this binary needs.
public struct SchemaVersionStatus: Sendable, Hashable, Codable {
    public var database: Int
    public var binary: Int

    public init(database: Int, binary: Int) {
        self.database = database
        self.binary = binary
    }

    /// `db migrate` has not been run for this binary.
    public var isBehind: Bool { database < binary }
    /// A newer binary migrated it: this one may not know every table.
    public var isAhead: Bool { database > binary }
}

/// What `pg_stat_activity` says the server is doing.
public struct DatabaseActivity: Sendable, Hashable, Codable {
    /// Statements running now, longest first (this session's own read left out).
    public var longestQueries: [RunningQuery]
    /// Sessions waiting for a lock, longest first, with the sessions blocking them.
    public var lockWaits: [LockWait]

    public init(longestQueries: [RunningQuery], lockWaits: [LockWait]) {
        self.longestQueries = longestQueries
        self.lockWaits = lockWaits
    }
}

/// One running statement. Its text is cut short (``RunningQuery/queryTextLimit``): parameters
/// are not in `pg_stat_activity`, but a literal in the text could be.
public struct RunningQuery: Sendable, Hashable, Codable {
    public var pid: Int
    public var user: String
    public var applicationName: String
    public var state: String
    public var runningSeconds: Double
    /// "Lock: transactionid" while waiting; nil when not waiting.
    public var waitEvent: String?
    public var query: String

    /// How much of a statement's text is shown.
    public static let queryTextLimit = 80

    public init(
        pid: Int, user: String, applicationName: String, state: String, runningSeconds: Double, waitEvent: String?, query: String
    ) {
        self.pid = pid
        self.user = user
        self.applicationName = applicationName
        self.state = state
        self.runningSeconds = runningSeconds
        self.waitEvent = waitEvent
        self.query = RunningQuery.shortened(query)
    }

    /// One line, at most ``queryTextLimit`` characters.
    public static func shortened(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return line.count <= queryTextLimit ? line : String(line.prefix(queryTextLimit - 1)) + "…"
    }
}

/// A session waiting for a lock, and who holds it up.
public struct LockWait: Sendable, Hashable, Codable {
    public var pid: Int
    public var blockedBy: [Int]
    public var waitingSeconds: Double
    /// "Lock: transactionid", "Lock: relation".
    public var waitEvent: String
    public var query: String

    public init(pid: Int, blockedBy: [Int], waitingSeconds: Double, waitEvent: String, query: String) {
        self.pid = pid
        self.blockedBy = blockedBy
        self.waitingSeconds = waitingSeconds
        self.waitEvent = waitEvent
        self.query = RunningQuery.shortened(query)
    }
}

/// Postgres's own figures (both backends), each read on its own.
public struct PostgresHealth: Sendable, Hashable {
    public var connections: DatabaseReading<ConnectionUsage>
    public var outbox: DatabaseReading<OutboxBacklog>
    public var largestTables: DatabaseReading<[TableSize]>
    public var schema: DatabaseReading<SchemaVersionStatus>
    public var activity: DatabaseReading<DatabaseActivity>

    public init(
        connections: DatabaseReading<ConnectionUsage>, outbox: DatabaseReading<OutboxBacklog>, largestTables: DatabaseReading<[TableSize]>,
        schema: DatabaseReading<SchemaVersionStatus>, activity: DatabaseReading<DatabaseActivity>
    ) {
        self.connections = connections
        self.outbox = outbox
        self.largestTables = largestTables
        self.schema = schema
        self.activity = activity
    }
}

/// ``DatabaseOperations`` from its two sources: Postgres (always) and the RDS instance (when
/// one is configured), read side by side.
public struct DatabaseStatusReader: DatabaseOperations {
    let postgres: @Sendable () async -> PostgresHealth
    let instance: (@Sendable () async throws -> RDSInstanceHealth)?

    /// - Parameters:
    ///   - postgres: Postgres's figures (each already caught).
    ///   - instance: the RDS instance's, when one is configured.
    public init(
        postgres: @escaping @Sendable () async -> PostgresHealth, instance: (@Sendable () async throws -> RDSInstanceHealth)? = nil
    ) {
        self.postgres = postgres
        self.instance = instance
    }

    public func databaseStatus() async throws -> DatabaseStatus {
        async let health = postgres()
        var rds: DatabaseReading<RDSInstanceHealth>?
        if let instance { rds = await DatabaseReading.reading { try await instance() } }
        let pg = await health
        return DatabaseStatus(
            backend: instance == nil ? "postgres" : "rds", instance: rds, connections: pg.connections, outbox: pg.outbox,
            largestTables: pg.largestTables, schema: pg.schema, activity: pg.activity, readAt: Date())
    }
}

/// A size in binary units as the database view and `db status` show it: "1.5 GiB",
/// "812 MiB", "96 KiB" (one decimal below 100 of a unit).
public func formatBytes(_ bytes: Double) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = bytes
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    return unit == 0 || value >= 100 ? "\(Int(value.rounded())) \(units[unit])" : String(format: "%.1f", value) + " " + units[unit]
}
