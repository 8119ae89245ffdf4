// The services seam on AWS: ECS for the services, tasks and actions, Application Auto
// Scaling for the bounds, CloudWatch for utilisation, CloudWatch Logs for the tail.
import AWS
import Foundation
import Operations

/// ``ServiceOperations`` over ECS. Every list follows every page (ListClusters, ListServices,
/// ListTasks, ListTaskDefinitions; DescribeServices 10 and DescribeTasks 100 at a time).
public struct ECSServiceOperations: ServiceOperations {
    let ecs: ECSClient
    let autoScaling: ApplicationAutoScalingClient
    let cloudWatch: CloudWatchClient
    let logs: CloudWatchLogsClient
    /// `ECS_CLUSTER`: the one cluster to look at; nil means every cluster.
    let cluster: String?
    let now: @Sendable () -> Date

    public init(configuration: AWSConfiguration, cluster: String?, now: @escaping @Sendable () -> Date = { Date() }) {
        ecs = ECSClient(configuration: configuration)
        autoScaling = ApplicationAutoScalingClient(configuration: configuration)
        cloudWatch = CloudWatchClient(configuration: configuration)
        logs = CloudWatchLogsClient(configuration: configuration)
        self.cluster = cluster
        self.now = now
    }

    public var backendName: String { "ecs" }

    /// Utilisation points: 5-minute averages over the last hour (12 per series).
    static let metricPeriod = 300
    static let metricWindow: TimeInterval = 3600

    // MARK: Reads

    public func listServices() async throws -> ServiceList {
        let clusters = try await clusterIdentifiers()
        var services: [ServiceStatus] = []
        for cluster in clusters {
            let arns = try await ecs.listServices(cluster: cluster)
            guard !arns.isEmpty else { continue }
            let clusterName = Self.lastComponent(cluster)
            for service in try await ecs.describeServices(cluster: cluster, services: arns).items {
                services.append(Self.status(of: service, cluster: clusterName))
            }
        }
        services.sort { ($0.cluster, $0.name) < ($1.cluster, $1.name) }
        if !services.isEmpty {
            await addAutoscaling(to: &services)
            await addUtilisation(to: &services)
        }
        return ServiceList(backend: backendName, clusters: clusters.map(Self.lastComponent), services: services, readAt: now())
    }

    public func tasks(of service: ServiceReference) async throws -> [ServiceTask] {
        let (cluster, name) = try await resolve(service)
        var arns: [String] = []
        var seen = Set<String>()
        // ListTasks returns RUNNING tasks unless asked for STOPPED ones: ask for both.
        for desiredStatus in ["RUNNING", "STOPPED"] {
            for arn in try await ecs.listTasks(cluster: cluster, serviceName: name, desiredStatus: desiredStatus)
            where seen.insert(arn).inserted {
                arns.append(arn)
            }
        }
        guard !arns.isEmpty else { return [] }
        return try await ecs.describeTasks(cluster: cluster, tasks: arns).items.map(Self.task)
            .sorted { ($0.startedAt ?? .distantFuture, $0.id) > ($1.startedAt ?? .distantFuture, $1.id) }
    }

    public func containers(ofTask taskID: String, in service: ServiceReference) async throws -> [TaskContainer] {
        let (cluster, name) = try await resolve(service)
        guard let task = try await ecs.describeTasks(cluster: cluster, tasks: [taskID]).items.first else {
            throw ServiceOperationError.taskNotFound(service: name, task: taskID)
        }
        return Self.task(task).containers
    }

