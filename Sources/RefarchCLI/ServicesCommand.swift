import AWSOperations
import ArgumentParser
import Configuration
import Foundation
import Operations
import Postgres
import Sync

/// `refarch-tui services …`: the services that run the workers — ECS on AWS, the local
/// workers from their heartbeats on the embedded backend. The commands only choose the
/// backend and print; the work is behind ``ServiceOperations``.
struct ServicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services",
        abstract: "List, inspect and scale the services that run the workers (ECS, or the local workers).",
        subcommands: [
            ServicesListCommand.self, ServicesScaleCommand.self, ServicesRedeployCommand.self, ServicesRollbackCommand.self,
            ServicesTasksCommand.self, ServicesLogsCommand.self,
        ]
    )
}

/// The `--cluster` option every services command takes.
struct ServiceClusterOption: ParsableArguments {
    @Option(help: "The ECS cluster (name or ARN); default: ECS_CLUSTER, else every cluster. Naming one selects ECS.")
    var cluster: String?
}

/// The chosen backend and how to release it.
struct OpenedServiceOperations: Sendable {
    let operations: any ServiceOperations
    let close: @Sendable () async -> Void
}

/// ECS when a cluster is named (`--cluster`, `ECS_CLUSTER`) or the jobs queue is SQS (AWS
/// mode); else the embedded backend's local workers. Read-only mode wraps it so every action
/// is refused before a request is sent.
func makeServiceOperations(_ options: OpsOptions, cluster: String?) async throws -> OpenedServiceOperations {
    try await makeServiceOperations(settings: options.settings(), cluster: cluster, readOnly: options.isReadOnly) {
        let pool = try await CommandContext(options.global).migratedPool()
        return (pool, { await pool.close() })
    }
}

/// Whether the services are ECS's (a cluster named, or the jobs queue is SQS) rather than the local workers.
func servicesRunOnECS(settings: Settings, cluster: String?) -> Bool {
    (cluster ?? settings.string("ecs.cluster")) != nil || settings.string("sqs.queue_url") != nil
}

/// The one choice of services backend, for `services …` and the console: ECS when a cluster
/// is named (`cluster`, `ECS_CLUSTER`) or the jobs queue is SQS; else the local workers from
/// their heartbeats in the pool `embeddedPool` gives (opened only then). Read-only mode wraps
/// the backend in ``ReadOnlyServiceOperations``.
func makeServiceOperations(
    settings: Settings, cluster: String?, readOnly: Bool,
    embeddedPool: () async throws -> (pool: PostgresPool, close: @Sendable () async -> Void)
) async throws -> OpenedServiceOperations {
    let configuredCluster = cluster ?? settings.string("ecs.cluster")
    let opened: OpenedServiceOperations
    if servicesRunOnECS(settings: settings, cluster: cluster) {
        opened = OpenedServiceOperations(
            operations: ECSServiceOperations(configuration: try makeAWSConfiguration(settings: settings), cluster: configuredCluster),
            close: {})
    } else {
        let (pool, close) = try await embeddedPool()
        opened = OpenedServiceOperations(operations: LocalWorkerServices(roster: WorkerRosterReader(pool: pool)), close: close)
    }
    guard readOnly else { return opened }
    return OpenedServiceOperations(operations: ReadOnlyServiceOperations(opened.operations), close: opened.close)
}

/// Runs a services command body with its backend; a refused action exits 3, a failure 1.
/// An `action` is refused in read-only mode before any backend is opened.
func runServices(
    _ options: OpsOptions, cluster: String?, action: String? = nil, _ body: (any ServiceOperations) async throws -> Void
) async throws {
    try await reportingErrors {
        if let action { try requireWritable(options, action: action) }
        let opened = try await makeServiceOperations(options, cluster: cluster)
        do {
            try await body(opened.operations)
            await opened.close()
        } catch {
            await opened.close()
            throw error
        }
    }
}

struct ServicesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Services with desired, running and pending counts, deployments, autoscaling and utilisation.")

    @OptionGroup var options: OpsOptions
    @OptionGroup var target: ServiceClusterOption

    func run() async throws {
        try await runServices(options, cluster: target.cluster) { services in
            let list = try await services.listServices()
            if options.json {
                try printJSON(list)
            } else if list.services.isEmpty {
                print("No services found\(list.clusters.isEmpty ? " (no clusters)" : " in \(list.clusters.joined(separator: ", "))").")
            } else {
                printTable(
                    [
                        "CLUSTER", "SERVICE", "STATUS", "DESIRED", "RUNNING", "PENDING", "DEPLOYMENTS", "TASK DEFINITION", "CPU", "MEM",
                        "SCALING",
                    ],
                    list.services.map { row in
                        [
                            row.cluster, row.name, row.status ?? "-", row.desired.map(String.init) ?? "-",
                            row.running.map(String.init) ?? "-",
                            row.pending.map(String.init) ?? "-",
                            row.deployments.map { "\($0.status ?? "?"):\($0.rolloutState ?? "?")" }.joined(separator: ","),
                            row.taskDefinition ?? "-",
                            row.metricsError == nil ? percent(row.utilisation?.cpu.latest) : "error",
                            row.metricsError == nil ? percent(row.utilisation?.memory.latest) : "error",
                            row.autoscalingError != nil ? "error" : row.autoscaling.map { "\($0.minCapacity)-\($0.maxCapacity)" } ?? "-",
                        ]
                    }, rightAligned: [3, 4, 5, 8, 9])
                for row in list.services {
                    if let error = row.metricsError { print("\(row.name): metrics: \(error)") }
                    if let error = row.autoscalingError { print("\(row.name): autoscaling: \(error)") }
                    for deployment in row.deployments where deployment.rolloutState == "FAILED" {
                        print(
                            "\(row.name): deployment \(deployment.id ?? "?") failed: \(deployment.rolloutStateReason ?? "no reason given")")
                    }
                }
            }
        }
    }

    private func percent(_ value: Double?) -> String { value.map { String(format: "%.0f%%", $0) } ?? "-" }
}

