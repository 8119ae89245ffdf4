import Foundation

/// Amazon ECS over AWS JSON 1.1: the worker services and their tasks.
///
/// Member names are camelCase on the wire (unlike SQS), so the model types use them as is.
public struct ECSClient: Sendable {
    public let client: AWSClient

    public init(configuration: AWSConfiguration) {
        client = AWSClient(
            service: .ecs, protocol: .json(version: "1.1", targetPrefix: "AmazonEC2ContainerServiceV20141113"), configuration: configuration
        )
    }

    public init(client: AWSClient) { self.client = client }

    /// Cluster ARNs; follows `nextToken`.
    public func listClusters() async throws(AWSError) -> [String] {
        struct Input: Encodable { var nextToken: String? }
        struct Output: Decodable {
            var clusterArns: [String]?
            var nextToken: String?
        }
        var arns: [String] = []
        var token: String?
        repeat {
            let output = try await client.json("ListClusters", Input(nextToken: token), as: Output.self)
            arns += output.clusterArns ?? []
            token = output.nextToken
        } while token != nil
        return arns
    }

    /// Clusters by name or ARN (≤ 100); unknown ones come back in `failures`.
    public func describeClusters(_ clusters: [String]) async throws(AWSError) -> Described<ECSCluster> {
        struct Input: Encodable { var clusters: [String] }
        struct Output: Decodable {
            var clusters: [ECSCluster]?
            var failures: [ECSFailure]?
        }
        let output = try await client.json("DescribeClusters", Input(clusters: clusters), as: Output.self)
        return Described(items: output.clusters ?? [], failures: output.failures ?? [])
    }

    /// Service ARNs of a cluster; follows `nextToken`.
    public func listServices(cluster: String) async throws(AWSError) -> [String] {
        struct Input: Encodable {
            var cluster: String
            var nextToken: String?
            var maxResults: Int
        }
        struct Output: Decodable {
            var serviceArns: [String]?
            var nextToken: String?
        }
        var arns: [String] = []
        var token: String?
        repeat {
            let output = try await client.json("ListServices", Input(cluster: cluster, nextToken: token, maxResults: 100), as: Output.self)
            arns += output.serviceArns ?? []
            token = output.nextToken
        } while token != nil
        return arns
    }

    /// Services by name or ARN, described 10 at a time (the API's limit).
    public func describeServices(cluster: String, services: [String]) async throws(AWSError) -> Described<ECSService> {
        struct Input: Encodable {
            var cluster: String
            var services: [String]
        }
        struct Output: Decodable {
            var services: [ECSService]?
            var failures: [ECSFailure]?
        }
        var result = Described<ECSService>(items: [], failures: [])
        for start in stride(from: 0, to: services.count, by: 10) {
            let chunk = Array(services[start..<min(start + 10, services.count)])
            let output = try await client.json("DescribeServices", Input(cluster: cluster, services: chunk), as: Output.self)
            result.items += output.services ?? []
            result.failures += output.failures ?? []
        }
        return result
    }

    /// Task ARNs of a cluster, optionally of one service; follows `nextToken`.
    public func listTasks(cluster: String, serviceName: String? = nil, desiredStatus: String? = nil) async throws(AWSError) -> [String] {
        struct Input: Encodable {
            var cluster: String
            var serviceName: String?
            var desiredStatus: String?
            var nextToken: String?
            var maxResults: Int
        }
        struct Output: Decodable {
            var taskArns: [String]?
            var nextToken: String?
        }
        var arns: [String] = []
        var token: String?
        repeat {
            let output = try await client.json(
                "ListTasks",
                Input(cluster: cluster, serviceName: serviceName, desiredStatus: desiredStatus, nextToken: token, maxResults: 100),
                as: Output.self)
            arns += output.taskArns ?? []
            token = output.nextToken
        } while token != nil
        return arns
    }

    /// Tasks by ARN or id, described 100 at a time.
    public func describeTasks(cluster: String, tasks: [String]) async throws(AWSError) -> Described<ECSTask> {
        struct Input: Encodable {
            var cluster: String
            var tasks: [String]
        }
        struct Output: Decodable {
            var tasks: [ECSTask]?
            var failures: [ECSFailure]?
        }
        var result = Described<ECSTask>(items: [], failures: [])
        for start in stride(from: 0, to: tasks.count, by: 100) {
            let chunk = Array(tasks[start..<min(start + 100, tasks.count)])
            let output = try await client.json("DescribeTasks", Input(cluster: cluster, tasks: chunk), as: Output.self)
            result.items += output.tasks ?? []
            result.failures += output.failures ?? []
        }
        return result
    }

    /// Changes the desired count and/or the task definition, and/or starts a new deployment;
    /// returns the updated service.
    public func updateService(
        cluster: String, service: String, desiredCount: Int? = nil, taskDefinition: String? = nil, forceNewDeployment: Bool = false
    ) async throws(AWSError) -> ECSService {
        struct Input: Encodable {
            var cluster: String
            var service: String
            var desiredCount: Int?
            var taskDefinition: String?
            var forceNewDeployment: Bool?
        }
        struct Output: Decodable { var service: ECSService }
        let input = Input(
            cluster: cluster, service: service, desiredCount: desiredCount, taskDefinition: taskDefinition,
            forceNewDeployment: forceNewDeployment ? true : nil)
        return try await client.json("UpdateService", input, as: Output.self).service
    }

