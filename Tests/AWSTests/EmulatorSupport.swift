import Foundation
import HTTP
import Logging
import Synchronization
import TestSupport
import Testing

@testable import AWS

/// The shared emulator support, by the name these tests have always used.
typealias Emulator = AWSEmulator

extension ApplicationAutoScalingClient {
    /// Registers the service's desired count as a scalable target from `min` to `max` and,
    /// with `cpuTarget`, a target-tracking policy on average CPU (as the infra program does).
    /// The client has no write calls of its own: the console and the CLI only read targets.
    func registerTestTarget(cluster: String, service: String, min: Int, max: Int, cpuTarget: Double? = nil, cooldowns: Bool = false)
        async throws
    {
        let resourceID = Self.ecsResourceID(cluster: cluster, service: service)
        _ = try await client.json(
            "RegisterScalableTarget",
            RawJSON([
                "ServiceNamespace": "ecs", "ResourceId": .string(resourceID), "ScalableDimension": "ecs:service:DesiredCount",
                "MinCapacity": .int(min), "MaxCapacity": .int(max),
            ]), as: EmptyShape.self)
        guard let cpuTarget else { return }
        var configuration: [String: RawJSONValue] = [
            "TargetValue": .double(cpuTarget), "PredefinedMetricSpecification": ["PredefinedMetricType": "ECSServiceAverageCPUUtilization"],
        ]
        if cooldowns {
            configuration["ScaleOutCooldown"] = 60
            configuration["ScaleInCooldown"] = 120
        }
        _ = try await client.json(
            "PutScalingPolicy",
            RawJSON([
                "PolicyName": "cpu-target", "ServiceNamespace": "ecs", "ResourceId": .string(resourceID),
                "ScalableDimension": "ecs:service:DesiredCount", "PolicyType": "TargetTrackingScaling",
                "TargetTrackingScalingPolicyConfiguration": .object(configuration),
            ]), as: EmptyShape.self)
    }
}
