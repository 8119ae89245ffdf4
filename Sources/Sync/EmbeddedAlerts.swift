// The alerts seam on the embedded backend: there is no SNS and no CloudWatch, so the answer
// says what alerting there is instead of an empty list.
import Foundation
import Operations

/// ``AlertOperations`` without an alert topic: the dead-letter alerter is off, dead letters
/// show in the queues view and `queue stats`; subscribing needs SNS_TOPIC_ARN.
public struct EmbeddedAlertOperations: AlertOperations {
    let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) { self.now = now }

    public static let note =
        "embedded: no SNS topic and no CloudWatch alarms. emu's dead-letter alerter is off without SNS_TOPIC_ARN; "
        + "dead letters show in the queues view (`refarch-tui queue stats`)."

    public func alertOverview() async throws -> AlertOverview {
        AlertOverview(backend: "embedded", topicARN: nil, note: Self.note, readAt: now())
    }

    public func subscribeToAlerts(_ endpoint: AlertEndpoint) async throws -> AlertSubscription {
        throw AlertOperationError.noTopic(action: "subscribe \(endpoint.address)")
    }

    public func unsubscribeFromAlerts(subscriptionARN: String) async throws -> AlertSubscription {
        throw AlertOperationError.noTopic(action: "unsubscribe \(subscriptionARN)")
    }
}
