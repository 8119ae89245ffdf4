// The alerts seam on AWS: SNS for the dead-letter topic and its subscriptions, CloudWatch
// for the alarms on the jobs queue and its DLQ.
import AWS
import Foundation
import Operations

/// ``AlertOperations`` over SNS and CloudWatch. Both lists follow every page
/// (ListSubscriptionsByTopic, DescribeAlarms).
public struct SNSAlertOperations: AlertOperations {
    let sns: SNSClient
    let cloudWatch: CloudWatchClient
    let sqs: SQSClient
    /// `SNS_TOPIC_ARN`; nil: the alerter is off, only the alarms are read.
    let topicARN: String?
    /// `SQS_QUEUE_URL`, `SQS_DLQ_URL` (else the jobs queue's redrive policy names the DLQ):
    /// alarms with one of their names as QueueName are listed. Neither: every AWS/SQS alarm.
    let jobsQueueURL: String?
    let deadLetterQueueURL: String?
    let now: @Sendable () -> Date

    public init(
        configuration: AWSConfiguration, topicARN: String?, jobsQueueURL: String?, deadLetterQueueURL: String?,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        sns = SNSClient(configuration: configuration)
        cloudWatch = CloudWatchClient(configuration: configuration)
        sqs = SQSClient(configuration: configuration)
        self.topicARN = topicARN
        self.jobsQueueURL = jobsQueueURL
        self.deadLetterQueueURL = deadLetterQueueURL
        self.now = now
    }

    public func alertOverview() async throws -> AlertOverview {
        let queueNames = await self.queueNames()
        var overview = AlertOverview(backend: "aws", topicARN: topicARN, queues: queueNames, readAt: now())
        if topicARN == nil {
            overview.note = "No dead-letter alert topic is set (SNS_TOPIC_ARN): emu's dead-letter alerter is off."
        }
        async let subscriptions = readSubscriptions()
        async let alarms = readAlarms(on: queueNames)
        switch await subscriptions {
        case .success(let rows): overview.subscriptions = rows
        case .failure(let error): overview.subscriptionsError = error.summary
        }
        switch await alarms {
        case .success(let rows): overview.alarms = rows
        case .failure(let error): overview.alarmsError = error.summary
        }
        return overview
    }

    func readSubscriptions() async -> Result<[AlertSubscription], AWSError> {
        guard let topicARN else { return .success([]) }
        do {
            return .success(
                try await sns.listSubscriptions(topicARN: topicARN).map {
                    AlertSubscription(subscriptionARN: $0.subscriptionARN, protocolName: $0.protocolName, endpoint: $0.endpoint)
                })
        } catch { return .failure(error) }
    }

    /// The queues' names; the DLQ's from the jobs queue's redrive policy when not configured
    /// (left out when that cannot be read: the alarms then show the jobs queue's only).
    func queueNames() async -> [String] {
        var names = [jobsQueueURL, deadLetterQueueURL].compactMap { $0.flatMap { URL(string: $0)?.lastPathComponent } }
        if deadLetterQueueURL == nil, let jobsQueueURL,
            let policy = try? await sqs.getQueueAttributes(url: jobsQueueURL, names: ["RedrivePolicy"]).redrivePolicy,
            let name = policy.deadLetterTargetArn.split(separator: ":").last
        {
            names.append(String(name))
        }
        return names
    }

    func readAlarms(on queueNames: [String]) async -> Result<[AlertAlarm], AWSError> {
        do {
            let alarms = try await cloudWatch.describeAlarms()
            return .success(
                alarms.compactMap { alarm in
                    let queue = alarm.dimensions?.first { $0.name == "QueueName" }?.value
                    if queueNames.isEmpty {
                        guard alarm.namespace == "AWS/SQS" else { return nil }
                    } else {
                        guard let queue, queueNames.contains(queue) else { return nil }
                    }
                    return AlertAlarm(
                        name: alarm.alarmName, state: alarm.stateValue ?? "?", stateReason: alarm.stateReason,
                        stateChangedAt: alarm.stateUpdatedTimestamp,
                        metric: alarm.metricName.map { name in alarm.namespace.map { "\($0)/\(name)" } ?? name }, queue: queue,
                        comparison: alarm.comparisonOperator, threshold: alarm.threshold)
                }.sorted { ($0.isFiring ? 0 : 1, $0.name) < ($1.isFiring ? 0 : 1, $1.name) })
        } catch { return .failure(error) }
    }

    public func subscribeToAlerts(_ endpoint: AlertEndpoint) async throws -> AlertSubscription {
        guard let topicARN else { throw AlertOperationError.noTopic(action: "subscribe \(endpoint.address)") }
        let arn = try await sns.subscribe(topicARN: topicARN, protocolName: endpoint.protocolName, endpoint: endpoint.address)
        return AlertSubscription(subscriptionARN: arn, protocolName: endpoint.protocolName, endpoint: endpoint.address)
    }

    /// Refuses a pending subscription (by its endpoint or "PendingConfirmation") and an ARN
    /// that is not the topic's, before asking SNS.
    public func unsubscribeFromAlerts(subscriptionARN: String) async throws -> AlertSubscription {
        guard let topicARN else { throw AlertOperationError.noTopic(action: "unsubscribe \(subscriptionARN)") }
        let subscriptions = try await sns.listSubscriptions(topicARN: topicARN).map {
            AlertSubscription(subscriptionARN: $0.subscriptionARN, protocolName: $0.protocolName, endpoint: $0.endpoint)
        }
        if let found = subscriptions.first(where: { $0.subscriptionARN == subscriptionARN }) {
            try await sns.unsubscribe(subscriptionARN: subscriptionARN)
            return found
        }
        let redacted = AlertEndpoint.redacted(subscriptionARN)
        if let pending = subscriptions.first(where: { $0.isPendingConfirmation && $0.endpoint == redacted }) {
            throw AlertOperationError.pendingSubscription(endpoint: pending.endpoint)
        }
        if subscriptionARN.lowercased().hasPrefix("pending") {
            throw AlertOperationError.pendingSubscription(endpoint: "that endpoint")
        }
        throw AlertOperationError.subscriptionNotFound(redacted, topic: topicARN)
    }
}
