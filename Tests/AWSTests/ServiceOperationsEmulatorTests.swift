import AWSOperations
import Foundation
import HTTP
import Operations
import Synchronization
import TestSupport
import Testing

@testable import AWS

/// The services seam on AWS (ECS, Application Auto Scaling, CloudWatch, CloudWatch Logs)
/// against the emulator. Its ECS is bookkeeping only (no service tasks, no events), so the
/// tests assert desired counts, task definitions and what the client itself sent.
@Suite(
    "ECS services seam against the AWS emulator",
    .enabled(if: TestEnvironment.hasAWSEmulator, "needs the AWS emulator: run `make test`"))
struct ServiceOperationsEmulatorTests {
    @Test("a cluster with two services: both listed with their deployments; scaling one to 3 makes the emulator report desired 3")
    func listAndScale() async throws {
        let configuration = try Emulator.configuration()
        let ecs = ECSClient(configuration: configuration)
        let (cluster, family) = try await EmulatorECS.makeCluster(ecs)
        let services = ECSServiceOperations(configuration: configuration, cluster: cluster)
        // Utilisation points as ECS publishes them (AWS/ECS, ClusterName + ServiceName), for emu only.
        let now = Date()
        for (metric, values) in [("CPUUtilization", [20.0, 40.0]), ("MemoryUtilization", [55.0])] {
            _ = try await CloudWatchClient(configuration: configuration).client.json(
                "PutMetricData",
                RawJSON([
                    "Namespace": "AWS/ECS",
                    "MetricData": .array(
                        values.enumerated().map { offset, value in
                            [
                                "MetricName": .string(metric),
                                "Dimensions": [
                                    ["Name": "ClusterName", "Value": .string(cluster)], ["Name": "ServiceName", "Value": "emu"],
                                ],
                                "Timestamp": .double(now.addingTimeInterval(Double(offset - values.count) * 600).timeIntervalSince1970),
                                "Value": .double(value), "Unit": "Percent",
                            ]
                        }),
                ]), as: EmptyShape.self)
        }

        let list = try await services.listServices()
        let emu = try #require(list.services.first { $0.name == "emu" })
        #expect(emu.utilisation?.cpu.values == [20, 40])
        #expect(emu.utilisation?.memory.values == [55])
        #expect(list.services.first { $0.name == "pelican" }?.utilisation?.cpu.values == [])
        #expect(list.backend == "ecs")
        #expect(list.clusters == [cluster])
        #expect(list.services.map(\.name) == ["emu", "pelican"])
        #expect(list.services.allSatisfy { $0.cluster == cluster && $0.desired == 1 && $0.taskDefinition == "\(family):1" })
        #expect(list.services.allSatisfy { !$0.deployments.isEmpty && $0.deployments.first?.status == "PRIMARY" })
        // The metric source answered (with no points: the emulator publishes no ECS metrics).
        #expect(list.services.allSatisfy { $0.metricsError == nil && $0.utilisation != nil })

        let change = try await services.scale(ServiceReference(name: "emu"), to: 3)
        #expect(change.desired == 3)
        #expect(try await EmulatorECS.desiredCount(ecs, cluster: cluster, service: "emu") == 3)
        #expect(try await EmulatorECS.desiredCount(ecs, cluster: cluster, service: "pelican") == 1)

        // Without a configured cluster the service is found in whichever cluster holds it.
        let anywhere = ECSServiceOperations(configuration: configuration, cluster: nil)
        _ = try await anywhere.scale(ServiceReference(name: "pelican", cluster: cluster), to: 2)
        #expect(try await EmulatorECS.desiredCount(ecs, cluster: cluster, service: "pelican") == 2)
    }

