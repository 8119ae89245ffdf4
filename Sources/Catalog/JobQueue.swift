import Foundation
import UserFacing

/// A FIFO job queue with a dead-letter queue, as the sync workers see it.
///
/// Two implementations with the same semantics: `SQSJobQueue` (an SQS FIFO queue and its
/// FIFO DLQ) and `PostgresJobQueue` (tables in the catalog database, for the embedded
/// default). `InMemoryJobQueue` in TestSupport is the twin for unit tests. The semantics
/// are SQS FIFO's, because that is what a worker written against one must be able to rely
/// on with the other:
///
/// * **At least once.** A received message is hidden for the visibility timeout, not
///   removed; only ``delete(receiptHandles:)`` removes it. A worker that dies makes its
///   messages visible again when the timeout runs out, so nothing is lost, and a message can
///   be delivered twice: consumers must be idempotent.
/// * **Per-group order.** Messages of one group (one product) are delivered in send order,
///   and while one of them is in flight no later message of that group is delivered, so two
///   consumers never work on one product at once.
/// * **Dead letters.** A message received more than `maxReceiveCount` times moves to the
///   DLQ on the next receive attempt, keeping its body, group and attributes, so one poison
///   message cannot block its group for ever.
/// * **Deduplication.** A deduplication id seen in the last five minutes is accepted but not
///   delivered again, so a sender that retries after a crash does not double messages.
public protocol JobQueue: Sendable {
    /// The jobs queue's name, for stats and messages ("jobs.fifo", "jobs").
    var name: String { get }
    /// The dead-letter queue's name.
    var deadLetterName: String { get }
    /// The most messages one ``receive(maxMessages:wait:visibilityTimeout:)`` returns (SQS: 10).
    var maxMessagesPerReceive: Int { get }

    /// Sends messages in order. Returns the entries the queue refused (empty when all were
    /// accepted); a refused entry was not enqueued and may be sent again. Throws when the
    /// queue could not be reached at all (then none or some may have been enqueued: send
    /// again, deduplication drops the copies).
    func send(_ messages: [JobMessage]) async throws -> [SendFailure]

    /// Receives up to `maxMessages`, waiting up to `wait` for the first one (long poll).
    ///
    /// Suspends, never blocks a thread. Returns as soon as messages are there (whatever is
    /// there then, never held back to fill the batch) and an empty array when `wait` passes
    /// without any. `maxMessages` is clamped to
    /// 1…``maxMessagesPerReceive``; `visibilityTimeout` nil uses the queue's.
    func receive(maxMessages: Int, wait: Duration, visibilityTimeout: Duration?) async throws -> [ReceivedJob]

    /// Deletes received messages. Returns the handles that no longer name a message this
    /// consumer holds (stale: the visibility ran out and someone else received it, or it was
    /// deleted already); those messages are not touched.
    func delete(receiptHandles: [String]) async throws -> [ReceiptFailure]

    /// Sets the visibility timeout of received messages to `timeout` from now (zero makes
    /// them visible at once). Used to extend a batch that is still working. Returns the
    /// stale handles, as ``delete(receiptHandles:)`` does.
    func changeVisibility(receiptHandles: [String], timeout: Duration) async throws -> [ReceiptFailure]

    /// Moves a received message straight to the DLQ with `reason` as its
    /// ``JobQueueAttribute/deadLetterReason`` attribute: for messages that can never succeed
    /// (not JSON, wrong shape, unknown version), which retrying would only delay.
    /// Throws ``JobQueueError/staleReceiptHandle`` when the handle is stale.
    func moveToDeadLetters(_ message: ReceivedJob, reason: String) async throws

    /// Depth of the jobs queue and the DLQ.
    func stats() async throws -> JobQueueStats

    /// Up to `limit` messages of the jobs queue or the DLQ, oldest first, without consuming
    /// them where the backend allows (Postgres). SQS has no real peek: the messages are
    /// received with a short visibility timeout and released at once, which raises their
    /// receive count (on the jobs queue that counts towards `maxReceiveCount`).
    func peek(_ queue: QueueRole, limit: Int) async throws -> [QueuedMessage]

    /// The messages of one group (a product's) in the jobs queue and the DLQ, without
    /// consuming or delaying any for longer than the look takes. Postgres reads its tables.
    /// SQS searches only the DLQ (receiving from the jobs queue would count towards
    /// dead-lettering): it receives up to `deadLetterLimit` dead letters with a short
    /// visibility timeout and makes every one visible again at once, also on failure.
    func lookUp(groupID: String, deadLetterLimit: Int) async throws -> GroupLookup

    /// Moves dead letters back to the jobs queue with their group and deduplication ids;
    /// `messageIDs` nil moves all of them. Nothing is lost or doubled if it stops half-way.
    /// `progress` is told the running totals as batches complete (the console's progress bar).
    func redriveDeadLetters(messageIDs: [String]?, progress: @escaping @Sendable (RedriveSummary) -> Void) async throws -> RedriveSummary