    public func logs(of service: ServiceReference, _ request: LogTailRequest) async throws -> LogTail {
        let (cluster, name) = try await resolve(service)
        let described = try await ecs.describeServices(cluster: cluster, services: [name]).items.first
        guard let taskDefinition = described?.taskDefinition else {
            throw ServiceOperationError.serviceNotFound(service: name, clusters: [Self.lastComponent(cluster)])
        }
        let definition = try await ecs.describeTaskDefinition(taskDefinition)
        guard
            let options = definition.containerDefinitions?.lazy.compactMap({ $0.logConfiguration })
                .first(where: { $0.logDriver == "awslogs" && $0.options?["awslogs-group"] != nil })?.options,
            let group = options["awslogs-group"]
        else { throw ServiceOperationError.noLogGroup(service: name) }
        let streamPrefix = options["awslogs-stream-prefix"].map { "\($0)/" }

        let start = request.after?.timestamp ?? now().addingTimeInterval(-request.lookback.secondsValue)
        var events = try await logs.filterLogEvents(group: group, streamPrefix: streamPrefix, start: start)
        if let after = request.after {
            let afterMS = Int64((after.timestamp.timeIntervalSince1970 * 1000).rounded(.down))
            let seen = Set(after.eventIDs)
            events.removeAll { $0.timestamp < afterMS || ($0.timestamp == afterMS && seen.contains(Self.cursorKey($0))) }
        }
        let cursor = Self.cursor(after: events, previous: request.after ?? LogCursor(timestamp: start, eventIDs: []))
        let lines = events.map { LogLine(timestamp: $0.date, stream: $0.logStreamName, raw: $0.message) }
            .filter { $0.matches(request.filter) }
        return LogTail(source: "log group \(group)", lines: Array(lines.suffix(max(0, request.limit))), cursor: cursor)
    }

    // MARK: Actions

    public func scale(_ service: ServiceReference, to desired: Int) async throws -> ServiceChange {
        let (cluster, name) = try await resolve(service)
        let resourceID = ApplicationAutoScalingClient.ecsResourceID(cluster: Self.lastComponent(cluster), service: name)
        let targets = try await autoScaling.describeScalableTargets(resourceIDs: [resourceID], dimension: Self.dimension)
        if let target = targets.first(where: { $0.resourceID == resourceID }),
            !(target.minCapacity...max(target.minCapacity, target.maxCapacity)).contains(desired)
        {
            throw ServiceOperationError.outsideScalingBounds(
                service: name, requested: desired, min: target.minCapacity, max: target.maxCapacity)
        }
        let updated = try await ecs.updateService(cluster: cluster, service: name, desiredCount: desired)
        return Self.change(updated, cluster: cluster, name: name, action: "scale")
    }

    public func forceNewDeployment(_ service: ServiceReference) async throws -> ServiceChange {
        let (cluster, name) = try await resolve(service)
        let updated = try await ecs.updateService(cluster: cluster, service: name, forceNewDeployment: true)
        return Self.change(updated, cluster: cluster, name: name, action: "redeploy")
    }

    public func rollBack(_ service: ServiceReference) async throws -> ServiceChange {
        let (cluster, name) = try await resolve(service)
        guard let current = try await ecs.describeServices(cluster: cluster, services: [name]).items.first?.taskDefinition,
            let (family, revision) = Self.familyAndRevision(current)
        else { throw ServiceOperationError.serviceNotFound(service: name, clusters: [Self.lastComponent(cluster)]) }
        // familyPrefix matches by prefix: keep this family's revisions only.
        let previous = try await ecs.listTaskDefinitions(familyPrefix: family)
            .compactMap { arn in
                Self.familyAndRevision(arn).flatMap { $0.family == family && $0.revision < revision ? (arn, $0.revision) : nil }
            }
            .max { $0.1 < $1.1 }
        guard let previous else {
            throw ServiceOperationError.noEarlierRevision(service: name, taskDefinition: Self.lastComponent(current))
        }
        let updated = try await ecs.updateService(cluster: cluster, service: name, taskDefinition: previous.0)
        var change = Self.change(updated, cluster: cluster, name: name, action: "rollback")
        change.previousTaskDefinition = Self.lastComponent(current)
        return change
    }

    // MARK: Resolution

    static let dimension = "ecs:service:DesiredCount"

    /// The clusters to look at: the configured one, else every cluster.
    func clusterIdentifiers() async throws -> [String] {
        if let cluster { return [cluster] }
        return try await ecs.listClusters()
    }