    @Test("150 tasks are all listed (ListTasks pages, DescribeTasks in chunks of 100)")
    func allTasksListed() async throws {
        let configuration = try Emulator.configuration()
        let ecs = ECSClient(configuration: configuration)
        let (cluster, family) = try await EmulatorECS.makeCluster(ecs)
        var started: Set<String> = []
        let total = 150
        while started.count < total {
            let reply = try await ecs.client.json(
                "RunTask",
                RawJSON([
                    "cluster": .string(cluster), "taskDefinition": .string(family), "count": .int(min(10, total - started.count)),
                    "launchType": "FARGATE",
                ]), as: ServicesEmulatorTests.RunTaskReply.self)
            started.formUnion(reply.tasks.map { ECSServiceOperationsNames.lastComponent($0.taskArn) })
        }
        // The emulator answers every list in one page; this transport pages its answers as AWS
        // does (ListTasks 100 a page, ListServices 1), so following nextToken is what is tested.
        let paging = PagingTransport(base: Emulator.http, pageSizes: ["ListTasks": 100, "ListServices": 1])
        let services = ECSServiceOperations(configuration: try Emulator.configuration(http: paging), cluster: cluster)
        let tasks = try await services.tasks(of: ServiceReference(name: "emu"))
        #expect(tasks.count == total)
        #expect(started.subtracting(tasks.map(\.id)).isEmpty)
        #expect(tasks.allSatisfy { $0.taskDefinition == "\(family):1" && $0.containers.first?.name == "emu" })
        #expect(paging.pagesServed("ListTasks") >= 2)
        #expect(paging.chunks("DescribeTasks") == [100, 50])

        #expect(try await services.listServices().services.map(\.name) == ["emu", "pelican"])
        #expect(paging.pagesServed("ListServices") == 2)
    }

    @Test("23 services are all listed: ListServices pages followed, DescribeServices 10 at a time")
    func manyServicesListed() async throws {
        let configuration = try Emulator.configuration()
        let ecs = ECSClient(configuration: configuration)
        let (cluster, family) = try await EmulatorECS.makeCluster(ecs)
        let extra = (1...21).map { String(format: "worker-%02d", $0) }
        for name in extra {
            _ = try await ecs.client.json(
                "CreateService",
                RawJSON([
                    "cluster": .string(cluster), "serviceName": .string(name), "taskDefinition": .string(family), "desiredCount": 0,
                    "launchType": "FARGATE",
                ]), as: EmptyShape.self)
        }
        let paging = PagingTransport(base: Emulator.http, pageSizes: ["ListServices": 10])
        let list = try await ECSServiceOperations(configuration: try Emulator.configuration(http: paging), cluster: cluster).listServices()
        #expect(list.services.map(\.name) == ["emu", "pelican"] + extra)
        #expect(paging.pagesServed("ListServices") == 3)
        #expect(paging.chunks("DescribeServices") == [10, 10, 3])
    }

