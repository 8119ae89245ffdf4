import AWSOperations
import ArgumentParser
import Configuration
import Foundation
import Operations
import Sync
import UserFacing

/// `refarch-tui alerts …`: who is told when something dead-letters — the SNS alert topic's
/// subscriptions and the CloudWatch alarms on the jobs queue and DLQ. The commands only
/// choose the backend and print; the work is behind ``AlertOperations``.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "The dead-letter alert topic's subscriptions and the queue alarms; subscribe or unsubscribe an endpoint.",
        subcommands: [AlertsListCommand.self, AlertsSubscribeCommand.self, AlertsUnsubscribeCommand.self]
    )
}

/// The one choice of alerts backend, for `alerts …`, `queue alerts` and the console: SNS and
/// CloudWatch when an alert topic is set or the jobs queue is SQS; else the embedded answer
/// (no SNS). Read-only mode wraps it in ``ReadOnlyAlertOperations``.
func makeAlertOperations(settings: Settings, readOnly: Bool) throws -> any AlertOperations {
    let topic = settings.string("sns.topic_arn")
    let jobsQueue = settings.string("sqs.queue_url")
    let operations: any AlertOperations =
        topic == nil && jobsQueue == nil
        ? EmbeddedAlertOperations()
        : SNSAlertOperations(
            configuration: try makeAWSConfiguration(settings: settings), topicARN: topic, jobsQueueURL: jobsQueue,
            deadLetterQueueURL: settings.string("sqs.dlq_url"))
    return readOnly ? ReadOnlyAlertOperations(operations) : operations
}

/// Runs an alerts command body with its backend; an `action` is refused in read-only mode
/// before anything is asked.
/// `checkInput` runs first, so bad input is a usage error (64) even in read-only mode.
func runAlerts(
    _ options: OpsOptions, action: String? = nil, checkInput: () throws -> Void = {},
    _ body: (any AlertOperations) async throws -> Void
) async throws {
    try await reportingErrors {
        try checkInput()
        if let action { try requireWritable(options, action: action) }
        try await body(try makeAlertOperations(settings: options.settings(), readOnly: options.isReadOnly))
    }
}

/// Prints the overview as `alerts list` shows it.
func printAlertOverview(_ overview: AlertOverview) {
    if let note = overview.note { print(note) }
    if let topic = overview.topicARN {
        print("Topic \(topic)")
        if let error = overview.subscriptionsError {
            print("subscriptions: \(error)")
        } else if overview.subscriptions.isEmpty {
            print("No subscriptions: alerts are published but nobody receives them.")
        } else {
            printTable(
                ["PROTOCOL", "ENDPOINT", "STATUS", "SUBSCRIPTION"],
                overview.subscriptions.map {
                    [$0.protocolName, $0.endpoint, $0.isPendingConfirmation ? "pending" : "confirmed", $0.subscriptionARN ?? "-"]
                })
        }
    }
    guard overview.backend != "embedded" else { return }
    print("")
    if let error = overview.alarmsError {
        print("alarms: \(error)")
    } else if overview.alarms.isEmpty {
        let on = overview.queues.isEmpty ? "any SQS queue" : overview.queues.joined(separator: ", ")
        print("No CloudWatch alarms on \(on).")
    } else {
        let formatter = ISO8601DateFormatter()
        printTable(
            ["ALARM", "STATE", "METRIC", "QUEUE", "CONDITION", "CHANGED"],
            overview.alarms.map {
                [
                    $0.name, $0.state, $0.metric ?? "-", $0.queue ?? "-", $0.condition,
                    $0.stateChangedAt.map { formatter.string(from: $0) } ?? "-",
                ]
            })
    }
}

struct AlertsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "The alert topic (SNS_TOPIC_ARN) with its subscriptions, and the alarms on the queues.")

    @OptionGroup var options: OpsOptions

    func run() async throws {
        try await runAlerts(options) { alerts in
            let overview = try await alerts.alertOverview()
            if options.json { try printJSON(overview) } else { printAlertOverview(overview) }
        }
    }
}

struct AlertsSubscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribe",
        abstract: "Subscribe an e-mail address or an https:// URL to the dead-letter alerts (pending until it confirms).")

    @OptionGroup var options: OpsOptions

    @Argument(help: "An e-mail address or an https:// URL (http:// only for loopback).")
    var endpoint: String

    func run() async throws {
        try await runAlerts(options, action: "subscribe to the alerts", checkInput: { _ = try AlertEndpoint(parsing: endpoint) }) {
            alerts in
            let parsed = try AlertEndpoint(parsing: endpoint)
            let subscription = try await alerts.subscribeToAlerts(parsed)
            if options.json { return try printJSON(subscription) }
            print(
                subscription.isPendingConfirmation
                    ? "Subscribed \(subscription.endpoint) (\(subscription.protocolName)): pending until it confirms."
                    : "Subscribed \(subscription.endpoint) (\(subscription.protocolName)): \(subscription.subscriptionARN ?? "")")
        }
    }
}

struct AlertsUnsubscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unsubscribe", abstract: "Remove a confirmed subscription of the alert topic by its ARN.")

    @OptionGroup var options: OpsOptions

    @Argument(help: "The subscription ARN (SUBSCRIPTION column of `alerts list`).")
    var subscriptionARN: String

    func run() async throws {
        try await runAlerts(options, action: "unsubscribe \(subscriptionARN)") { alerts in
            let removed = try await alerts.unsubscribeFromAlerts(subscriptionARN: subscriptionARN)
            if options.json { return try printJSON(removed) }
            print("Unsubscribed \(removed.endpoint) (\(removed.protocolName)).")
        }
    }
}