    /// The cluster (as given or its ARN) that holds the service, and the service's name.
    func resolve(_ service: ServiceReference) async throws -> (cluster: String, name: String) {
        if let cluster = service.cluster ?? cluster { return (cluster, service.name) }
        let clusters = try await ecs.listClusters()
        var holders: [String] = []
        for cluster in clusters {
            let found = try await ecs.describeServices(cluster: cluster, services: [service.name]).items
            if found.contains(where: { $0.status != "INACTIVE" }) { holders.append(cluster) }
        }
        switch holders.count {
        case 1: return (holders[0], service.name)
        case 0: throw ServiceOperationError.serviceNotFound(service: service.name, clusters: clusters.map(Self.lastComponent))
        default: throw ServiceOperationError.ambiguousService(service: service.name, clusters: holders.map(Self.lastComponent))
        }
    }

    // MARK: Enrichment (each source may fail on its own)

    /// Scalable targets and policies of every ECS service at once; a failure is recorded on
    /// each service instead of failing the list.
    func addAutoscaling(to services: inout [ServiceStatus]) async {
        do {
            let targets = try await autoScaling.describeScalableTargets(dimension: Self.dimension)
            let policies = try await autoScaling.describeScalingPolicies(dimension: Self.dimension)
            let targetsByID = Dictionary(targets.map { ($0.resourceID, $0) }, uniquingKeysWith: { first, _ in first })
            let policiesByID = Dictionary(grouping: policies) { $0.resourceID ?? "" }
            for index in services.indices {
                let id = ApplicationAutoScalingClient.ecsResourceID(cluster: services[index].cluster, service: services[index].name)
                guard let target = targetsByID[id] else { continue }
                services[index].autoscaling = ServiceAutoscaling(
                    minCapacity: target.minCapacity, maxCapacity: target.maxCapacity,
                    policies: (policiesByID[id] ?? []).map { policy in
                        ServiceScalingPolicy(
                            name: policy.policyName, type: policy.policyType, targetValue: policy.targetTracking?.targetValue,
                            metric: policy.targetTracking.map { $0.predefinedMetricType?.predefinedMetricType ?? "customized metric" })
                    })
            }
        } catch {
            for index in services.indices { services[index].autoscalingError = Self.describe(error) }
        }
    }

