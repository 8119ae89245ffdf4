import Catalog
import Foundation

// Workers: the pelican and emu processes as their heartbeats describe them.
// `WorkerRosterReader` (target Sync) reads them from `refarch_workers` on either backend
// (the heartbeats live in the catalog database whatever the queue and index are).

/// The workers' heartbeats, as the console's Workers view and the CLI ask for them.
public protocol WorkerOperations: Sendable {
    /// The workers' heartbeats and the leader lock, read at one moment.
    func workers() async throws -> WorkerRoster
}

/// One worker process as its heartbeat row describes it (`refarch_workers`).
public struct WorkerStatus: Sendable, Hashable, Codable {
    /// `pelican` or `emu`.
    public var kind: String
    /// `ECS_TASK_ID` on Fargate, else host, pid and a random suffix.
    public var id: String
    public var host: String
    public var pid: Int
    public var startedAt: Date
    /// The last heartbeat, by the database's clock.
    public var lastSeen: Date
    /// Messages sent (pelican) or processed (emu) since the process started.
    public var processed: Int64
    public var errors: Int64
    /// The pelican that holds the leader lock says so in its heartbeat.
    public var isLeader: Bool
    /// How often it writes its heartbeat.
    public var heartbeatInterval: Duration

    public init(
        kind: String, id: String, host: String, pid: Int, startedAt: Date, lastSeen: Date, processed: Int64, errors: Int64,
        isLeader: Bool, heartbeatInterval: Duration
    ) {
        self.kind = kind
        self.id = id
        self.host = host
        self.pid = pid
        self.startedAt = startedAt
        self.lastSeen = lastSeen
        self.processed = processed
        self.errors = errors
        self.isLeader = isLeader
        self.heartbeatInterval = heartbeatInterval
    }

    /// Not seen for three heartbeat intervals at `now` (the database's clock): stopped,
    /// hung or cut off from the database.
    public func isMissing(at now: Date) -> Bool {
        now.timeIntervalSince(lastSeen) > 3 * heartbeatInterval.seconds
    }
}

/// The workers' heartbeats read at one moment, and whether any session holds pelican's
/// leader lock (a leader whose heartbeat stopped may still hold it, or may be gone).
public struct WorkerRoster: Sendable, Hashable, Codable {
    public var workers: [WorkerStatus]
    /// The database's clock when the rows were read: staleness is judged against it, so a
    /// console on a machine with a wrong clock still gets it right.
    public var readAt: Date
    public var leaderLockHeld: Bool

    public init(workers: [WorkerStatus], readAt: Date, leaderLockHeld: Bool) {
        self.workers = workers
        self.readAt = readAt
        self.leaderLockHeld = leaderLockHeld
    }

    /// The pelican that says it leads and is still beating.
    public var leader: WorkerStatus? { workers.first { $0.kind == "pelican" && $0.isLeader && !$0.isMissing(at: readAt) } }
}
