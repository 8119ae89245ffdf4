import Foundation
import Postgres
import PostgresCatalog
import Synchronization

/// Pausing and resuming a catalog's sync (`refarch-tui sync pause|resume|status`).
///
/// The state is one row in Postgres (`refarch_sync_control`), so every worker of the catalog
/// obeys it, wherever it runs: pelican reads it in each drain transaction and stops draining
/// the outbox (changes keep accumulating there, durably); emu reads it before each receive,
/// finishes the batch in hand, hands back anything a receive returned after the pause, and
/// waits. Resuming wakes pelican at once through the outbox channel; emu sees it within
/// ``pollInterval``.
public struct SyncControl: Sendable {
    /// What `sync status` shows.
    public struct Status: Sendable, Hashable, Codable {
        public var paused: Bool
        /// When and by whom the state last changed (ISO 8601; empty `by` if never).
        public var changedAt: String
        public var changedBy: String
        /// Changes waiting in the outbox (they accumulate while paused).
        public var outboxRows: Int

        enum CodingKeys: String, CodingKey {
            case paused
            case changedAt = "changed_at"
            case changedBy = "changed_by"
            case outboxRows = "outbox_rows"
        }
    }

    /// How often a paused emu looks again.
    public static let pollInterval: Duration = .milliseconds(500)

    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// Pauses the sync; returns once no pelican batch is in flight (the update waits for the
    /// drain transaction that holds the row). `by` is recorded for `status` (user@host).
    public func pause(by: String) async throws { try await set(paused: true, by: by) }

    /// Resumes the sync and wakes pelican.
    public func resume(by: String) async throws { try await set(paused: false, by: by) }

    func set(paused: Bool, by: String) async throws {
        try await pool.withConnection { connection in
            try await connection.transaction(operation: paused ? "pause the sync" : "resume the sync") { conn in
                try conn.execute(
                    """
                    INSERT INTO refarch_sync_control (singleton, paused, changed_at, changed_by) VALUES (true, $1, now(), $2)
                    ON CONFLICT (singleton) DO UPDATE SET paused = EXCLUDED.paused, changed_at = now(), changed_by = EXCLUDED.changed_by
                    """, [paused, by], operation: "set the sync state")
                if !paused {
                    try conn.execute(
                        "SELECT pg_notify($1, current_schema())", [SchemaMigrator.outboxChannel], operation: "wake pelican")
                }
            }
        }
    }

    /// Whether the sync is paused now.
    public func isPaused() async throws -> Bool {
        let rows = try await pool.query("SELECT paused FROM refarch_sync_control", operation: "read the sync state")
        return try rows.first?.decode(Bool.self, at: 0) ?? false
    }

    /// The state, who changed it last, and the outbox backlog.
    public func status() async throws -> Status {
        let rows = try await pool.query(
            """
            SELECT coalesce(c.paused, false),
                   coalesce(to_char(c.changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ''),
                   coalesce(c.changed_by, ''), (SELECT count(*) FROM refarch_outbox)
            FROM (SELECT 1) one LEFT JOIN refarch_sync_control c ON true
            """, operation: "read the sync state")
        let row = rows[0]
        return Status(
            paused: try row.decode(Bool.self, at: 0), changedAt: try row.decode(String.self, at: 1),
            changedBy: try row.decode(String.self, at: 2), outboxRows: try row.decode(Int.self, at: 3))
    }

    /// Who is pausing or resuming, for the record: `user@host`. The account comes from
    /// `USER` or `LOGNAME`, else from the password database (containers often set neither).
    public static var actor: String {
        let environment = ProcessInfo.processInfo.environment
        let user = environment["USER"] ?? environment["LOGNAME"] ?? accountName(uid: getuid()) ?? "uid \(getuid())"
        return "\(user)@\(ProcessInfo.processInfo.hostName)"
    }

    /// The login name of `uid` from the password database, if it has one.
    static func accountName(uid: uid_t) -> String? {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }
}

/// Emu's view of the pause state: the last answer read, kept when Postgres cannot be asked
/// (emu in AWS mode keeps indexing through a database outage rather than stopping).
final class PauseFlag: Sendable {
    private let paused = Mutex(false)
    var value: Bool {
        get { paused.withLock { $0 } }
        set { paused.withLock { $0 = newValue } }
    }
}