    /// CPU and memory of the last hour for every service, up to 250 services (500 queries) a call.
    func addUtilisation(to services: inout [ServiceStatus]) async {
        let end = now()
        let start = end.addingTimeInterval(-Self.metricWindow)
        for chunkStart in stride(from: 0, to: services.count, by: 250) {
            let indices = Array(chunkStart..<min(chunkStart + 250, services.count))
            var queries: [MetricDataQuery] = []
            for index in indices {
                let dimensions = ["ClusterName": services[index].cluster, "ServiceName": services[index].name]
                for (prefix, metric) in [("cpu", "CPUUtilization"), ("memory", "MemoryUtilization")] {
                    queries.append(
                        MetricDataQuery(
                            id: "\(prefix)\(index)",
                            metric: MetricStat(
                                namespace: "AWS/ECS", metricName: metric, dimensions: dimensions, period: Self.metricPeriod,
                                stat: "Average")))
                }
            }
            do {
                let results = try await cloudWatch.getMetricData(queries: queries, start: start, end: end)
                let byID = Dictionary(results.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                for index in indices {
                    services[index].utilisation = ServiceUtilisation(
                        cpu: Self.series(byID["cpu\(index)"]), memory: Self.series(byID["memory\(index)"]))
                }
            } catch {
                for index in indices { services[index].metricsError = Self.describe(error) }
            }
        }
    }

    // MARK: Mapping

    /// One line for an error shown in place of figures.
    static func describe(_ error: any Error) -> String {
        (error as? AWSError)?.summary ?? "\(error)"
    }

    static func series(_ result: MetricDataResult?) -> MetricSeries {
        let points = zip(result?.timestamps ?? [], result?.values ?? []).sorted { $0.0 < $1.0 }
        return MetricSeries(timestamps: points.map(\.0), values: points.map(\.1), period: metricPeriod)
    }

    static func status(of service: ECSService, cluster: String) -> ServiceStatus {
        let events = (service.events ?? []).sorted { ($0.createdAt ?? .distantPast) > ($1.createdAt ?? .distantPast) }.prefix(10)
        return ServiceStatus(
            cluster: cluster, name: service.serviceName ?? service.serviceArn.map(lastComponent) ?? "?", status: service.status,
            desired: service.desiredCount, running: service.runningCount, pending: service.pendingCount,
            launchType: service.launchType, taskDefinition: service.taskDefinition.map(lastComponent),
            deployments: (service.deployments ?? []).map { deployment in
                ServiceDeployment(
                    id: deployment.id, status: deployment.status, taskDefinition: deployment.taskDefinition.map(lastComponent),
                    desired: deployment.desiredCount, running: deployment.runningCount, pending: deployment.pendingCount,
                    failedTasks: deployment.failedTasks, rolloutState: deployment.rolloutState,
                    rolloutStateReason: deployment.rolloutStateReason, createdAt: deployment.createdAt, updatedAt: deployment.updatedAt)
            },
            events: events.map { ServiceEvent(at: $0.createdAt, message: $0.message ?? "") })
    }

    static func task(_ task: ECSTask) -> ServiceTask {
        ServiceTask(
            id: task.taskArn.map(lastComponent) ?? "?", lastStatus: task.lastStatus, desiredStatus: task.desiredStatus,
            health: task.healthStatus, taskDefinition: task.taskDefinitionArn.map(lastComponent), startedAt: task.startedAt,
            stoppedAt: task.stoppedAt, stopCode: task.stopCode, stoppedReason: task.stoppedReason,
            availabilityZone: task.availabilityZone,
            containers: (task.containers ?? []).map { container in
                TaskContainer(
                    name: container.name ?? "?", image: container.image, lastStatus: container.lastStatus, exitCode: container.exitCode,
                    reason: container.reason, health: container.healthStatus)
            })
    }

    static func change(_ service: ECSService, cluster: String, name: String, action: String) -> ServiceChange {
        ServiceChange(
            cluster: lastComponent(cluster), service: service.serviceName ?? name, action: action, desired: service.desiredCount,
            running: service.runningCount, taskDefinition: service.taskDefinition.map(lastComponent))
    }

    /// The newest timestamp read and the ids read at it; `previous` when nothing was read.
    static func cursor(after events: [LogEvent], previous: LogCursor) -> LogCursor {
        guard let newest = events.map(\.timestamp).max() else { return previous }
        var ids = events.filter { $0.timestamp == newest }.map(cursorKey)
        let previousMS = Int64((previous.timestamp.timeIntervalSince1970 * 1000).rounded(.down))
        if newest == previousMS { ids += previous.eventIDs }
        return LogCursor(timestamp: Date(timeIntervalSince1970: Double(newest) / 1000), eventIDs: ids)
    }

    /// An event's key in a cursor: its stream and id (ids are only unique within a stream on some emulators).
    static func cursorKey(_ event: LogEvent) -> String { "\(event.logStreamName ?? "")/\(event.eventId ?? "")" }

    /// `family` and `revision` of `arn:…:task-definition/family:7` or `family:7`.
    static func familyAndRevision(_ taskDefinition: String) -> (family: String, revision: Int)? {
        let name = lastComponent(taskDefinition)
        guard let colon = name.lastIndex(of: ":"), let revision = Int(name[name.index(after: colon)...]) else { return nil }
        return (String(name[..<colon]), revision)
    }

    /// The part after the last `/` of an ARN (cluster, service, task or task definition name).
    static func lastComponent(_ arn: String) -> String {
        arn.split(separator: "/").last.map(String.init) ?? arn
    }
}

extension Duration {
    fileprivate var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
