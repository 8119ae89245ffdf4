import Foundation

/// One message of a product's group, and where it sits: what ``JobQueue/lookUp(groupID:deadLetterLimit:)``
/// answers, for the trace of one product.
public struct LocatedMessage: Sendable, Hashable {
    public enum Place: String, Sendable, Hashable {
        /// In the jobs queue, not received (or held behind an earlier message of its group).
        case waiting
        /// Received and not deleted: hidden until ``LocatedMessage/visibleAgainAt``.
        case inFlight
        /// In the dead-letter queue.
        case deadLettered
    }

    public var message: QueuedMessage
    public var place: Place
    /// While in flight, when the visibility timeout runs out.
    public var visibleAgainAt: Date?

    public init(message: QueuedMessage, place: Place, visibleAgainAt: Date? = nil) {
        self.message = message
        self.place = place
        self.visibleAgainAt = visibleAgainAt
    }
}

/// The messages of one group (one product) that a queue could find, jobs queue first, each in send order.
public struct GroupLookup: Sendable, Hashable {
    public var messages: [LocatedMessage]
    /// False when the jobs queue was not looked at: SQS cannot look without receiving, and a
    /// receive counts towards `maxReceiveCount`, so only its DLQ is searched.
    public var searchedJobs: Bool
    /// Dead letters looked at, and whether that was all of them (SQS stops at the limit).
    public var deadLettersScanned: Int
    public var deadLettersComplete: Bool
    /// The jobs queue's `maxReceiveCount`, when known.
    public var maxReceiveCount: Int?

    public init(
        messages: [LocatedMessage], searchedJobs: Bool, deadLettersScanned: Int, deadLettersComplete: Bool,
        maxReceiveCount: Int? = nil
    ) {
        self.messages = messages
        self.searchedJobs = searchedJobs
        self.deadLettersScanned = deadLettersScanned
        self.deadLettersComplete = deadLettersComplete
        self.maxReceiveCount = maxReceiveCount
    }
}