    /// One task definition (`family`, `family:revision` or ARN) with its containers.
    public func describeTaskDefinition(_ taskDefinition: String) async throws(AWSError) -> ECSTaskDefinition {
        struct Input: Encodable { var taskDefinition: String }
        struct Output: Decodable { var taskDefinition: ECSTaskDefinition }
        return try await client.json("DescribeTaskDefinition", Input(taskDefinition: taskDefinition), as: Output.self).taskDefinition
    }

    /// Task definition ARNs of a family (`status` ACTIVE by default); follows `nextToken`.
    public func listTaskDefinitions(familyPrefix: String, status: String = "ACTIVE") async throws(AWSError) -> [String] {
        struct Input: Encodable {
            var familyPrefix: String
            var status: String
            var nextToken: String?
            var maxResults: Int
        }
        struct Output: Decodable {
            var taskDefinitionArns: [String]?
            var nextToken: String?
        }
        var arns: [String] = []
        var token: String?
        repeat {
            let output = try await client.json(
                "ListTaskDefinitions", Input(familyPrefix: familyPrefix, status: status, nextToken: token, maxResults: 100),
                as: Output.self)
            arns += output.taskDefinitionArns ?? []
            token = output.nextToken
        } while token != nil
        return arns
    }
}

/// A task definition: its family, revision and containers (image, log configuration).
public struct ECSTaskDefinition: Codable, Sendable, Hashable {
    public var taskDefinitionArn: String?
    public var family: String?
    public var revision: Int?
    public var status: String?
    public var containerDefinitions: [ECSContainerDefinition]?
}

/// One container of a task definition.
public struct ECSContainerDefinition: Codable, Sendable, Hashable {
    public var name: String?
    public var image: String?
    public var logConfiguration: ECSLogConfiguration?
}

/// Where a container's output goes (`awslogs` with `awslogs-group`, `awslogs-stream-prefix`).
public struct ECSLogConfiguration: Codable, Sendable, Hashable {
    public var logDriver: String?
    public var options: [String: String]?
}

/// Items of a describe call and the names it could not find.
public struct Described<Item: Sendable & Hashable>: Sendable, Hashable {
    public var items: [Item]
    public var failures: [ECSFailure]
}

/// A name or ARN a describe call could not return (`reason` e.g. `MISSING`).
public struct ECSFailure: Codable, Sendable, Hashable {
    public var arn: String?
    public var reason: String?
    public var detail: String?
}

/// A cluster and its task and service counts.
public struct ECSCluster: Codable, Sendable, Hashable {
    public var clusterArn: String?
    public var clusterName: String?
    public var status: String?
    public var runningTasksCount: Int?
    public var pendingTasksCount: Int?
    public var activeServicesCount: Int?
}

/// A service: the counts, deployments and recent events the console shows. Dates are epoch seconds on the wire.
public struct ECSService: Codable, Sendable, Hashable {
    public var serviceArn: String?
    public var serviceName: String?
    public var clusterArn: String?
    public var status: String?
    public var desiredCount: Int?
    public var runningCount: Int?
    public var pendingCount: Int?
    public var launchType: String?
    public var taskDefinition: String?
    public var createdAt: Date?
    public var deployments: [ECSDeployment]?
    /// Only the latest 100; sort by `createdAt`.
    public var events: [ECSServiceEvent]?
}

/// One deployment of a service (the PRIMARY one and any still draining).
public struct ECSDeployment: Codable, Sendable, Hashable {
    public var id: String?
    public var status: String?
    public var taskDefinition: String?
    public var desiredCount: Int?
    public var runningCount: Int?
    public var pendingCount: Int?
    public var failedTasks: Int?
    public var rolloutState: String?
    public var rolloutStateReason: String?
    public var createdAt: Date?
    public var updatedAt: Date?
}

/// A service event message ("has reached a steady state", placement failures, …).
public struct ECSServiceEvent: Codable, Sendable, Hashable {
    public var id: String?
    public var createdAt: Date?
    public var message: String?
}

/// A task: its status, resources and, once stopped, why.
public struct ECSTask: Codable, Sendable, Hashable {
    public var taskArn: String?
    public var lastStatus: String?
    public var desiredStatus: String?
    public var healthStatus: String?
    public var cpu: String?
    public var memory: String?
    public var startedAt: Date?
    public var stoppedAt: Date?
    public var stopCode: String?
    public var stoppedReason: String?
    public var availabilityZone: String?
    public var taskDefinitionArn: String?
    public var group: String?
    public var containers: [ECSContainer]?
}

/// One container of a task.
public struct ECSContainer: Codable, Sendable, Hashable {
    public var name: String?
    public var image: String?
    public var lastStatus: String?
    public var exitCode: Int?
    public var reason: String?
    public var healthStatus: String?
}
