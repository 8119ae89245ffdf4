import Catalog
import Foundation
import Logging
import Operations
import Postgres
import Synchronization

/// Who a worker process is, in logs, heartbeats and metrics.
public struct WorkerIdentity: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case pelican, emu }

    public let kind: Kind
    /// `ECS_TASK_ID` on Fargate, else host, pid and a random suffix.
    public let id: String
    public let host: String
    public let pid: Int32
    public let startedAt: Date

    public init(kind: Kind, configuredID: String?) {
        self.kind = kind
        host = ProcessInfo.processInfo.hostName
        pid = ProcessInfo.processInfo.processIdentifier
        id = configuredID ?? "\(host)-\(pid)-\(String(UInt32.random(in: 0..<UInt32.max), radix: 36))"
        startedAt = Date()
    }
}

/// Counts a worker keeps for its heartbeat and health: what it processed, what failed,
/// and when it last made progress.
public final class WorkerCounters: Sendable {
    private let state = Mutex<(processed: Int64, errors: Int64, lastProgress: ContinuousClock.Instant)>((0, 0, .now))

    public init() {}

    public func recordProcessed(_ count: Int) {
        state.withLock {
            $0.processed += Int64(count); $0.lastProgress = .now
        }
    }

    /// Marks the worker alive and idle-but-well (an empty poll is progress too).
    public func recordAlive() { state.withLock { $0.lastProgress = .now } }

    public func recordError() { state.withLock { $0.errors += 1 } }

    public var processed: Int64 { state.withLock { $0.processed } }
    public var errors: Int64 { state.withLock { $0.errors } }

    /// True when the worker made progress within `window` (for `/healthz`).
    public func isProgressing(within window: Duration) -> Bool {
        state.withLock { ContinuousClock.now - $0.lastProgress < window }
    }
}

/// Writes the worker's row in `refarch_workers` every few seconds, so the console can show
/// who is running and spot one that stopped (last seen more than three intervals ago).
public struct HeartbeatWriter: Sendable {
    public let identity: WorkerIdentity
    public let counters: WorkerCounters
    public let pool: PostgresPool
    public let interval: Duration
    let logger: Logger

    public init(
        identity: WorkerIdentity, counters: WorkerCounters, pool: PostgresPool, interval: Duration = .seconds(5),
        logger: Logger
    ) {
        self.identity = identity
        self.counters = counters
        self.pool = pool
        self.interval = interval
        self.logger = logger
    }

    /// Writes one heartbeat now.
    public func beat(isLeader: Bool = false) async throws {
        try await pool.query(
            """
            INSERT INTO refarch_workers (kind, id, host, pid, started_at, last_seen, processed, errors, is_leader, heartbeat_ms)
            VALUES ($1, $2, $3, $4, to_timestamp($5), now(), $6, $7, $8, $9)
            ON CONFLICT (kind, id) DO UPDATE SET last_seen = now(), processed = EXCLUDED.processed,
                errors = EXCLUDED.errors, is_leader = EXCLUDED.is_leader, host = EXCLUDED.host, pid = EXCLUDED.pid,
                heartbeat_ms = EXCLUDED.heartbeat_ms
            """,
            [
                identity.kind.rawValue, identity.id, identity.host, Int(identity.pid), identity.startedAt.timeIntervalSince1970,
                counters.processed, counters.errors, isLeader, Int(interval.seconds * 1000),
            ], operation: "write the worker heartbeat")
    }

    /// Removes the worker's row: a worker that stops cleanly leaves the roster, so only
    /// running workers and ones that died (missing heartbeats) are shown.
    public func remove() async throws {
        try await pool.query(
            "DELETE FROM refarch_workers WHERE kind = $1 AND id = $2", [identity.kind.rawValue, identity.id],
            operation: "remove the worker heartbeat")
    }

    /// Beats every `interval` until the task is cancelled (a failed beat is logged and
    /// retried), then removes the row.
    public func run(isLeader: @escaping @Sendable () -> Bool = { false }) async {
        while !Task.isCancelled {
            do {
                try await beat(isLeader: isLeader())
            } catch {
                logger.warning("Heartbeat not written; will retry", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
        // Cancelled: the task's own awaits would throw, so the removal runs in a fresh task.
        let writer = self
        do { try await Task { try await writer.remove() }.value } catch {
            logger.warning("Heartbeat row not removed", metadata: ["error": "\(error)"])
        }
    }
}

/// Reads the workers' heartbeats for the console's workers view and `refarch-tui workers`.
public struct WorkerRosterReader: WorkerOperations {
    let pool: PostgresPool
    /// Rows not seen for longer than this are left out (long-gone workers that did not stop cleanly).
    let horizon: Duration

    public init(pool: PostgresPool, horizon: Duration = .seconds(3600)) {
        self.pool = pool
        self.horizon = horizon
    }

    /// One query: the rows, the database's clock, and whether pelican's leader lock of this
    /// catalog is held (pg_locks shows a two-key advisory lock as classid, objid, objsubid 2).
    /// ``WorkerOperations``: the roster as ``read()`` gives it.
    public func workers() async throws -> WorkerRoster { try await read() }

    public func read() async throws -> WorkerRoster {
        let rows = try await pool.query(
            """
            SELECT kind, id, host, pid, extract(epoch FROM started_at)::float8, extract(epoch FROM last_seen)::float8,
                   processed, errors, is_leader, heartbeat_ms,
                   extract(epoch FROM now())::float8,
                   EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
                           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                           AND classid = $1::integer::oid AND objid = hashtext(current_schema())::oid)
            FROM (SELECT 1) AS one
            LEFT JOIN refarch_workers ON last_seen > now() - make_interval(secs => $2)
            ORDER BY kind DESC, started_at
            """, [Int(PelicanService.leaderLockClass), horizon.seconds], operation: "read the workers' heartbeats")
        var workers: [WorkerStatus] = []
        var readAt = Date()
        var lockHeld = false
        for row in rows {
            readAt = Date(timeIntervalSince1970: try row.decode(Double.self, at: 10))
            lockHeld = try row.decode(Bool.self, at: 11)
            guard let kind = try row.decode(String?.self, at: 0) else { continue }
            workers.append(
                WorkerStatus(
                    kind: kind, id: try row.decode(String.self, at: 1), host: try row.decode(String.self, at: 2),
                    pid: try row.decode(Int.self, at: 3), startedAt: Date(timeIntervalSince1970: try row.decode(Double.self, at: 4)),
                    lastSeen: Date(timeIntervalSince1970: try row.decode(Double.self, at: 5)), processed: try row.decode(Int64.self, at: 6),
                    errors: try row.decode(Int64.self, at: 7), isLeader: try row.decode(Bool.self, at: 8),
                    heartbeatInterval: .milliseconds(try row.decode(Int.self, at: 9))))
        }
        return WorkerRoster(workers: workers, readAt: readAt, leaderLockHeld: lockHeld)
    }
}