/// Prints the outcome of an action.
private func printChange(_ change: ServiceChange, json: Bool) throws {
    if json { return try printJSON(change) }
    var text =
        "\(change.service) in \(change.cluster): desired \(change.desired.map(String.init) ?? "?"), running \(change.running.map(String.init) ?? "?")"
    if let definition = change.taskDefinition {
        text += ", task definition \(change.previousTaskDefinition.map { "\($0) → " } ?? "")\(definition)"
    }
    print(text + ".")
}

struct ServicesScaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale", abstract: "Set a service's desired task count (within its autoscaling min/max).")

    @OptionGroup var options: OpsOptions

    @Argument(help: "The service name.")
    var name: String

    @Argument(help: "The desired number of tasks (0 or more).")
    var count: Int

    @OptionGroup var target: ServiceClusterOption

    func validate() throws {
        guard count >= 0 else { throw ValidationError("The desired count must be 0 or more.") }
    }

    func run() async throws {
        try await runServices(options, cluster: target.cluster, action: "scale \(name)") { services in
            try printChange(try await services.scale(ServiceReference(name: name, cluster: target.cluster), to: count), json: options.json)
        }
    }
}

struct ServicesRedeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redeploy", abstract: "Force a new deployment of a service (new tasks, same task definition).")

    @OptionGroup var options: OpsOptions

    @Argument(help: "The service name.")
    var name: String

    @OptionGroup var target: ServiceClusterOption

    func run() async throws {
        try await runServices(options, cluster: target.cluster, action: "redeploy \(name)") { services in
            try printChange(
                try await services.forceNewDeployment(ServiceReference(name: name, cluster: target.cluster)), json: options.json)
        }
    }
}

struct ServicesRollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Point a service at the previous active revision of its task definition.")

    @OptionGroup var options: OpsOptions

    @Argument(help: "The service name.")
    var name: String

    @OptionGroup var target: ServiceClusterOption

    func run() async throws {
        try await runServices(options, cluster: target.cluster, action: "roll back \(name)") { services in
            try printChange(try await services.rollBack(ServiceReference(name: name, cluster: target.cluster)), json: options.json)
        }
    }
}

struct ServicesTasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks", abstract: "A service's tasks, running and stopped; with --task, that task's containers.")

    @OptionGroup var options: OpsOptions

    @Argument(help: "The service name.")
    var name: String

    @Option(help: "Show this task's containers (id from the task list).")
    var task: String?

    @OptionGroup var target: ServiceClusterOption

    func run() async throws {
        try await runServices(options, cluster: target.cluster) { services in
            let reference = ServiceReference(name: name, cluster: target.cluster)
            if let task {
                let containers = try await services.containers(ofTask: task, in: reference)
                if options.json { return try printJSON(containers) }
                printTable(
                    ["CONTAINER", "IMAGE", "STATUS", "EXIT", "REASON"],
                    containers.map {
                        [$0.name, $0.image ?? "-", $0.lastStatus ?? "-", $0.exitCode.map(String.init) ?? "-", $0.reason ?? "-"]
                    })
                return
            }
            let tasks = try await services.tasks(of: reference)
            if options.json { return try printJSON(tasks) }
            if tasks.isEmpty { return print("No tasks for \(reference).") }
            printTable(
                ["TASK", "STATUS", "HEALTH", "STARTED", "STOPPED REASON"],
                tasks.map { task in
                    [
                        task.id, task.lastStatus ?? "-", task.health ?? "-", task.startedAt.map { $0.formatted(.iso8601) } ?? "-",
                        task.stoppedReason ?? "-",
                    ]
                })
        }
    }
}

struct ServicesLogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "The last lines of a service's CloudWatch Logs; --follow keeps reading.")

    @OptionGroup var options: OpsOptions

    @Argument(help: "The service name.")
    var name: String

    @Option(name: [.customShort("n"), .long], help: "How many of the newest lines (1–10000).")
    var lines = 100

    @Option(help: "Only lines containing this text (ignoring case).")
    var filter: String?

    @Option(help: "How far back to look, in minutes.")
    var since = 60

    @Flag(help: "Keep reading new lines until interrupted (JSON: one line object per line).")
    var follow = false

    @OptionGroup var target: ServiceClusterOption

    func validate() throws {
        guard (1...10_000).contains(lines) else { throw ValidationError("-n must be between 1 and 10000.") }
        guard since > 0 else { throw ValidationError("--since must be 1 minute or more.") }
    }

    func run() async throws {
        try await runServices(options, cluster: target.cluster) { services in
            let reference = ServiceReference(name: name, cluster: target.cluster)
            var request = LogTailRequest(limit: lines, filter: filter, lookback: .seconds(since * 60))
            var tail = try await services.logs(of: reference, request)
            if options.json && !follow { return try printJSON(tail) }
            while true {
                for line in tail.lines { try printLine(line) }
                guard follow else { return }
                try await Task.sleep(for: .seconds(2))
                request.after = tail.cursor
                tail = try await services.logs(of: reference, request)
            }
        }
    }

    /// Writes one line straight to stdout (no buffering), so `--follow | grep` sees each line as it comes.
    private func printLine(_ line: LogLine) throws {
        let text: String
        if options.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            text = String(decoding: try encoder.encode(line), as: UTF8.self)
        } else {
            text = "\(line.timestamp.formatted(.iso8601)) \((line.level ?? "-").uppercased()) \(line.message)"
        }
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