    /// Deletes the named dead letters; returns how many were deleted.
    func deleteDeadLetters(messageIDs: [String]) async throws -> Int

    /// Deletes every message of the jobs queue or the DLQ. Returns how many, when known
    /// (SQS purges asynchronously and does not say).
    func purge(_ queue: QueueRole) async throws -> Int?
}

extension JobQueue {
    /// Receives with the queue's visibility timeout.
    public func receive(maxMessages: Int, wait: Duration) async throws -> [ReceivedJob] {
        try await receive(maxMessages: maxMessages, wait: wait, visibilityTimeout: nil)
    }

    /// Moves dead letters back without progress reports.
    public func redriveDeadLetters(messageIDs: [String]?) async throws -> RedriveSummary {
        try await redriveDeadLetters(messageIDs: messageIDs, progress: { _ in })
    }

    /// Sends one message; throws ``JobQueueError/sendRefused(code:message:)`` when refused.
    public func send(_ message: JobMessage) async throws {
        if let failure = try await send([message]).first {
            throw JobQueueError.sendRefused(code: failure.code, message: failure.message)
        }
    }
}

/// Which of the two queues an operation acts on.
public enum QueueRole: String, Sendable, Hashable, CaseIterable, Codable {
    case jobs
    case deadLetters
}

/// Message attribute names the system sets.
public enum JobQueueAttribute {
    /// Why a message was dead-lettered by a worker (emu's decode error, for example).
    public static let deadLetterReason = "DeadLetterReason"
}

/// A message to send: a body, its FIFO group and its deduplication id.
public struct JobMessage: Sendable, Hashable {
    public var body: String
    /// Messages of one group are delivered in order, one in flight at a time (product id).
    public var groupID: String
    /// A repeat within five minutes is accepted but not delivered again (outbox seq).
    public var deduplicationID: String
    /// String attributes carried beside the body (at most 10 on SQS).
    public var attributes: [String: String]

    public init(body: String, groupID: String, deduplicationID: String, attributes: [String: String] = [:]) {
        self.body = body
        self.groupID = groupID
        self.deduplicationID = deduplicationID
        self.attributes = attributes
    }
}

/// An entry of a send that the queue refused.
public struct SendFailure: Sendable, Hashable {
    /// Position of the entry in the array given to `send`.
    public var index: Int
    /// The backend's error code (`InvalidMessageContents`, `MessageTooLong`, …).
    public var code: String
    public var message: String
    /// False when the service failed rather than the entry: sending again may work.
    public var senderFault: Bool

    public init(index: Int, code: String, message: String, senderFault: Bool) {
        self.index = index
        self.code = code
        self.message = message
        self.senderFault = senderFault
    }
}

/// A receipt handle that a delete or visibility change could not use.
public struct ReceiptFailure: Sendable, Hashable {
    public var receiptHandle: String
    public var code: String
    public var message: String

    public init(receiptHandle: String, code: String, message: String) {
        self.receiptHandle = receiptHandle
        self.code = code
        self.message = message
    }
}

/// A received message. Hold on to it only for the visibility timeout.
public struct ReceivedJob: Sendable, Hashable {
    public var messageID: String
    /// Names this receive of the message: deleting or extending needs it. A later receive
    /// of the same message (after the visibility ran out) gets a new one, and the old one
    /// then no longer works, so a slow consumer cannot delete a message someone else now holds.
    public var receiptHandle: String
    public var body: String
    public var groupID: String
    public var deduplicationID: String?
    public var attributes: [String: String]
    /// How many times the message has been received, this receive included.
    public var receiveCount: Int
    public var sentAt: Date?
    public var firstReceivedAt: Date?
    /// This receive's time where the backend reports it (Postgres); SQS does not.
    public var lastReceivedAt: Date?

    public init(
        messageID: String, receiptHandle: String, body: String, groupID: String, deduplicationID: String?,
        attributes: [String: String] = [:], receiveCount: Int, sentAt: Date? = nil, firstReceivedAt: Date? = nil,
        lastReceivedAt: Date? = nil
    ) {
        self.messageID = messageID
        self.receiptHandle = receiptHandle
        self.body = body
        self.groupID = groupID
        self.deduplicationID = deduplicationID
        self.attributes = attributes
        self.receiveCount = receiveCount
        self.sentAt = sentAt
        self.firstReceivedAt = firstReceivedAt
        self.lastReceivedAt = lastReceivedAt
    }
}

/// A message as it sits in a queue, seen by ``JobQueue/peek(_:limit:)``.
public struct QueuedMessage: Sendable, Hashable, Codable {
    /// The id that ``JobQueue/redriveDeadLetters(messageIDs:)`` and
    /// ``JobQueue/deleteDeadLetters(messageIDs:)`` take.
    public var messageID: String
    public var body: String
    public var groupID: String?
    public var deduplicationID: String?
    public var attributes: [String: String]
    public var receiveCount: Int
    public var sentAt: Date?
    public var firstReceivedAt: Date?
    public var lastReceivedAt: Date?
    /// When it moved to the DLQ (Postgres only; SQS does not record it).
    public var deadLetteredAt: Date?

