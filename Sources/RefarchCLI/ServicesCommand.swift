import AWS
import ArgumentParser
import Foundation
import UserFacing

/// `refarch-tui services …`: the ECS services that run the workers.
struct ServicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services",
        abstract: "List and scale the ECS services that run the workers.",
        subcommands: [ServicesListCommand.self, ServicesScaleCommand.self]
    )
}

/// One service row, as `services list` prints it.
struct ServiceRow: Encodable {
    var cluster: String
    var service: String
    var status: String?
    var desired: Int?
    var running: Int?
    var pending: Int?
    var taskDefinition: String?
    var deployments: [ECSDeployment]
    var latestEvent: String?
}

struct ServicesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Services with desired, running and pending counts and their deployments.")

    @OptionGroup var options: OpsOptions

    @Option(help: "Only this cluster (name or ARN); default: every cluster (or ECS_CLUSTER when set).")
    var cluster: String?

    func run() async throws {
        try await reportingErrors {
            let ecs = ECSClient(configuration: try makeAWSConfiguration(options))
            let clusters: [String]
            if let cluster = try cluster ?? options.value("ECS_CLUSTER") {
                clusters = [cluster]
            } else {
                clusters = try await ecs.listClusters()
            }
            var rows: [ServiceRow] = []
            for cluster in clusters {
                let arns = try await ecs.listServices(cluster: cluster)
                guard !arns.isEmpty else { continue }
                let clusterName = cluster.split(separator: "/").last.map(String.init) ?? cluster
                for service in try await ecs.describeServices(cluster: cluster, services: arns).items {
                    let latest = service.events?.max { ($0.createdAt ?? .distantPast) < ($1.createdAt ?? .distantPast) }
                    rows.append(
                        ServiceRow(
                            cluster: clusterName, service: service.serviceName ?? service.serviceArn ?? "?", status: service.status,
                            desired: service.desiredCount, running: service.runningCount, pending: service.pendingCount,
                            taskDefinition: service.taskDefinition?.split(separator: "/").last.map(String.init),
                            deployments: service.deployments ?? [], latestEvent: latest?.message))
                }
            }
            if options.json {
                try printJSON(rows)
            } else if rows.isEmpty {
                print("No ECS services found\(clusters.isEmpty ? " (no clusters)" : " in \(clusters.joined(separator: ", "))").")
            } else {
                printTable(
                    ["CLUSTER", "SERVICE", "STATUS", "DESIRED", "RUNNING", "PENDING", "DEPLOYMENTS", "TASK DEFINITION"],
                    rows.map { row in
                        [
                            row.cluster, row.service, row.status ?? "-", row.desired.map(String.init) ?? "-",
                            row.running.map(String.init) ?? "-",
                            row.pending.map(String.init) ?? "-",
                            row.deployments.map { $0.rolloutState ?? $0.status ?? "?" }.joined(separator: ","),
                            row.taskDefinition ?? "-",
                        ]
                    })
            }
        }
    }
}

struct ServicesScaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scale", abstract: "Set a service's desired task count.")

    @OptionGroup var options: OpsOptions

    @Argument(help: "The service name.")
    var name: String

    @Argument(help: "The desired number of tasks (0 or more).")
    var count: Int

    @Option(help: "The cluster; default: ECS_CLUSTER, else the only cluster there is.")
    var cluster: String?

    func validate() throws {
        guard count >= 0 else { throw ValidationError("The desired count must be 0 or more.") }
    }

    struct Output: Encodable {
        var cluster: String
        var service: String
        var desired: Int?
        var running: Int?
    }

    func run() async throws {
        try await reportingErrors {
            try requireWritable(options, action: "scale \(name)")
            let ecs = ECSClient(configuration: try makeAWSConfiguration(options))
            let cluster = try await resolveCluster(ecs)
            let service = try await ecs.updateService(cluster: cluster, service: name, desiredCount: count)
            let clusterName = cluster.split(separator: "/").last.map(String.init) ?? cluster
            let output = Output(
                cluster: clusterName, service: service.serviceName ?? name, desired: service.desiredCount, running: service.runningCount)
            if options.json {
                try printJSON(output)
            } else {
                print(
                    "\(output.service) in \(clusterName): desired \(output.desired.map(String.init) ?? "?"), running \(output.running.map(String.init) ?? "?")."
                )
            }
        }
    }

    private func resolveCluster(_ ecs: ECSClient) async throws -> String {
        if let cluster = try cluster ?? options.value("ECS_CLUSTER") { return cluster }
        let clusters = try await ecs.listClusters()
        guard clusters.count == 1 else {
            throw UserError(
                summary: clusters.isEmpty
                    ? "There is no ECS cluster." : "There are \(clusters.count) ECS clusters; which one holds \(name)?",
                remedy: "Pass --cluster NAME or set ECS_CLUSTER.")
        }
        return clusters[0]
    }
}