    @Test("log lines written with PutLogEvents appear in the tail, JSON lines as level and msg; follow returns only new lines")
    func logTail() async throws {
        let configuration = try Emulator.configuration()
        let ecs = ECSClient(configuration: configuration)
        let logs = CloudWatchLogsClient(configuration: configuration)
        let group = "/refarch/\(Emulator.unique("emu"))"
        let (cluster, _) = try await EmulatorECS.makeCluster(ecs, logGroup: group)
        try await logs.createLogGroup(group)
        let stream = "emu/emu/\(Emulator.unique("task"))"
        try await logs.createLogStream(group: group, stream: stream)
        let now = Date()
        try await logs.putLogEvents(
            group: group, stream: stream,
            lines: [
                (now.addingTimeInterval(-50), #"{"level":"info","msg":"emu started","worker":"emu-1"}"#),
                (now.addingTimeInterval(-40), #"{"level":"error","msg":"batch failed: throttled"}"#),
                (now.addingTimeInterval(-30), "plain text line"),
            ])
        let services = ECSServiceOperations(configuration: configuration, cluster: cluster)
        let emu = ServiceReference(name: "emu")

        let tail = try await services.logs(of: emu, LogTailRequest(limit: 2))
        #expect(tail.source.contains(group))
        #expect(tail.lines.map(\.message) == ["batch failed: throttled", "plain text line"])
        #expect(tail.lines.map(\.level) == ["error", nil])

        let filtered = try await services.logs(of: emu, LogTailRequest(limit: 10, filter: "STARTED"))
        #expect(filtered.lines.map(\.message) == ["emu started"])
        #expect(filtered.lines.first?.level == "info")

        try await logs.putLogEvents(
            group: group, stream: stream, lines: [(now.addingTimeInterval(-1), #"{"level":"warning","msg":"new"}"#)])
        let followed = try await services.logs(of: emu, LogTailRequest(limit: 10, after: tail.cursor))
        #expect(followed.lines.map(\.message) == ["new"])
        let nothingNew = try await services.logs(of: emu, LogTailRequest(limit: 10, after: followed.cursor))
        #expect(nothingNew.lines.isEmpty)
    }

    @Test("scaling outside the autoscaling bounds is refused naming them, and the desired count stays")
    func scaleOutsideBounds() async throws {
        let configuration = try Emulator.configuration()
        let ecs = ECSClient(configuration: configuration)
        let scaling = ApplicationAutoScalingClient(configuration: configuration)
        let (cluster, _) = try await EmulatorECS.makeCluster(ecs)
        try await scaling.registerTestTarget(cluster: cluster, service: "emu", min: 1, max: 4, cpuTarget: 60)
        let services = ECSServiceOperations(configuration: configuration, cluster: cluster)

        let list = try await services.listServices()
        let emu = try #require(list.services.first { $0.name == "emu" })
        #expect(emu.autoscaling?.minCapacity == 1)
        #expect(emu.autoscaling?.maxCapacity == 4)
        #expect(emu.autoscaling?.policies.first?.targetValue == 60)
        #expect(emu.autoscaling?.policies.first?.metric == "ECSServiceAverageCPUUtilization")
        #expect(list.services.first { $0.name == "pelican" }?.autoscaling == nil)

        let error = await #expect(throws: ServiceOperationError.self) { try await services.scale(ServiceReference(name: "emu"), to: 6) }
        #expect(error == .outsideScalingBounds(service: "emu", requested: 6, min: 1, max: 4))
        #expect(error?.summary.contains("1 to 4") == true)
        #expect(error?.exitClass == .refused)
        #expect(try await EmulatorECS.desiredCount(ecs, cluster: cluster, service: "emu") == 1)
        _ = try await services.scale(ServiceReference(name: "emu"), to: 4)
        #expect(try await EmulatorECS.desiredCount(ecs, cluster: cluster, service: "emu") == 4)
    }

    @Test("rollback points the service at the previous active revision; with none earlier it says so")
    func rollback() async throws {
        let configuration = try Emulator.configuration()
        let ecs = ECSClient(configuration: configuration)
        let (cluster, family) = try await EmulatorECS.makeCluster(ecs)
        try await EmulatorECS.registerRevision(ecs, family: family)
        try await EmulatorECS.registerRevision(ecs, family: family)
        _ = try await ecs.updateService(cluster: cluster, service: "emu", taskDefinition: "\(family):3")
        let services = ECSServiceOperations(configuration: configuration, cluster: cluster)

        let change = try await services.rollBack(ServiceReference(name: "emu"))
        #expect(change.previousTaskDefinition == "\(family):3")
        #expect(change.taskDefinition == "\(family):2")
        let described = try await ecs.describeServices(cluster: cluster, services: ["emu"]).items.first
        #expect(described?.taskDefinition.map(ECSServiceOperationsNames.lastComponent) == "\(family):2")

        _ = try await services.rollBack(ServiceReference(name: "emu"))
        let error = await #expect(throws: ServiceOperationError.self) { try await services.rollBack(ServiceReference(name: "emu")) }
        #expect(error == .noEarlierRevision(service: "emu", taskDefinition: "\(family):1"))

        let redeployed = try await services.forceNewDeployment(ServiceReference(name: "pelican"))
        #expect(redeployed.service == "pelican")
    }

    @Test("a metric source that fails leaves the rest of the list intact, its error in place of the figures")
    func failingMetricSource() async throws {
        let endpoint = try Emulator.endpoint()
        let ecs = ECSClient(configuration: try Emulator.configuration())
        let (cluster, _) = try await EmulatorECS.makeCluster(ecs)
        // CloudWatch points at a closed port; everything else at the emulator.
        let configuration = AWSConfiguration(
            region: "us-east-1", credentials: StaticCredentialProvider(Emulator.credentials), http: Emulator.http,
            retry: RetryPolicy(sleep: { _ in }),
            endpoints: EndpointResolver(explicit: ["CloudWatch": "http://127.0.0.1:1"], global: endpoint), logger: Emulator.quiet)
        let list = try await ECSServiceOperations(configuration: configuration, cluster: cluster).listServices()
        #expect(list.services.map(\.name) == ["emu", "pelican"])
        #expect(list.services.allSatisfy { $0.desired == 1 && $0.utilisation == nil && $0.metricsError?.isEmpty == false })
        #expect(list.services.allSatisfy { $0.autoscalingError == nil })
    }
}

/// Forwards to the emulator, but serves ECS list answers in pages of a given size with a
/// `nextToken`, as AWS does, and records how many tasks each DescribeTasks call asked for.
final class PagingTransport: HTTPTransport, Sendable {
    let base: any HTTPTransport
    let pageSizes: [String: Int]
    private let state = Mutex<(pages: [String: Int], chunks: [(String, Int)])>(([:], []))

    init(base: any HTTPTransport, pageSizes: [String: Int]) {
        self.base = base
        self.pageSizes = pageSizes
    }

    func pagesServed(_ operation: String) -> Int { state.withLock { $0.pages[operation] ?? 0 } }
    /// How many items each call of a Describe operation asked for, in order.
    func chunks(_ operation: String) -> [Int] { state.withLock { $0.chunks.filter { $0.0 == operation }.map(\.1) } }

    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let operation = request.headers["X-Amz-Target"]?.split(separator: ".").last.map(String.init) ?? ""
        var body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
        if operation == "DescribeTasks" || operation == "DescribeServices" {
            let count = (body[operation == "DescribeTasks" ? "tasks" : "services"] as? [Any])?.count ?? 0
            state.withLock { $0.chunks.append((operation, count)) }
        }
        guard let pageSize = pageSizes[operation] else { return try await base.send(request) }
        let offset = (body.removeValue(forKey: "nextToken") as? String).flatMap { Int($0.dropFirst("page-".count)) } ?? 0
        let requested = body["maxResults"] as? Int ?? pageSize
        var forwarded = request
        forwarded.body = Array((try? JSONSerialization.data(withJSONObject: body)) ?? Data())
        let response = try await base.send(forwarded)
        guard response.status == 200, var reply = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any],
            let key = reply.keys.first(where: { $0.hasSuffix("Arns") }), let all = reply[key] as? [String]
        else { return response }
        let size = min(pageSize, requested)
        let end = min(all.count, offset + size)
        reply[key] = Array(all[min(offset, end)..<end])
        reply["nextToken"] = end < all.count ? "page-\(end)" : nil
        state.withLock { $0.pages[operation, default: 0] += 1 }
        var paged = response
        paged.body = Array((try? JSONSerialization.data(withJSONObject: reply)) ?? Data())
        return paged
    }
}

/// Test access to the ARN helper.
enum ECSServiceOperationsNames {
    static func lastComponent(_ arn: String) -> String { arn.split(separator: "/").last.map(String.init) ?? arn }
}
