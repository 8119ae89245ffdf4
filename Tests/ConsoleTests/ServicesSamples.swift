import Foundation
import Operations

/// Services for the services view's tests: two ECS services with an hour of utilisation,
/// and variants (a rolling deployment, failing tasks, a failed metric source).
enum ServiceSamples {
    static let at = Date(timeIntervalSince1970: 1_765_000_000)

    static func series(_ values: [Double]) -> MetricSeries {
        MetricSeries(timestamps: values.indices.map { at.addingTimeInterval(Double($0 - values.count) * 300) }, values: values, period: 300)
    }

    static let cpu = series([12, 15, 22, 35, 48, 61, 55, 40, 33, 28, 25, 31])
    static let memory = series([40, 41, 41, 42, 44, 45, 45, 46, 47, 47, 48, 48])

    static func service(
        _ name: String, desired: Int = 2, running: Int = 2, pending: Int = 0, deployments: [ServiceDeployment]? = nil,
        events: [ServiceEvent]? = nil, metricsError: String? = nil
    ) -> ServiceStatus {
        ServiceStatus(
            cluster: "refarch", name: name, status: "ACTIVE", desired: desired, running: running, pending: pending, launchType: "FARGATE",
            taskDefinition: "refarch-\(name):7",
            deployments: deployments ?? [
                ServiceDeployment(
                    id: "ecs-svc/1", status: "PRIMARY", taskDefinition: "refarch-\(name):7", desired: desired, running: running,
                    pending: pending, failedTasks: 0, rolloutState: "COMPLETED", rolloutStateReason: "ECS deployment ecs-svc/1 completed.")
            ],
            events: events ?? [
                ServiceEvent(at: at, message: "(service \(name)) has reached a steady state."),
                ServiceEvent(at: at.addingTimeInterval(-600), message: "(service \(name)) has started 1 tasks: (task 4f2a9c)."),
            ],
            autoscaling: name == "emu"
                ? ServiceAutoscaling(
                    minCapacity: 1, maxCapacity: 4,
                    policies: [
                        ServiceScalingPolicy(
                            name: "backlog", type: "TargetTrackingScaling", targetValue: 100, metric: "custom refarch/BacklogPerTask")
                    ]) : nil,
            utilisation: metricsError == nil ? ServiceUtilisation(cpu: cpu, memory: memory) : nil,
            metricsError: metricsError)
    }

    static func list(_ services: [ServiceStatus]) -> ServiceList {
        ServiceList(backend: "ecs", clusters: ["refarch"], services: services, readAt: at)
    }

    static let healthy = list([service("emu"), service("pelican", desired: 2, running: 2)])

    static let rolling = list([
        service(
            "emu", desired: 3, running: 2, pending: 1,
            deployments: [
                ServiceDeployment(
                    id: "ecs-svc/2", status: "PRIMARY", taskDefinition: "refarch-emu:8", desired: 3, running: 1, pending: 1, failedTasks: 0,
                    rolloutState: "IN_PROGRESS", rolloutStateReason: "ECS deployment ecs-svc/2 in progress."),
                ServiceDeployment(
                    id: "ecs-svc/1", status: "ACTIVE", taskDefinition: "refarch-emu:7", desired: 0, running: 1, pending: 0, failedTasks: 0,
                    rolloutState: "COMPLETED"),
            ]),
        service("pelican"),
    ])

    static let metricsFailed = list([
        service("emu", metricsError: "CloudWatch GetMetricData: AccessDenied (cloudwatch:GetMetricData not allowed)"),
        service("pelican", metricsError: "CloudWatch GetMetricData: AccessDenied (cloudwatch:GetMetricData not allowed)"),
    ])

    /// As `LocalWorkerServices` lists the embedded backend's workers: both kinds always, even
    /// with no worker beating (no desired count, no deployments, metrics or autoscaling).
    static let embedded = ServiceList(
        backend: "embedded", clusters: ["local"],
        services: [
            ServiceStatus(
                cluster: "local", name: "pelican", status: "running", running: 1, pending: 0, launchType: "local",
                events: [ServiceEvent(at: at.addingTimeInterval(-120), message: "worker pelican-1 (pid 4242 on build-01) started")]),
            ServiceStatus(cluster: "local", name: "emu", status: "none", running: 0, pending: 0, launchType: "local"),
        ], readAt: at)

    static let tasks: [ServiceTask] = [
        ServiceTask(
            id: "4f2a9c0d1e2b4c5d", lastStatus: "RUNNING", desiredStatus: "RUNNING", health: "HEALTHY", taskDefinition: "refarch-emu:7",
            startedAt: at.addingTimeInterval(-3600)),
        ServiceTask(
            id: "9b8c7d6e5f4a3b2c", lastStatus: "STOPPED", desiredStatus: "STOPPED", health: "UNKNOWN", taskDefinition: "refarch-emu:7",
            startedAt: at.addingTimeInterval(-1800), stoppedAt: at.addingTimeInterval(-1700), stopCode: "EssentialContainerExited",
            stoppedReason: "Essential container in task exited"),
        ServiceTask(
            id: "1a2b3c4d5e6f7a8b", lastStatus: "STOPPED", desiredStatus: "STOPPED", health: "UNHEALTHY", taskDefinition: "refarch-emu:7",
            startedAt: at.addingTimeInterval(-900), stoppedAt: at.addingTimeInterval(-800), stopCode: "TaskFailedToStart",
            stoppedReason: "CannotPullContainerError: pull image manifest has been retried 5 time(s)"),
    ]

    static let logLines: [LogLine] = [
        LogLine(timestamp: at.addingTimeInterval(-60), stream: "emu/1", raw: #"{"level":"info","msg":"received 10 messages"}"#),
        LogLine(
            timestamp: at.addingTimeInterval(-30), stream: "emu/1",
            raw: #"{"level":"error","msg":"Pinecone upsert failed: 429 Too Many Requests, retrying"}"#),
        LogLine(timestamp: at.addingTimeInterval(-10), stream: "emu/1", raw: "plain text from the runtime"),
    ]

    static let containers: [TaskContainer] = [
        TaskContainer(
            name: "emu", image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/refarch:1.4.0", lastStatus: "STOPPED", exitCode: 137,
            reason: "OutOfMemoryError: Container killed due to memory usage")
    ]
}
