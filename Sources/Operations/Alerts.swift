// The alerts seam (issue 20 §4): who is told when something dead-letters — the dead-letter
// SNS topic (`sns.topic_arn`, SNS_TOPIC_ARN) and its subscriptions, and the CloudWatch alarms
// on the jobs queue and its DLQ — for the console's alerts view and `refarch-tui alerts …`.
// One method per read or action; the AWS implementation lives in AWSOperations, the
// embedded one (no SNS: it says what alerting there is) in Sync.
import Foundation
import UserFacing

/// Reads and changes who hears about dead letters.
///
/// The read never fails as a whole because one source did: a failed subscription or alarm
/// read leaves its error in ``AlertOverview/subscriptionsError`` or ``AlertOverview/alarmsError``.
public protocol AlertOperations: Sendable {
    /// The alert topic with its subscriptions, and the alarms on the jobs queue and DLQ.
    func alertOverview() async throws -> AlertOverview

    /// Subscribes an e-mail address or an HTTPS endpoint to the alert topic (it stays
    /// pending until the endpoint confirms).
    func subscribeToAlerts(_ endpoint: AlertEndpoint) async throws -> AlertSubscription

    /// Removes a confirmed subscription by its ARN. Pending ones have no ARN yet and cannot
    /// be removed (``AlertOperationError/pendingSubscription(endpoint:)``).
    func unsubscribeFromAlerts(subscriptionARN: String) async throws -> AlertSubscription
}

/// The answer of ``AlertOperations/alertOverview()``.
public struct AlertOverview: Sendable, Hashable, Codable {
    /// "aws" or "embedded".
    public var backend: String
    /// The dead-letter topic; nil when none is configured (the alerter is off).
    public var topicARN: String?
    /// What alerting exists when it is not an SNS topic (the embedded backend), in words.
    public var note: String?
    public var subscriptions: [AlertSubscription]
    public var subscriptionsError: String?
    /// The queues whose alarms are listed (names).
    public var queues: [String]
    public var alarms: [AlertAlarm]
    public var alarmsError: String?
    public var readAt: Date

    public init(
        backend: String, topicARN: String?, note: String? = nil, subscriptions: [AlertSubscription] = [],
        subscriptionsError: String? = nil, queues: [String] = [], alarms: [AlertAlarm] = [], alarmsError: String? = nil,
        readAt: Date
    ) {
        self.backend = backend
        self.topicARN = topicARN
        self.note = note
        self.subscriptions = subscriptions
        self.subscriptionsError = subscriptionsError
        self.queues = queues
        self.alarms = alarms
        self.alarmsError = alarmsError
        self.readAt = readAt
    }

    /// The alarms in state ALARM.
    public var firing: [AlertAlarm] { alarms.filter(\.isFiring) }
}

/// One subscription of the alert topic.
public struct AlertSubscription: Sendable, Hashable, Codable {
    /// Nil while the subscription waits for its endpoint to confirm (SNS says "PendingConfirmation").
    public var subscriptionARN: String?
    /// email, https, http, sqs, lambda, …
    public var protocolName: String
    /// As SNS has it, with any `user:password@` of a URL removed (never shown or logged).
    public var endpoint: String

    public init(subscriptionARN: String?, protocolName: String, endpoint: String) {
        let pending = subscriptionARN.map { $0.isEmpty || $0.lowercased().hasPrefix("pending") } ?? true
        self.subscriptionARN = pending ? nil : subscriptionARN
        self.protocolName = protocolName
        self.endpoint = AlertEndpoint.redacted(endpoint)
    }

    public var isPendingConfirmation: Bool { subscriptionARN == nil }
}

/// One CloudWatch alarm on the jobs queue or its DLQ.
public struct AlertAlarm: Sendable, Hashable, Codable {
    public var name: String
    /// OK, ALARM or INSUFFICIENT_DATA.
    public var state: String
    public var stateReason: String?
    public var stateChangedAt: Date?
    /// `NAMESPACE/METRIC` (AWS/SQS/ApproximateNumberOfMessagesVisible).
    public var metric: String?
    /// The queue the alarm watches (its QueueName dimension), when it has one.
    public var queue: String?
    /// GreaterThanThreshold, … as CloudWatch names it.
    public var comparison: String?
    public var threshold: Double?

    public init(
        name: String, state: String, stateReason: String? = nil, stateChangedAt: Date? = nil, metric: String? = nil,
        queue: String? = nil, comparison: String? = nil, threshold: Double? = nil
    ) {
        self.name = name
        self.state = state
        self.stateReason = stateReason
        self.stateChangedAt = stateChangedAt
        self.metric = metric
        self.queue = queue
        self.comparison = comparison
        self.threshold = threshold
    }

    public var isFiring: Bool { state == "ALARM" }

    /// "> 0", "≥ 10": the comparison and threshold in short.
    public var condition: String {
        let symbol =
            switch comparison {
            case "GreaterThanThreshold": ">"
            case "GreaterThanOrEqualToThreshold": "≥"
            case "LessThanThreshold": "<"
            case "LessThanOrEqualToThreshold": "≤"
            case let other?: other
            case nil: "?"
            }
        guard let threshold else { return symbol }
        let value = threshold.rounded() == threshold && abs(threshold) < 1e15 ? String(Int64(threshold)) : String(threshold)
        return "\(symbol) \(value)"
    }
}

