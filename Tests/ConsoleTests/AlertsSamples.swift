import Foundation
import Operations

/// Alerts for the alerts view's tests: a topic with two subscriptions (one pending) and two
/// queue alarms, and variants (an empty topic, an alarm firing, the embedded backend).
enum AlertSamples {
    static let at = Date(timeIntervalSince1970: 1_765_000_000)
    static let topic = "arn:aws:sns:us-east-1:123456789012:refarch-dead-letters"

    static let subscriptions = [
        AlertSubscription(
            subscriptionARN: "\(topic):5b1e7c1a-0d4e-4bb5-9a57-2f1c3b9d0e11", protocolName: "email", endpoint: "ops@example.com"),
        AlertSubscription(subscriptionARN: "PendingConfirmation", protocolName: "https", endpoint: "https://hooks.example.com/refarch"),
    ]

    static func alarm(_ name: String, queue: String, state: String = "OK", threshold: Double = 0) -> AlertAlarm {
        AlertAlarm(
            name: name, state: state, stateReason: state == "ALARM" ? "Threshold Crossed: 1 datapoint [3.0] was greater than 0.0" : nil,
            stateChangedAt: at.addingTimeInterval(-900), metric: "AWS/SQS/ApproximateNumberOfMessagesVisible", queue: queue,
            comparison: "GreaterThanThreshold", threshold: threshold)
    }

    static let healthy = AlertOverview(
        backend: "aws", topicARN: topic, subscriptions: subscriptions, queues: ["refarch-jobs.fifo", "refarch-jobs-dlq.fifo"],
        alarms: [
            alarm("refarch-dlq-not-empty", queue: "refarch-jobs-dlq.fifo"),
            alarm("refarch-jobs-backlog", queue: "refarch-jobs.fifo", threshold: 1000),
        ], readAt: at)

    static var emptyTopic: AlertOverview {
        var overview = healthy
        overview.subscriptions = []
        return overview
    }

    static var firing: AlertOverview {
        var overview = healthy
        overview.alarms[0] = alarm("refarch-dlq-not-empty", queue: "refarch-jobs-dlq.fifo", state: "ALARM")
        return overview
    }

    static let embedded = AlertOverview(
        backend: "embedded", topicARN: nil,
        note: "embedded: no SNS topic and no CloudWatch alarms. emu's dead-letter alerter is off without SNS_TOPIC_ARN; "
            + "dead letters show in the queues view (`refarch-tui queue stats`).",
        readAt: at)
}
