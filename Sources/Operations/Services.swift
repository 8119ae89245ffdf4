// The services seam (issue 20 §1): the ECS services that run the workers — or, on the
// embedded backend, the local workers from their heartbeats — for the console's services
// view and `refarch-tui services …`. One method per read or action; the AWS implementation
// lives in AWSOperations, the embedded one in Sync.
import Catalog
import Foundation
import UserFacing

/// Reads and acts on the services that run the workers.
///
/// Reads never fail as a whole because one source did: a metric or autoscaling source that
/// fails leaves its error in ``ServiceStatus/metricsError`` or ``ServiceStatus/autoscalingError``.
public protocol ServiceOperations: Sendable {
    /// Which backend answers ("ecs" or "embedded"), for titles and JSON.
    var backendName: String { get }

    /// Every service of the configured cluster (or of every cluster when none is configured),
    /// with deployments, the last 10 events, autoscaling and the last hour's utilisation.
    func listServices() async throws -> ServiceList

    /// The tasks of one service, running and stopped (as long as the backend still returns them).
    func tasks(of service: ServiceReference) async throws -> [ServiceTask]

    /// The containers of one task of a service.
    func containers(ofTask taskID: String, in service: ServiceReference) async throws -> [TaskContainer]

    /// The service's log lines: the last ``LogTailRequest/limit`` lines, or those after
    /// ``LogTailRequest/after`` (follow), filtered by text.
    func logs(of service: ServiceReference, _ request: LogTailRequest) async throws -> LogTail

    /// Sets the desired count. Throws ``ServiceOperationError/outsideScalingBounds`` when the
    /// service has an autoscaling target and `desired` is outside its min/max.
    func scale(_ service: ServiceReference, to desired: Int) async throws -> ServiceChange

    /// Starts a new deployment of the same task definition (new tasks, same image tag).
    func forceNewDeployment(_ service: ServiceReference) async throws -> ServiceChange

    /// Points the service at the previous ACTIVE revision of its task definition's family.
    func rollBack(_ service: ServiceReference) async throws -> ServiceChange
}

/// A service by name, in a cluster when one is given (else the configured one, else the
/// only cluster that has a service of that name).
public struct ServiceReference: Sendable, Hashable, Codable, CustomStringConvertible {
    public var cluster: String?
    public var name: String

    public init(name: String, cluster: String? = nil) {
        self.name = name
        self.cluster = cluster
    }

    public var description: String { cluster.map { "\(name) in \($0)" } ?? name }
}

/// The answer of ``ServiceOperations/listServices()``.
public struct ServiceList: Sendable, Hashable, Codable {
    public var backend: String
    /// The clusters that were looked at (names), even when they have no services.
    public var clusters: [String]
    public var services: [ServiceStatus]
    public var readAt: Date

    public init(backend: String, clusters: [String], services: [ServiceStatus], readAt: Date) {
        self.backend = backend
        self.clusters = clusters
        self.services = services
        self.readAt = readAt
    }
}

/// One service: counts, deployments, events, autoscaling and utilisation.
public struct ServiceStatus: Sendable, Hashable, Codable {
    public var cluster: String
    public var name: String
    /// ACTIVE, DRAINING, INACTIVE (ECS); "running" or "missing" workers (embedded).
    public var status: String?
    public var desired: Int?
    public var running: Int?
    public var pending: Int?
    public var launchType: String?
    /// The task definition as `family:revision`.
    public var taskDefinition: String?
    public var deployments: [ServiceDeployment]
    /// The latest events, newest first, at most 10.
    public var events: [ServiceEvent]
    /// Nil when the service has no scalable target (or its source failed: see ``autoscalingError``).
    public var autoscaling: ServiceAutoscaling?
    public var autoscalingError: String?
    /// CPU and memory utilisation of the last hour; nil when its source failed (``metricsError``).
    public var utilisation: ServiceUtilisation?
    public var metricsError: String?

