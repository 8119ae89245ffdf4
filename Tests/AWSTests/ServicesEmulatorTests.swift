import Foundation
import TestSupport
import Testing

@testable import AWS

@Suite(
    "SNS, ECS, RDS, CloudWatch and Application Auto Scaling against the AWS emulator",
    .enabled(if: TestEnvironment.hasAWSEmulator, "needs the AWS emulator: run `make test`"))
struct ServicesEmulatorTests {
    @Test("SNS: list topics, subscribe a queue, list its subscriptions, publish")
    func sns() async throws {
        let configuration = try Emulator.configuration()
        let sns = SNSClient(configuration: configuration)
        let sqs = SQSClient(configuration: configuration)
        let topicName = Emulator.unique("alerts")
        let created = try await sns.client.query("CreateTopic", [("Name", topicName)])
        let topicARN = try #require(created.first(named: "TopicArn")?.text)
        #expect(try await sns.listTopics().contains(topicARN))

        let queue = try await sqs.createQueue(name: Emulator.unique("alerts-sub"))
        let queueARN = try #require(try await sqs.getQueueAttributes(url: queue).queueARN)
        let subscriptionARN = try await sns.subscribe(
            topicARN: topicARN, protocolName: "sqs", endpoint: queueARN, attributes: ["RawMessageDelivery": "true"])
        #expect(subscriptionARN.hasPrefix(topicARN))

        let subscriptions = try await sns.listSubscriptions(topicARN: topicARN)
        #expect(subscriptions.count == 1)
        #expect(subscriptions.first?.protocolName == "sqs")
        #expect(subscriptions.first?.endpoint == queueARN)
        #expect(subscriptions.first?.subscriptionARN == subscriptionARN)

        let messageID = try await sns.publish(
            topicARN: topicARN, message: "3 messages dead-lettered & <waiting>", subject: "DLQ", attributes: ["kind": "dlq"])
        #expect(!messageID.isEmpty)
        let delivered = try await sqs.receiveMessages(url: queue, wait: .seconds(2))
        #expect(delivered.first?.body == "3 messages dead-lettered & <waiting>")
    }

