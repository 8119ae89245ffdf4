/// What the AWS layer must know about one service to reach and sign for it.
public struct AWSService: Sendable, Hashable {
    /// The model's service ID (`SQS`, `CloudWatch`, `Application Auto Scaling`): names it in errors.
    public var serviceID: String
    /// Host prefix of the regional endpoint (`sqs`, `monitoring`).
    public var endpointPrefix: String
    /// SigV4 signing name (`sqs`, `monitoring`, `application-autoscaling`).
    public var signingName: String
    /// Key in a profile's `services` section (`sqs`, `cloudwatch`, `application_auto_scaling`).
    public var configKey: String

    public init(serviceID: String, endpointPrefix: String, signingName: String) {
        self.serviceID = serviceID
        self.endpointPrefix = endpointPrefix
        self.signingName = signingName
        self.configKey = serviceID.lowercased().replacingOccurrences(of: " ", with: "_")
    }

    /// The suffix of the per-service endpoint variable: `AWS_ENDPOINT_URL_<this>`.
    public var environmentSuffix: String {
        serviceID.uppercased().replacingOccurrences(of: " ", with: "_")
    }

    public static let sqs = AWSService(serviceID: "SQS", endpointPrefix: "sqs", signingName: "sqs")
    public static let sns = AWSService(serviceID: "SNS", endpointPrefix: "sns", signingName: "sns")
    public static let ecs = AWSService(serviceID: "ECS", endpointPrefix: "ecs", signingName: "ecs")
    public static let rds = AWSService(serviceID: "RDS", endpointPrefix: "rds", signingName: "rds")
    public static let cloudWatch = AWSService(serviceID: "CloudWatch", endpointPrefix: "monitoring", signingName: "monitoring")
    /// CloudWatch Logs: the workers' log lines (`services logs`).
    public static let logs = AWSService(serviceID: "CloudWatch Logs", endpointPrefix: "logs", signingName: "logs")
    /// Only used to exchange a web identity token for credentials.
    public static let sts = AWSService(serviceID: "STS", endpointPrefix: "sts", signingName: "sts")
    public static let applicationAutoScaling = AWSService(
        serviceID: "Application Auto Scaling", endpointPrefix: "application-autoscaling", signingName: "application-autoscaling")
}