    public init(
        cluster: String, name: String, status: String? = nil, desired: Int? = nil, running: Int? = nil, pending: Int? = nil,
        launchType: String? = nil, taskDefinition: String? = nil, deployments: [ServiceDeployment] = [],
        events: [ServiceEvent] = [], autoscaling: ServiceAutoscaling? = nil, autoscalingError: String? = nil,
        utilisation: ServiceUtilisation? = nil, metricsError: String? = nil
    ) {
        self.cluster = cluster
        self.name = name
        self.status = status
        self.desired = desired
        self.running = running
        self.pending = pending
        self.launchType = launchType
        self.taskDefinition = taskDefinition
        self.deployments = deployments
        self.events = events
        self.autoscaling = autoscaling
        self.autoscalingError = autoscalingError
        self.utilisation = utilisation
        self.metricsError = metricsError
    }

    public var reference: ServiceReference { ServiceReference(name: name, cluster: cluster) }

    /// True while more than one deployment is live or the primary one has not completed.
    public var isRollingOut: Bool {
        deployments.count > 1 || deployments.contains { $0.rolloutState == "IN_PROGRESS" }
    }
}

/// One deployment (PRIMARY, or ACTIVE while it drains).
public struct ServiceDeployment: Sendable, Hashable, Codable {
    public var id: String?
    /// PRIMARY, ACTIVE or INACTIVE.
    public var status: String?
    /// `family:revision`.
    public var taskDefinition: String?
    public var desired: Int?
    public var running: Int?
    public var pending: Int?
    public var failedTasks: Int?
    /// COMPLETED, IN_PROGRESS or FAILED.
    public var rolloutState: String?
    public var rolloutStateReason: String?
    public var createdAt: Date?
    public var updatedAt: Date?

