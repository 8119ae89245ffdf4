import Foundation

/// Application Auto Scaling over AWS JSON 1.1: how the worker services scale.
///
/// For an ECS service: namespace `ecs`, dimension `ecs:service:DesiredCount`, resource id
/// `service/<cluster>/<service>` (see ``ecsResourceID(cluster:service:)``).
public struct ApplicationAutoScalingClient: Sendable {
    public let client: AWSClient

    public init(configuration: AWSConfiguration) {
        client = AWSClient(
            service: .applicationAutoScaling, protocol: .json(version: "1.1", targetPrefix: "AnyScaleFrontendService"),
            configuration: configuration)
    }

    public init(client: AWSClient) { self.client = client }

    public static func ecsResourceID(cluster: String, service: String) -> String { "service/\(cluster)/\(service)" }

    /// Scalable targets of a namespace, optionally limited to resource ids; follows `NextToken`.
    public func describeScalableTargets(namespace: String = "ecs", resourceIDs: [String]? = nil, dimension: String? = nil)
        async throws(AWSError) -> [ScalableTarget]
    {
        struct Input: Encodable {
            var ServiceNamespace: String
            var ResourceIds: [String]?
            var ScalableDimension: String?
            var NextToken: String?
        }
        struct Output: Decodable {
            var ScalableTargets: [ScalableTarget]?
            var NextToken: String?
        }
        var targets: [ScalableTarget] = []
        var token: String?
        repeat {
            let output = try await client.json(
                "DescribeScalableTargets",
                Input(ServiceNamespace: namespace, ResourceIds: resourceIDs, ScalableDimension: dimension, NextToken: token),
                as: Output.self)
            targets += output.ScalableTargets ?? []
            token = output.NextToken
        } while token != nil
        return targets
    }

    /// Scaling policies of a namespace, optionally of one resource; follows `NextToken`.
    public func describeScalingPolicies(namespace: String = "ecs", resourceID: String? = nil, dimension: String? = nil)
        async throws(AWSError) -> [ScalingPolicy]
    {
        struct Input: Encodable {
            var ServiceNamespace: String
            var ResourceId: String?
            var ScalableDimension: String?
            var NextToken: String?
        }
        struct Output: Decodable {
            var ScalingPolicies: [ScalingPolicy]?
            var NextToken: String?
        }
        var policies: [ScalingPolicy] = []
        var token: String?
        repeat {
            let output = try await client.json(
                "DescribeScalingPolicies",
                Input(ServiceNamespace: namespace, ResourceId: resourceID, ScalableDimension: dimension, NextToken: token), as: Output.self)
            policies += output.ScalingPolicies ?? []
            token = output.NextToken
        } while token != nil
        return policies
    }
}

/// A resource Application Auto Scaling may scale, with its capacity bounds.
public struct ScalableTarget: Codable, Sendable, Hashable {
    public var serviceNamespace: String?
    public var resourceID: String
    public var scalableDimension: String?
    public var minCapacity: Int
    public var maxCapacity: Int
    public var creationTime: Date?

    enum CodingKeys: String, CodingKey {
        case serviceNamespace = "ServiceNamespace"
        case resourceID = "ResourceId"
        case scalableDimension = "ScalableDimension"
        case minCapacity = "MinCapacity"
        case maxCapacity = "MaxCapacity"
        case creationTime = "CreationTime"
    }
}

/// How a scalable target scales (target tracking on CPU, step scaling on an alarm, …).
public struct ScalingPolicy: Codable, Sendable, Hashable {
    public var policyName: String
    public var policyARN: String?
    /// StepScaling, TargetTrackingScaling or PredictiveScaling.
    public var policyType: String?
    public var resourceID: String?
    public var targetTracking: TargetTracking?
    public var alarms: [Alarm]?
    public var creationTime: Date?

    enum CodingKeys: String, CodingKey {
        case policyName = "PolicyName"
        case policyARN = "PolicyARN"
        case policyType = "PolicyType"
        case resourceID = "ResourceId"
        case targetTracking = "TargetTrackingScalingPolicyConfiguration"
        case alarms = "Alarms"
        case creationTime = "CreationTime"
    }

    /// The target-tracking settings: keep a metric near `targetValue`.
    public struct TargetTracking: Codable, Sendable, Hashable {
        public var targetValue: Double?
        public var predefinedMetricType: PredefinedMetric?
        public var scaleOutCooldown: Int?
        public var scaleInCooldown: Int?
        public var disableScaleIn: Bool?

        enum CodingKeys: String, CodingKey {
            case targetValue = "TargetValue"
            case predefinedMetricType = "PredefinedMetricSpecification"
            case scaleOutCooldown = "ScaleOutCooldown"
            case scaleInCooldown = "ScaleInCooldown"
            case disableScaleIn = "DisableScaleIn"
        }
    }

    /// A metric AWS defines (`ECSServiceAverageCPUUtilization`, …).
    public struct PredefinedMetric: Codable, Sendable, Hashable {
        public var predefinedMetricType: String?
        enum CodingKeys: String, CodingKey { case predefinedMetricType = "PredefinedMetricType" }
    }

    /// A CloudWatch alarm the policy created or uses.
    public struct Alarm: Codable, Sendable, Hashable {
        public var alarmName: String?
        public var alarmARN: String?
        enum CodingKeys: String, CodingKey {
            case alarmName = "AlarmName"
            case alarmARN = "AlarmARN"
        }
    }
}
