import AWS
import Foundation

/// ECS set-up on the AWS emulator, shared by the seam's tests, the CLI's and the console's
/// end-to-end tests: the client has no create calls of its own (the console only reads and
/// changes services), so these are raw ECS calls.
public enum EmulatorECS {
    /// A cluster with services `emu` and `pelican` (desired 1 each) on one task-definition family.
    public static func makeCluster(_ ecs: ECSClient, logGroup: String? = nil) async throws -> (cluster: String, family: String) {
        let cluster = AWSEmulator.unique("refarch")
        _ = try await ecs.client.json("CreateCluster", RawJSON(["clusterName": .string(cluster)]), as: EmptyShape.self)
        let family = AWSEmulator.unique("worker")
        try await registerRevision(ecs, family: family, logGroup: logGroup)
        for name in ["emu", "pelican"] {
            _ = try await ecs.client.json(
                "CreateService",
                RawJSON([
                    "cluster": .string(cluster), "serviceName": .string(name), "taskDefinition": .string(family), "desiredCount": 1,
                    "launchType": "FARGATE",
                ]), as: EmptyShape.self)
        }
        return (cluster, family)
    }

    /// Registers one more revision of `family` (its logs in `logGroup` when given).
    public static func registerRevision(_ ecs: ECSClient, family: String, logGroup: String? = nil) async throws {
        var container: [String: RawJSONValue] = ["name": "emu", "image": "refarch-tui:latest", "memory": 512, "cpu": 256]
        if let logGroup {
            container["logConfiguration"] = [
                "logDriver": "awslogs",
                "options": ["awslogs-group": .string(logGroup), "awslogs-region": "us-east-1", "awslogs-stream-prefix": "emu"],
            ]
        }
        _ = try await ecs.client.json(
            "RegisterTaskDefinition",
            RawJSON(["family": .string(family), "containerDefinitions": [.object(container)], "cpu": "256", "memory": "512"]),
            as: EmptyShape.self)
    }

    /// The service's desired count as the emulator reports it.
    public static func desiredCount(_ ecs: ECSClient, cluster: String, service: String) async throws -> Int? {
        try await ecs.describeServices(cluster: cluster, services: [service]).items.first?.desiredCount
    }
}