    public init(
        id: String? = nil, status: String? = nil, taskDefinition: String? = nil, desired: Int? = nil, running: Int? = nil,
        pending: Int? = nil, failedTasks: Int? = nil, rolloutState: String? = nil, rolloutStateReason: String? = nil,
        createdAt: Date? = nil, updatedAt: Date? = nil
    ) {
        self.id = id
        self.status = status
        self.taskDefinition = taskDefinition
        self.desired = desired
        self.running = running
        self.pending = pending
        self.failedTasks = failedTasks
        self.rolloutState = rolloutState
        self.rolloutStateReason = rolloutStateReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A service event ("has reached a steady state", placement failures, …).
public struct ServiceEvent: Sendable, Hashable, Codable {
    public var at: Date?
    public var message: String

    public init(at: Date?, message: String) {
        self.at = at
        self.message = message
    }
}

/// The service's Application Auto Scaling target and its policies.
public struct ServiceAutoscaling: Sendable, Hashable, Codable {
    public var minCapacity: Int
    public var maxCapacity: Int
    public var policies: [ServiceScalingPolicy]

    public init(minCapacity: Int, maxCapacity: Int, policies: [ServiceScalingPolicy]) {
        self.minCapacity = minCapacity
        self.maxCapacity = maxCapacity
        self.policies = policies
    }

    public func allows(_ desired: Int) -> Bool { (minCapacity...maxCapacity).contains(desired) }
}

/// One scaling policy: its kind and, for target tracking, the value and the metric it tracks.
public struct ServiceScalingPolicy: Sendable, Hashable, Codable {
    public var name: String
    /// TargetTrackingScaling, StepScaling, PredictiveScaling.
    public var type: String?
    public var targetValue: Double?
    /// The predefined metric (ECSServiceAverageCPUUtilization) or "custom NAMESPACE/METRIC".
    public var metric: String?

    public init(name: String, type: String?, targetValue: Double?, metric: String?) {
        self.name = name
        self.type = type
        self.targetValue = targetValue
        self.metric = metric
    }
}

/// CPU and memory utilisation (percent of the reservation) over the last hour, oldest first.
public struct ServiceUtilisation: Sendable, Hashable, Codable {
    public var cpu: MetricSeries
    public var memory: MetricSeries

    public init(cpu: MetricSeries, memory: MetricSeries) {
        self.cpu = cpu
        self.memory = memory
    }
}

/// Points of one metric, oldest first, for a sparkline.
public struct MetricSeries: Sendable, Hashable, Codable {
    public var timestamps: [Date]
    public var values: [Double]
    /// Seconds per point.
    public var period: Int

    public init(timestamps: [Date], values: [Double], period: Int) {
        self.timestamps = timestamps
        self.values = values
        self.period = period
    }

    public var latest: Double? { values.last }
}

/// One task of a service (a local worker process on the embedded backend).
public struct ServiceTask: Sendable, Hashable, Codable {
    /// The task id (the last part of its ARN), or the worker id.
    public var id: String
    /// PROVISIONING, PENDING, RUNNING, STOPPING, STOPPED, …
    public var lastStatus: String?
    public var desiredStatus: String?
    /// HEALTHY, UNHEALTHY, UNKNOWN.
    public var health: String?
    /// `family:revision`.
    public var taskDefinition: String?
    public var startedAt: Date?
    public var stoppedAt: Date?
    public var stopCode: String?
    public var stoppedReason: String?
    public var availabilityZone: String?
    public var containers: [TaskContainer]

    public init(
        id: String, lastStatus: String? = nil, desiredStatus: String? = nil, health: String? = nil, taskDefinition: String? = nil,
        startedAt: Date? = nil, stoppedAt: Date? = nil, stopCode: String? = nil, stoppedReason: String? = nil,
        availabilityZone: String? = nil, containers: [TaskContainer] = []
    ) {
        self.id = id
        self.lastStatus = lastStatus
        self.desiredStatus = desiredStatus
        self.health = health
        self.taskDefinition = taskDefinition
        self.startedAt = startedAt
        self.stoppedAt = stoppedAt
        self.stopCode = stopCode
        self.stoppedReason = stoppedReason
        self.availabilityZone = availabilityZone
        self.containers = containers
    }
}

/// One container of a task.
public struct TaskContainer: Sendable, Hashable, Codable {
    public var name: String
    public var image: String?
    public var lastStatus: String?
    public var exitCode: Int?
    public var reason: String?
    public var health: String?

    public init(
        name: String, image: String? = nil, lastStatus: String? = nil, exitCode: Int? = nil, reason: String? = nil,
        health: String? = nil
    ) {
        self.name = name
        self.image = image
        self.lastStatus = lastStatus
        self.exitCode = exitCode
        self.reason = reason
        self.health = health
    }
}

/// What to read from a service's logs.
public struct LogTailRequest: Sendable, Hashable {
    /// At most this many lines (the newest ones).
    public var limit: Int
    /// Only lines after this cursor (from a previous ``LogTail/cursor``): follow.
    public var after: LogCursor?
    /// Only lines whose text contains this, ignoring case.
    public var filter: String?
    /// How far back the first read looks.
    public var lookback: Duration

    public init(limit: Int = 100, after: LogCursor? = nil, filter: String? = nil, lookback: Duration = .seconds(3600)) {
        self.limit = limit
        self.after = after
        self.filter = filter
        self.lookback = lookback
    }
}

/// Where a tail stopped: the newest timestamp read and the events read at it (a later read
/// starts at that millisecond and skips them, so nothing is shown twice or lost). Opaque to
/// callers: pass it back as it came.
public struct LogCursor: Sendable, Hashable, Codable {
    public var timestamp: Date
    /// Keys of the events read at ``timestamp`` (the backend's; on AWS stream and event id).
    public var eventIDs: [String]

    public init(timestamp: Date, eventIDs: [String]) {
        self.timestamp = timestamp
        self.eventIDs = eventIDs
    }
}

/// Log lines, oldest first, and where to continue from.
public struct LogTail: Sendable, Hashable, Codable {
    /// Where the lines came from ("log group /refarch/emu").
    public var source: String
    public var lines: [LogLine]
    /// Pass back in ``LogTailRequest/after`` to follow.
    public var cursor: LogCursor?

    public init(source: String, lines: [LogLine], cursor: LogCursor?) {
        self.source = source
        self.lines = lines
        self.cursor = cursor
    }
}

/// One log line; JSON lines (our workers log JSON) are read into level and message.
public struct LogLine: Sendable, Hashable, Codable {
    public var timestamp: Date
    public var stream: String?
    /// `info`, `warning`, `error`, … from a JSON line's `level`; nil for plain text.
    public var level: String?
    /// A JSON line's `msg` (or `message`), else the raw text.
    public var message: String
    public var raw: String

    public init(timestamp: Date, stream: String?, raw: String) {
        self.timestamp = timestamp
        self.stream = stream
        self.raw = raw
        let parsed = Self.parse(raw)
        level = parsed.level
        message = parsed.message
    }

    /// Reads `level`/`msg` from a JSON object line; anything else is its own message.
    static func parse(_ raw: String) -> (level: String?, message: String) {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("{"), let data = trimmed.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return (nil, trimmed) }
        let level = (object["level"] ?? object["lvl"] ?? object["severity"]) as? String
        let message = (object["msg"] ?? object["message"]) as? String
        return (level?.lowercased(), message ?? trimmed)
    }

    /// True when the filter text occurs in the raw line, ignoring case.
    public func matches(_ filter: String?) -> Bool {
        guard let filter, !filter.isEmpty else { return true }
        return raw.range(of: filter, options: [.caseInsensitive]) != nil
    }
}

/// The service after an action, as the backend reported it.
public struct ServiceChange: Sendable, Hashable, Codable {
    public var cluster: String
    public var service: String
    /// scale, redeploy or rollback.
    public var action: String
    public var desired: Int?
    public var running: Int?
    /// `family:revision` after the action (and before it, for a rollback).
    public var taskDefinition: String?
    public var previousTaskDefinition: String?