/// An endpoint to subscribe: an e-mail address or an https:// URL (http:// only on loopback,
/// for local receivers and tests).
public struct AlertEndpoint: Sendable, Hashable, Codable, CustomStringConvertible {
    /// email, https or http.
    public var protocolName: String
    public var address: String

    /// Reads what a person typed; throws ``AlertOperationError/invalidEndpoint(_:reason:)``
    /// saying what is accepted.
    public init(parsing text: String) throws(AlertOperationError) {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = text.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") {
            guard let url = URLComponents(string: text), let host = url.host, !host.isEmpty else {
                throw .invalidEndpoint(Self.redacted(text), reason: "it is not a URL with a host")
            }
            guard url.user == nil && url.password == nil else {
                throw .invalidEndpoint(
                    Self.redacted(text), reason: "it carries a user or password; SNS would keep and show it in clear")
            }
            let scheme = (url.scheme ?? "").lowercased()
            if scheme == "http" && !Self.isLoopback(host) {
                throw .invalidEndpoint(text, reason: "plain http is only for loopback receivers; use https://")
            }
            protocolName = scheme
            address = text
            return
        }
        guard !text.contains("://") else { throw .invalidEndpoint(Self.redacted(text), reason: "only https:// URLs are accepted") }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !text.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" })
        else {
            throw .invalidEndpoint(text, reason: "it is neither an e-mail address nor an https:// URL")
        }
        protocolName = "email"
        address = text
    }

    public var description: String { "\(protocolName) \(address)" }

    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }

    /// The endpoint without the `user:password@` of a URL: what may be shown, logged or printed.
    public static func redacted(_ endpoint: String) -> String {
        guard let schemeEnd = endpoint.range(of: "://") else { return endpoint }
        let rest = endpoint[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return endpoint }
        return String(endpoint[..<schemeEnd.upperBound]) + String(rest[rest.index(after: at)...])
    }
}

/// An alerts read or action that cannot be done, said so a person knows what to do.
public enum AlertOperationError: UserFacingError, Sendable, Hashable {
    /// Not an e-mail address or an https:// URL (bad input: exit 64).
    case invalidEndpoint(String, reason: String)
    /// No alert topic is configured, so there is nothing to subscribe to.
    case noTopic(action: String)
    /// The subscription still waits for its endpoint to confirm; SNS cannot remove it.
    case pendingSubscription(endpoint: String)
    /// No subscription with that ARN on the alert topic.
    case subscriptionNotFound(String, topic: String)
    /// An action refused because read-only mode is on.
    case readOnly(action: String)

    public var summary: String {
        switch self {
        case let .invalidEndpoint(text, reason): "Cannot subscribe “\(text)”: \(reason)."
        case let .noTopic(action): "Cannot \(action): no dead-letter alert topic is set (SNS_TOPIC_ARN), so the alerter is off."
        case let .pendingSubscription(endpoint):
            "The subscription of \(endpoint) is pending confirmation; SNS cannot unsubscribe it until it is confirmed."
        case let .subscriptionNotFound(arn, topic): "No subscription \(arn) on \(topic)."
        case let .readOnly(action): "Refusing to \(action): read-only mode is on."
        }
    }

    public var remedy: String? {
        switch self {
        case .invalidEndpoint: "Give an e-mail address (ops@example.com) or an https:// URL (http:// only for 127.0.0.1/localhost)."
        case .noTopic:
            "Set SNS_TOPIC_ARN (or sns.topic_arn in refarch.toml) to the alert topic's ARN; the infra program creates one."
        case .pendingSubscription:
            "Leave it: SNS deletes unconfirmed subscriptions after 3 days (or confirm it, then unsubscribe)."
        case .subscriptionNotFound: "List them with `refarch-tui alerts list` and copy the SUBSCRIPTION column."
        case .readOnly: "Run without --read-only and with REFARCH_READ_ONLY unset to make changes."
        }
    }

    public var exitClass: ExitClass {
        switch self {
        case .invalidEndpoint: .usage
        case .readOnly, .pendingSubscription: .refused
        case .noTopic, .subscriptionNotFound: .failure
        }
    }
}

/// Wraps a backend and refuses subscribe and unsubscribe in read-only mode, before any
/// request is sent; the read passes through. The console and the CLI both wrap with it.
public struct ReadOnlyAlertOperations: AlertOperations {
    public let base: any AlertOperations

    public init(_ base: any AlertOperations) { self.base = base }

    public func alertOverview() async throws -> AlertOverview { try await base.alertOverview() }
    public func subscribeToAlerts(_ endpoint: AlertEndpoint) async throws -> AlertSubscription {
        throw AlertOperationError.readOnly(action: "subscribe \(endpoint.address) to the alerts")
    }
    public func unsubscribeFromAlerts(subscriptionARN: String) async throws -> AlertSubscription {
        throw AlertOperationError.readOnly(action: "unsubscribe \(subscriptionARN)")
    }
}