    @Test("SNS: an unknown topic is a typed NotFound error")
    func snsNotFound() async throws {
        let sns = SNSClient(configuration: try Emulator.configuration())
        let error = await #expect(throws: AWSError.self) {
            try await sns.listSubscriptions(topicARN: "arn:aws:sns:us-east-1:123456789012:\(Emulator.unique("nope"))")
        }
        #expect(error?.serviceError?.code == "NotFound")
        #expect(error?.serviceError?.service == "SNS")
    }

    @Test("ECS: list and describe clusters, services and tasks; update a service's desired count")
    func ecs() async throws {
        let ecs = ECSClient(configuration: try Emulator.configuration())
        let (cluster, family) = try await Self.makeService(ecs)

        let clusters = try await ecs.listClusters()
        let clusterARN = try #require(clusters.first { $0.hasSuffix("/\(cluster)") })
        let described = try await ecs.describeClusters([cluster, "missing-\(cluster)"])
        #expect(described.items.first?.clusterName == cluster)
        #expect(described.items.first?.clusterArn == clusterARN)
        #expect(described.failures.first?.reason == "MISSING")

        let services = try await ecs.listServices(cluster: cluster)
        #expect(services.count == 1)
        let service = try #require(try await ecs.describeServices(cluster: cluster, services: services).items.first)
        #expect(service.serviceName == "emu")
        #expect(service.desiredCount == 1)
        #expect(service.deployments?.isEmpty == false)

        let updated = try await ecs.updateService(cluster: cluster, service: "emu", desiredCount: 3, forceNewDeployment: true)
        #expect(updated.desiredCount == 3)
        #expect(try await ecs.describeServices(cluster: cluster, services: ["emu"]).items.first?.desiredCount == 3)

        let taskReply = try await ecs.client.json(
            "RunTask", RawJSON(["cluster": .string(cluster), "taskDefinition": .string(family), "count": 1, "launchType": "FARGATE"]),
            as: RunTaskReply.self)
        let tasks = try await ecs.listTasks(cluster: cluster)
        #expect(!tasks.isEmpty)
        let describedTasks = try await ecs.describeTasks(cluster: cluster, tasks: tasks)
        #expect(describedTasks.items.count == tasks.count)
        #expect(Set(describedTasks.items.compactMap(\.taskArn)) == Set(tasks))
        #expect(taskReply.tasks.map(\.taskArn).allSatisfy { tasks.contains($0) })
    }

    /// A cluster with a task definition and a service `emu` (desired count 1).
    static func makeService(_ ecs: ECSClient) async throws -> (cluster: String, family: String) {
        let cluster = Emulator.unique("refarch")
        _ = try await ecs.client.json("CreateCluster", RawJSON(["clusterName": .string(cluster)]), as: EmptyShape.self)
        let family = Emulator.unique("emu")
        _ = try await ecs.client.json(
            "RegisterTaskDefinition",
            RawJSON([
                "family": .string(family),
                "containerDefinitions": [["name": "emu", "image": "refarch-tui:latest", "memory": 512, "cpu": 256]],
                "cpu": "256", "memory": "512",
            ]), as: EmptyShape.self)
        _ = try await ecs.client.json(
            "CreateService",
            RawJSON([
                "cluster": .string(cluster), "serviceName": "emu", "taskDefinition": .string(family), "desiredCount": 1,
                "launchType": "FARGATE",
            ]), as: EmptyShape.self)
        return (cluster, family)
    }

    struct RunTaskReply: Decodable {
        struct Task: Decodable { var taskArn: String }
        var tasks: [Task]
    }

    @Test("ECS: updating a missing service is a typed error that is not retried")
    func ecsMissingService() async throws {
        let recorder = SleepRecorder()
        let configuration = Emulator.configuration(endpoint: try Emulator.endpoint(), retry: RetryPolicy(sleep: recorder.sleep))
        let ecs = ECSClient(configuration: configuration)
        let cluster = Emulator.unique("empty")
        _ = try await ecs.client.json("CreateCluster", RawJSON(["clusterName": .string(cluster)]), as: EmptyShape.self)
        let error = await #expect(throws: AWSError.self) { try await ecs.updateService(cluster: cluster, service: "nope", desiredCount: 1) }
        #expect(error?.serviceError?.code == "ServiceNotFoundException")
        #expect(recorder.delays.isEmpty)
    }

    @Test("RDS: describe DB instances by identifier and all; unknown identifier is DBInstanceNotFound")
    func rds() async throws {
        let rds = RDSClient(configuration: try Emulator.configuration())
        let identifier = Emulator.unique("refarch-db")
        _ = try await rds.client.query(
            "CreateDBInstance",
            [
                ("DBInstanceIdentifier", identifier), ("DBInstanceClass", "db.t4g.micro"), ("Engine", "postgres"),
                ("EngineVersion", "16.4"), ("AllocatedStorage", "20"), ("MasterUsername", "refarch"),
                ("MasterUserPassword", "not-a-secret-1"),
            ])
        let one = try await rds.describeDBInstances(identifier: identifier)
        #expect(one.count == 1)
        let instance = try #require(one.first)
        #expect(instance.identifier == identifier)
        #expect(instance.engine == "postgres")
        #expect(instance.instanceClass == "db.t4g.micro")
        #expect(instance.status == "available")
        #expect(instance.allocatedStorageGiB == 20)
        #expect(instance.endpointPort == 5432)
        #expect(instance.endpointAddress?.isEmpty == false)

        let all = try await rds.describeDBInstances(engine: "postgres")
        #expect(all.contains { $0.identifier == identifier })

        let error = await #expect(throws: AWSError.self) { try await rds.describeDBInstances(identifier: Emulator.unique("missing")) }
        #expect(error?.serviceError?.code == "DBInstanceNotFound")
        #expect(error?.serviceError?.statusCode == 404)
        #expect(error?.serviceError?.requestID?.isEmpty == false)
        #expect(error?.remedy?.contains("RDS_INSTANCE_ID") == true)
    }

    @Test("CloudWatch: get metric data and describe alarms")
    func cloudWatch() async throws {
        let cloudWatch = CloudWatchClient(configuration: try Emulator.configuration())
        let queueName = Emulator.unique("jobs") + ".fifo"
        let now = Date()
        _ = try await cloudWatch.client.json(
            "PutMetricData",
            RawJSON([
                "Namespace": "Refarch/Test",
                "MetricData": [
                    [
                        "MetricName": "ApproximateAgeOfOldestMessage", "Dimensions": [["Name": "QueueName", "Value": .string(queueName)]],
                        "Timestamp": .double(now.addingTimeInterval(-120).timeIntervalSince1970), "Value": 17.0, "Unit": "Seconds",
                    ],
                    [
                        "MetricName": "ApproximateAgeOfOldestMessage", "Dimensions": [["Name": "QueueName", "Value": .string(queueName)]],
                        "Timestamp": .double(now.addingTimeInterval(-30).timeIntervalSince1970), "Value": 42.0, "Unit": "Seconds",
                    ],
                ],
            ]), as: EmptyShape.self)

        let query = MetricDataQuery(
            id: "age",
            metric: MetricStat(
                namespace: "Refarch/Test", metricName: "ApproximateAgeOfOldestMessage", dimensions: ["QueueName": queueName], period: 60,
                stat: "Maximum"))
        let results = try await cloudWatch.getMetricData(
            queries: [query], start: now.addingTimeInterval(-600), end: now.addingTimeInterval(60))
        #expect(results.first?.id == "age")
        #expect(Set(results.first?.values ?? []) == [17, 42])
        #expect(results.first?.timestamps.count == 2)
        let latest = try await cloudWatch.latestValue(
            namespace: "Refarch/Test", metric: "ApproximateAgeOfOldestMessage", dimensions: ["QueueName": queueName], window: .seconds(600),
            now: now.addingTimeInterval(60))
        #expect(latest != nil)

        let alarmName = Emulator.unique("dlq-not-empty")
        _ = try await cloudWatch.client.json(
            "PutMetricAlarm",
            RawJSON([
                "AlarmName": .string(alarmName), "Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [["Name": "QueueName", "Value": "jobs-dlq.fifo"]], "Statistic": "Maximum", "Period": 60,
                "EvaluationPeriods": 1, "Threshold": 0.0, "ComparisonOperator": "GreaterThanThreshold",
            ]), as: EmptyShape.self)
        let alarms = try await cloudWatch.describeAlarms(namePrefix: alarmName)
        #expect(alarms.count == 1)
        #expect(alarms.first?.alarmName == alarmName)
        #expect(alarms.first?.metricName == "ApproximateNumberOfMessagesVisible")
        #expect(alarms.first?.threshold == 0)
        #expect(alarms.first?.comparisonOperator == "GreaterThanThreshold")
    }

    @Test("Application Auto Scaling: describe scalable targets and scaling policies of an ECS service")
    func autoScaling() async throws {
        let configuration = try Emulator.configuration()
        let scaling = ApplicationAutoScalingClient(configuration: configuration)
        let (cluster, _) = try await Self.makeService(ECSClient(configuration: configuration))
        let resourceID = ApplicationAutoScalingClient.ecsResourceID(cluster: cluster, service: "emu")
        try await scaling.registerTestTarget(cluster: cluster, service: "emu", min: 1, max: 8, cpuTarget: 60, cooldowns: true)

        let targets = try await scaling.describeScalableTargets(resourceIDs: [resourceID])
        #expect(targets.count == 1)
        #expect(targets.first?.minCapacity == 1)
        #expect(targets.first?.maxCapacity == 8)
        #expect(targets.first?.scalableDimension == "ecs:service:DesiredCount")

        let policies = try await scaling.describeScalingPolicies(resourceID: resourceID)
        #expect(policies.count == 1)
        #expect(policies.first?.policyName == "cpu-target")
        #expect(policies.first?.policyType == "TargetTrackingScaling")
        #expect(policies.first?.targetTracking?.targetValue == 60)
        #expect(policies.first?.targetTracking?.predefinedMetricType?.predefinedMetricType == "ECSServiceAverageCPUUtilization")
    }
}
