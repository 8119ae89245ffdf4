import AWSOperations
import Foundation
import Operations
import TestSupport
import Testing

@testable import AWS

/// The alerts seam against the emulator, directly and through `refarch-tui alerts …`: the
/// topic's subscriptions and the queue alarms are listed, subscribe and unsubscribe change
/// the topic, bad endpoints and read-only mode are refused with the topic unchanged.
@Suite(
    "alerts against the AWS emulator", .enabled(if: TestEnvironment.hasAWSEmulator, "needs the AWS emulator: run `make test`"))
struct AlertsEmulatorTests {
    /// A topic, a jobs queue with its DLQ (redrive policy), an alarm on each, one alarm on
    /// another queue, and the DLQ's alarm set to ALARM.
    struct Fixture {
        var topic: String
        var jobsURL: String
        var dlqName: String
        var dlqAlarm: String
        var jobsAlarm: String
        var otherAlarm: String
    }

    static func makeFixture() async throws -> Fixture {
        let configuration = try Emulator.configuration()
        let sns = SNSClient(configuration: configuration)
        let sqs = SQSClient(configuration: configuration)
        let cloudWatch = CloudWatchClient(configuration: configuration)
        let topic = try #require(
            try await sns.client.query("CreateTopic", [("Name", Emulator.unique("alerts"))]).first(named: "TopicArn")?.text)
        let (jobsURL, dlqURL) = try await SQSEmulatorTests.makeQueues(sqs, prefix: "alerts")
        let jobsName = try #require(URL(string: jobsURL)?.lastPathComponent)
        let dlqName = try #require(URL(string: dlqURL)?.lastPathComponent)
        let prefix = Emulator.unique("alarm")
        let names = (dlq: "\(prefix)-dlq", jobs: "\(prefix)-jobs", other: "\(prefix)-other")
        for (name, queue, threshold) in [(names.dlq, dlqName, 0.0), (names.jobs, jobsName, 1000.0), (names.other, "unrelated-queue", 5.0)] {
            _ = try await cloudWatch.client.json(
                "PutMetricAlarm",
                RawJSON([
                    "AlarmName": .string(name), "Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
                    "Dimensions": [["Name": "QueueName", "Value": .string(queue)]], "Statistic": "Maximum", "Period": 60,
                    "EvaluationPeriods": 1, "Threshold": .double(threshold), "ComparisonOperator": "GreaterThanThreshold",
                ]), as: EmptyShape.self)
        }
        _ = try await cloudWatch.client.json(
            "SetAlarmState",
            RawJSON(["AlarmName": .string(names.dlq), "StateValue": "ALARM", "StateReason": "test: 3 dead letters"]),
            as: EmptyShape.self)
        return Fixture(
            topic: topic, jobsURL: jobsURL, dlqName: dlqName, dlqAlarm: names.dlq, jobsAlarm: names.jobs, otherAlarm: names.other)
    }

    static func endpoints(_ topic: String) async throws -> [String] {
        try await SNSClient(configuration: try Emulator.configuration()).listSubscriptions(topicARN: topic).map(\.endpoint).sorted()
    }

    @Test("the seam lists the topic's subscriptions and the alarms on the jobs queue and its DLQ (found by the redrive policy)")
    func overviewListsSubscriptionsAndQueueAlarms() async throws {
        let fixture = try await Self.makeFixture()
        let configuration = try Emulator.configuration()
        let sns = SNSClient(configuration: configuration)
        _ = try await sns.subscribe(topicARN: fixture.topic, protocolName: "email", endpoint: "ops@example.com")
        // Subscribed by someone else with credentials in the URL: never shown.
        _ = try await sns.subscribe(topicARN: fixture.topic, protocolName: "https", endpoint: "https://hook:s3cret@hooks.example.com/a")
        let alerts = SNSAlertOperations(
            configuration: configuration, topicARN: fixture.topic, jobsQueueURL: fixture.jobsURL, deadLetterQueueURL: nil)
        let overview = try await alerts.alertOverview()
        #expect(overview.subscriptionsError == nil && overview.alarmsError == nil)
        #expect(overview.subscriptions.map(\.endpoint).sorted() == ["https://hooks.example.com/a", "ops@example.com"])
        #expect(Set(overview.subscriptions.map(\.protocolName)) == ["email", "https"])
        #expect(overview.queues.contains(fixture.dlqName))
        let names = overview.alarms.map(\.name)
        #expect(names.contains(fixture.dlqAlarm) && names.contains(fixture.jobsAlarm))
        #expect(!names.contains(fixture.otherAlarm))
        let firing = try #require(overview.alarms.first)
        #expect(firing.name == fixture.dlqAlarm)
        #expect(firing.state == "ALARM")
        #expect(firing.queue == fixture.dlqName)
        #expect(firing.metric == "AWS/SQS/ApproximateNumberOfMessagesVisible")
        #expect(firing.condition == "> 0")
        #expect(overview.alarms.first { $0.name == fixture.jobsAlarm }?.threshold == 1000)
    }

    @Test("alerts subscribe then list shows it; unsubscribe removes it; bad endpoints exit 64; read-only exits 3, topic unchanged")
    func subscribeListUnsubscribeThroughTheCLI() async throws {
        let fixture = try await Self.makeFixture()
        var environment = try OpsCLITests.environment(queue: fixture.jobsURL)
        environment["SNS_TOPIC_ARN"] = fixture.topic

        let subscribed = try await BuiltBinary.run(["alerts", "subscribe", "oncall@example.com", "--json"], environment: environment)
        #expect(subscribed.status == 0, "\(subscribed.stderr)")
        #expect(try await Self.endpoints(fixture.topic) == ["oncall@example.com"])

        let listed = try await BuiltBinary.run(["alerts", "list", "--json"], environment: environment)
        #expect(listed.status == 0, "\(listed.stderr)")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let overview = try decoder.decode(AlertOverview.self, from: Data(listed.stdout.utf8))
        #expect(overview.subscriptions.map(\.endpoint) == ["oncall@example.com"])
        #expect(overview.alarms.first?.name == fixture.dlqAlarm && overview.alarms.first?.state == "ALARM")
        let text = try await BuiltBinary.run(["alerts", "list"], environment: environment)
        #expect(text.stdout.contains("oncall@example.com") && text.stdout.contains(fixture.dlqAlarm), "\(text.stdout)")

        // Bad input: usage errors, nothing subscribed.
        for bad in ["not-an-address", "http://hooks.example.com/x", "https://user:secret@hooks.example.com/x"] {
            let refused = try await BuiltBinary.run(["alerts", "subscribe", bad], environment: environment)
            #expect(refused.status == 64, "\(bad): \(refused.stderr)")
            #expect(refused.stderr.contains("error:") && refused.stderr.contains("hint:"), "\(refused.stderr)")
            #expect(!refused.stderr.contains("secret"))
        }
        // Read-only: refused before SNS is asked; the topic is unchanged.
        let arn = try #require(overview.subscriptions.first?.subscriptionARN)
        for arguments in [["subscribe", "other@example.com"], ["unsubscribe", arn]] {
            let refused = try await BuiltBinary.run(["alerts"] + arguments + ["--read-only"], environment: environment)
            #expect(refused.status == 3, "\(arguments): \(refused.stderr)")
            #expect(refused.stderr.contains("read-only mode is on"))
        }
        #expect(try await Self.endpoints(fixture.topic) == ["oncall@example.com"])

        let unknown = try await BuiltBinary.run(["alerts", "unsubscribe", fixture.topic + ":no-such"], environment: environment)
        #expect(unknown.status == 1, "\(unknown.stderr)")
        let removed = try await BuiltBinary.run(["alerts", "unsubscribe", arn], environment: environment)
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stdout.contains("Unsubscribed oncall@example.com"))
        #expect(try await Self.endpoints(fixture.topic).isEmpty)
    }

    @Test("ReadOnlyAlertOperations (what the console wires in read-only mode) refuses both actions; the topic is unchanged")
    func readOnlyWrapperLeavesTheTopicUnchanged() async throws {
        let fixture = try await Self.makeFixture()
        let configuration = try Emulator.configuration()
        let sns = SNSClient(configuration: configuration)
        let arn = try await sns.subscribe(topicARN: fixture.topic, protocolName: "email", endpoint: "ops@example.com")
        let guarded = ReadOnlyAlertOperations(
            SNSAlertOperations(
                configuration: configuration, topicARN: fixture.topic, jobsQueueURL: fixture.jobsURL, deadLetterQueueURL: nil))
        #expect(try await guarded.alertOverview().subscriptions.count == 1)
        await #expect(throws: AlertOperationError.self) { try await guarded.subscribeToAlerts(AlertEndpoint(parsing: "x@example.com")) }
        await #expect(throws: AlertOperationError.self) { try await guarded.unsubscribeFromAlerts(subscriptionARN: arn) }
        #expect(try await Self.endpoints(fixture.topic) == ["ops@example.com"])
    }

    @Test("without a topic or SQS, alerts list says what alerting the embedded backend has, and subscribe says what to set")
    func embeddedSaysWhatAlertingExists() async throws {
        let environment = try OpsCLITests.environment(queue: nil)
        let listed = try await BuiltBinary.run(["alerts", "list"], environment: environment)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("embedded") && listed.stdout.contains("SNS_TOPIC_ARN"))
        let subscribe = try await BuiltBinary.run(["alerts", "subscribe", "ops@example.com"], environment: environment)
        #expect(subscribe.status == 1)
        #expect(subscribe.stderr.contains("SNS_TOPIC_ARN"))
    }
}