    public init(
        cluster: String, service: String, action: String, desired: Int? = nil, running: Int? = nil, taskDefinition: String? = nil,
        previousTaskDefinition: String? = nil
    ) {
        self.cluster = cluster
        self.service = service
        self.action = action
        self.desired = desired
        self.running = running
        self.taskDefinition = taskDefinition
        self.previousTaskDefinition = previousTaskDefinition
    }
}

/// A services read or action that cannot be done, said so a person knows what to do.
public enum ServiceOperationError: UserFacingError, Sendable, Hashable {
    /// Scale to a count outside the autoscaling target's bounds.
    case outsideScalingBounds(service: String, requested: Int, min: Int, max: Int)
    /// No service of that name (in that cluster).
    case serviceNotFound(service: String, clusters: [String])
    /// The service name exists in several clusters and none was chosen.
    case ambiguousService(service: String, clusters: [String])
    /// No earlier ACTIVE revision of the task definition's family to roll back to.
    case noEarlierRevision(service: String, taskDefinition: String)
    /// The service's task definition sends no logs to CloudWatch Logs.
    case noLogGroup(service: String)
    /// An action the embedded backend cannot do (its workers are local processes).
    case embeddedAction(action: String, service: String)
    /// The embedded backend keeps no logs: each worker writes its own to stderr.
    case embeddedLogs(service: String)
    /// An action refused because read-only mode is on.
    case readOnly(action: String)
    /// The service, task or worker is not there (any more).
    case taskNotFound(service: String, task: String)

