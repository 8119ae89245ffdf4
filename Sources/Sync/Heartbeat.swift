import Foundation
import Logging
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
        state.withLock { $0.processed += Int64(count); $0.lastProgress = .now }
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

    public init(identity: WorkerIdentity, counters: WorkerCounters, pool: PostgresPool, interval: Duration = .seconds(5),
                logger: Logger) {
        self.identity = identity
        self.counters = counters
        self.pool = pool
        self.interval = interval
        self.logger = logger
    }

    /// Writes one heartbeat now.
    public func beat(isLeader: Bool = false) async throws {
        try await pool.query("""
            INSERT INTO refarch_workers (kind, id, host, pid, started_at, last_seen, processed, errors, is_leader)
            VALUES ($1, $2, $3, $4, to_timestamp($5), now(), $6, $7, $8)
            ON CONFLICT (kind, id) DO UPDATE SET last_seen = now(), processed = EXCLUDED.processed,
                errors = EXCLUDED.errors, is_leader = EXCLUDED.is_leader, host = EXCLUDED.host, pid = EXCLUDED.pid
            """, [identity.kind.rawValue, identity.id, identity.host, Int(identity.pid), identity.startedAt.timeIntervalSince1970,
                  counters.processed, counters.errors, isLeader], operation: "write the worker heartbeat")
    }

    /// Beats every `interval` until the task is cancelled; a failed beat is logged and retried.
    public func run(isLeader: @escaping @Sendable () -> Bool = { false }) async {
        while !Task.isCancelled {
            do {
                try await beat(isLeader: isLeader())
            } catch {
                logger.warning("Heartbeat not written; will retry", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
