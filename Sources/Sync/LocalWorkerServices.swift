import Catalog
import Foundation
import Operations

/// The services seam on the embedded backend: the local workers, from their heartbeats,
/// shown as two services (`pelican` and `emu`, always both, so the list is never empty);
/// each worker process is a task. Actions are refused: local workers are started and
/// stopped by hand, not scaled.
public struct LocalWorkerServices: ServiceOperations {
    let readRoster: @Sendable () async throws -> WorkerRoster

    public init(roster: WorkerRosterReader) {
        readRoster = { try await roster.read() }
    }

    /// For tests: any source of rosters.
    public init(readRoster: @escaping @Sendable () async throws -> WorkerRoster) {
        self.readRoster = readRoster
    }

    public var backendName: String { "embedded" }

    /// The cluster name the embedded services are listed under.
    public static let cluster = "local"
    /// The worker kinds, in the order they are listed.
    public static let kinds = ["pelican", "emu"]

    public func listServices() async throws -> ServiceList {
        let roster = try await readRoster()
        let services = Self.kinds.map { kind -> ServiceStatus in
            let workers = roster.workers.filter { $0.kind == kind }
            let missing = workers.filter { $0.isMissing(at: roster.readAt) }
            let running = workers.count - missing.count
            var events = missing.map { worker in
                ServiceEvent(
                    at: worker.lastSeen, message: "worker \(worker.id) (pid \(worker.pid) on \(worker.host)) stopped sending heartbeats")
            }
            events += workers.filter { !$0.isMissing(at: roster.readAt) }.map { worker in
                ServiceEvent(at: worker.startedAt, message: "worker \(worker.id) (pid \(worker.pid) on \(worker.host)) started")
            }
            events.sort { ($0.at ?? .distantPast) > ($1.at ?? .distantPast) }
            return ServiceStatus(
                cluster: Self.cluster, name: kind,
                status: workers.isEmpty ? "none" : (missing.isEmpty ? "running" : "\(missing.count) missing"),
                desired: nil, running: running, pending: 0, launchType: "local", events: Array(events.prefix(10)))
        }
        return ServiceList(backend: backendName, clusters: [Self.cluster], services: services, readAt: roster.readAt)
    }

    public func tasks(of service: ServiceReference) async throws -> [ServiceTask] {
        let roster = try await readRoster()
        let kind = try Self.kind(of: service)
        return roster.workers.filter { $0.kind == kind }.map { Self.task($0, at: roster.readAt) }
    }

    public func containers(ofTask taskID: String, in service: ServiceReference) async throws -> [TaskContainer] {
        let tasks = try await tasks(of: service)
        guard let task = tasks.first(where: { $0.id == taskID }) else {
            throw ServiceOperationError.taskNotFound(service: service.name, task: taskID)
        }
        return task.containers
    }

    public func logs(of service: ServiceReference, _ request: LogTailRequest) async throws -> LogTail {
        throw ServiceOperationError.embeddedLogs(service: service.name)
    }

    public func scale(_ service: ServiceReference, to desired: Int) async throws -> ServiceChange {
        throw ServiceOperationError.embeddedAction(action: "scale", service: service.name)
    }

    public func forceNewDeployment(_ service: ServiceReference) async throws -> ServiceChange {
        throw ServiceOperationError.embeddedAction(action: "redeploy", service: service.name)
    }

    public func rollBack(_ service: ServiceReference) async throws -> ServiceChange {
        throw ServiceOperationError.embeddedAction(action: "roll back", service: service.name)
    }

    static func kind(of service: ServiceReference) throws -> String {
        guard kinds.contains(service.name), service.cluster == nil || service.cluster == cluster else {
            throw ServiceOperationError.serviceNotFound(service: service.name, clusters: [cluster])
        }
        return service.name
    }

    /// A worker as a task: RUNNING while it beats, else STOPPED with why.
    static func task(_ worker: WorkerStatus, at readAt: Date) -> ServiceTask {
        let missing = worker.isMissing(at: readAt)
        let status = missing ? "STOPPED" : "RUNNING"
        let description = "pid \(worker.pid) on \(worker.host)\(worker.isLeader ? ", leader" : "")"
        return ServiceTask(
            id: worker.id, lastStatus: status, desiredStatus: "RUNNING", health: missing ? "UNHEALTHY" : "HEALTHY",
            startedAt: worker.startedAt, stoppedAt: missing ? worker.lastSeen : nil,
            stoppedReason: missing ? "no heartbeat since \(worker.lastSeen.formatted(.iso8601))" : nil,
            containers: [
                TaskContainer(
                    name: worker.kind, image: "refarch-tui worker \(worker.kind) (\(description))", lastStatus: status,
                    reason: "processed \(worker.processed), errors \(worker.errors)", health: missing ? "UNHEALTHY" : "HEALTHY")
            ])
    }
}