    public var summary: String {
        switch self {
        case let .outsideScalingBounds(service, requested, min, max):
            "Refusing to scale \(service) to \(requested): its autoscaling target allows \(min) to \(max) tasks."
        case let .serviceNotFound(service, clusters):
            clusters.isEmpty
                ? "There is no ECS cluster, so no service \(service)."
                : "No service \(service) in \(clusters.joined(separator: ", "))."
        case let .ambiguousService(service, clusters):
            "The service \(service) exists in \(clusters.count) clusters (\(clusters.joined(separator: ", ")))."
        case let .noEarlierRevision(service, taskDefinition):
            "Cannot roll back \(service): \(taskDefinition) has no earlier active revision."
        case let .noLogGroup(service):
            "\(service) sends no logs to CloudWatch Logs (no awslogs log driver in its task definition)."
        case let .embeddedAction(action, service):
            "embedded: cannot \(action) \(service); the embedded backend's workers are local processes."
        case let .embeddedLogs(service):
            "embedded: no log store for \(service); each local worker writes its log to its own stderr."
        case let .readOnly(action):
            "Refusing to \(action): read-only mode is on."
        case let .taskNotFound(service, task):
            "No task \(task) in \(service)."
        }
    }

    public var remedy: String? {
        switch self {
        case let .outsideScalingBounds(_, _, min, max):
            "Choose a count from \(min) to \(max), or change the scalable target's MinCapacity/MaxCapacity first."
        case .serviceNotFound:
            "Check the name with `refarch-tui services list`; pass --cluster NAME or set ECS_CLUSTER."
        case .ambiguousService:
            "Pass --cluster NAME or set ECS_CLUSTER."
        case .noEarlierRevision:
            "Register the revision to go back to (or re-activate it), then roll back or update the service to it."
        case .noLogGroup:
            "Give its containers the awslogs log driver (the infra program does), or read the logs where they are sent."
        case .embeddedAction:
            "embedded: start/stop workers with `refarch-tui worker pelican` / `refarch-tui worker emu` (ctrl-c stops one)."
        case .embeddedLogs:
            "Read the terminal (or file) the worker was started from: `refarch-tui worker emu 2>>emu.log`."
        case .readOnly:
            "Run without --read-only and with REFARCH_READ_ONLY unset to make changes."
        case .taskNotFound:
            "List the service's tasks again: `refarch-tui services tasks NAME`."
        }
    }

    /// Refused (exit 3) rather than failed (exit 1).
    public var exitClass: ExitClass {
        switch self {
        case .outsideScalingBounds, .embeddedAction, .embeddedLogs, .readOnly: .refused
        default: .failure
        }
    }
}

/// Wraps a backend and refuses every action in read-only mode, before any request is sent;
/// reads pass through. The console and the CLI both wrap with it, so neither can forget.
public struct ReadOnlyServiceOperations: ServiceOperations {
    public let base: any ServiceOperations

    public init(_ base: any ServiceOperations) { self.base = base }

    public var backendName: String { base.backendName }
    public func listServices() async throws -> ServiceList { try await base.listServices() }
    public func tasks(of service: ServiceReference) async throws -> [ServiceTask] { try await base.tasks(of: service) }
    public func containers(ofTask taskID: String, in service: ServiceReference) async throws -> [TaskContainer] {
        try await base.containers(ofTask: taskID, in: service)
    }
    public func logs(of service: ServiceReference, _ request: LogTailRequest) async throws -> LogTail {
        try await base.logs(of: service, request)
    }
    public func scale(_ service: ServiceReference, to desired: Int) async throws -> ServiceChange {
        throw ServiceOperationError.readOnly(action: "scale \(service.name)")
    }
    public func forceNewDeployment(_ service: ServiceReference) async throws -> ServiceChange {
        throw ServiceOperationError.readOnly(action: "redeploy \(service.name)")
    }
    public func rollBack(_ service: ServiceReference) async throws -> ServiceChange {
        throw ServiceOperationError.readOnly(action: "roll back \(service.name)")
    }
}