    public init(
        messageID: String, body: String, groupID: String?, deduplicationID: String?, attributes: [String: String] = [:],
        receiveCount: Int, sentAt: Date? = nil, firstReceivedAt: Date? = nil, lastReceivedAt: Date? = nil,
        deadLetteredAt: Date? = nil
    ) {
        self.messageID = messageID
        self.body = body
        self.groupID = groupID
        self.deduplicationID = deduplicationID
        self.attributes = attributes
        self.receiveCount = receiveCount
        self.sentAt = sentAt
        self.firstReceivedAt = firstReceivedAt
        self.lastReceivedAt = lastReceivedAt
        self.deadLetteredAt = deadLetteredAt
    }

    /// The reason a worker gave when it dead-lettered the message, if any.
    public var deadLetterReason: String? { attributes[JobQueueAttribute.deadLetterReason] }
}

/// How many messages one queue holds.
public struct QueueDepth: Sendable, Hashable, Codable {
    public var name: String
    /// Waiting to be received (including those held back behind an in-flight message of their group).
    public var visible: Int
    /// Received and not yet deleted, within their visibility timeout.
    public var inFlight: Int
    /// Sent with a delay that has not passed.
    public var delayed: Int
    /// Age of the oldest message; nil when the queue is empty or the backend cannot say.
    public var oldestAge: Duration?

    public init(name: String, visible: Int, inFlight: Int, delayed: Int, oldestAge: Duration? = nil) {
        self.name = name
        self.visible = visible
        self.inFlight = inFlight
        self.delayed = delayed
        self.oldestAge = oldestAge
    }

    /// Every message, whatever its state.
    public var total: Int { visible + inFlight + delayed }
}

/// The depth of the jobs queue and its DLQ, and the settings of the jobs queue that an
/// operator checks when messages pile up or dead-letter.
public struct JobQueueStats: Sendable, Hashable, Codable {
    public var jobs: QueueDepth
    public var deadLetters: QueueDepth
    /// Receives after which a message moves to the DLQ.
    public var maxReceiveCount: Int?
    /// Per-group order and deduplication (SQS FIFO; the embedded queue always).
    public var isFIFO: Bool?
    /// How long a received message stays hidden.
    public var visibilityTimeout: Duration?
    /// How long a message is kept before the queue drops it; nil: until it is processed.
    public var retention: Duration?

    public init(
        jobs: QueueDepth, deadLetters: QueueDepth, maxReceiveCount: Int?, isFIFO: Bool? = nil,
        visibilityTimeout: Duration? = nil, retention: Duration? = nil
    ) {
        self.jobs = jobs
        self.deadLetters = deadLetters
        self.maxReceiveCount = maxReceiveCount
        self.isFIFO = isFIFO
        self.visibilityTimeout = visibilityTimeout
        self.retention = retention
    }
}

/// What a redrive did.
public struct RedriveSummary: Sendable, Hashable, Codable {
    /// Messages now back in the jobs queue.
    public var moved: Int
    /// Messages the jobs queue refused; they stay in the DLQ.
    public var failed: Int
    /// Requested ids that were not in the DLQ.
    public var notFound: Int
    /// Dead letters of other source queues, left in the DLQ (SQS, redrive by copy).
    public var skipped: Int
    /// How the backend moved them, for the operator: `transaction` (embedded), `copy` or
    /// `move-task` (SQS); nil when it does not say.
    public var method: String?
    /// The SQS message move task that did it, and its last known status ("COMPLETED", or
    /// "RUNNING" when not waited for).
    public var taskHandle: String?
    public var taskStatus: String?

    public init(
        moved: Int, failed: Int = 0, notFound: Int = 0, skipped: Int = 0, method: String? = nil, taskHandle: String? = nil,
        taskStatus: String? = nil
    ) {
        self.moved = moved
        self.failed = failed
        self.notFound = notFound
        self.skipped = skipped
        self.method = method
        self.taskHandle = taskHandle
        self.taskStatus = taskStatus
    }
}

/// Why a queue operation failed, in words a person can act on.
public enum JobQueueError: UserFacingError, Equatable {
    /// The receipt handle no longer names a message this consumer holds.
    case staleReceiptHandle(String)
    /// The queue refused a message.
    case sendRefused(code: String, message: String)
    /// An argument is out of the range the backend accepts.
    case invalidArgument(String)

    public var summary: String {
        switch self {
        case .staleReceiptHandle:
            return "The message is no longer held by this consumer (its visibility timeout ran out)."
        case .sendRefused(let code, let message):
            return "The queue refused the message (\(code)): \(message)"
        case .invalidArgument(let text):
            return text
        }
    }

    public var remedy: String? {
        switch self {
        case .staleReceiptHandle:
            return "Receive the message again; extend the visibility timeout for work that takes longer."
        case .sendRefused:
            return "Check the message size (at most 1 MiB) and characters, then send again."
        case .invalidArgument:
            return nil
        }
    }
}
