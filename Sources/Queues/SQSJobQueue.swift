import AWS
import Catalog
import Foundation

/// The job queue on SQS: a FIFO queue and its FIFO dead-letter queue (redrive policy).
///
/// SQS itself enforces the FIFO rules (group order, visibility, receive count, moving to
/// the DLQ after `maxReceiveCount`, five-minute deduplication); this type maps the
/// protocol onto its batch calls: at most 10 entries and 1 MiB per batch, and every batch
/// reply's `Failed` list read, because a 200 can still refuse entries.
///
/// Throttling is back-pressure: every call is paced by ``rateLimiter`` (AIMD), and a call SQS
/// throttles (after the client's own retries) halves the rate and is sent again at the slower
/// pace, for as long as it takes. It never surfaces as an error, so a worker never hands a
/// batch back (which would count a receive towards the DLQ) because SQS asked it to slow down.
public struct SQSJobQueue: JobQueue, RateLimitedClient {
    /// The largest message, body plus attributes (SQS's limit since August 2025).
    public static let maxMessageBytes = 1_048_576
    /// The most entries in one batch call.
    public static let maxBatchEntries = 10

    public let sqs: SQSClient
    public let queueURL: String
    public let deadLetterURL: String
    /// How long a receive waits at most (SQS allows 20 s).
    public let maxWait: Duration
    /// How long messages looked at by a selective redrive or delete stay hidden meanwhile.
    public let selectionVisibility: Duration
    /// The oldest message's age, from CloudWatch, read in the background once a minute.
    let oldestAges: OldestMessageAges
    /// Paces this queue's calls; halved when SQS throttles.
    public let rateLimiter: AdaptiveRateLimiter
    public var rateLimitedService: String { "sqs" }

    /// The default pacing: up to 3,000 calls a second (a FIFO queue's batched limit), halved
    /// on throttling at most once a second, growing back by 150 a second, never under 1.
    public static func defaultRateLimiter() -> AdaptiveRateLimiter {
        AdaptiveRateLimiter(.init(maxRate: 3_000, minRate: 1, increasePerSecond: 150))
    }
    /// Whether ``stats()`` waits for the first CloudWatch read of the oldest message's age
    /// (a one-shot `queue stats`) rather than answering at once without it (the console,
    /// which asks again every few seconds).
    public var waitsForOldestAges = false
    /// How a redrive of every dead letter moves them (`queue redrive --method`).
    public var redriveMethod: RedriveMethod = .auto
    /// Whether a redrive waits for SQS's message move task to finish (`--no-wait` does not).
    public var waitsForMoveTask = true

    public var name: String { SQSQueueURL.name(of: queueURL) }
    public var deadLetterName: String { SQSQueueURL.name(of: deadLetterURL) }
    public var maxMessagesPerReceive: Int { 10 }

    public init(
        sqs: SQSClient, queueURL: String, deadLetterURL: String, maxWait: Duration = .seconds(20),
        selectionVisibility: Duration = .seconds(30), rateLimiter: AdaptiveRateLimiter = SQSJobQueue.defaultRateLimiter()
    ) {
        self.rateLimiter = rateLimiter
        self.sqs = sqs
        self.queueURL = queueURL
        self.deadLetterURL = deadLetterURL
        self.maxWait = min(maxWait, .seconds(20))
        self.selectionVisibility = selectionVisibility
        oldestAges = OldestMessageAges(cloudWatch: CloudWatchClient(configuration: sqs.client.configuration))
    }

    /// The queue at `queueURL` with the DLQ named by its redrive policy (or `deadLetterURL`).
    /// Throws ``JobQueueError/invalidArgument(_:)`` when the queue has no DLQ.
    public static func open(sqs: SQSClient, queueURL: String, deadLetterURL: String? = nil) async throws -> SQSJobQueue {
        var dlq = deadLetterURL
        if dlq == nil { dlq = try await sqs.deadLetterQueueURL(forSource: queueURL) }
        guard let dlq else {
            throw JobQueueError.invalidArgument("\(SQSQueueURL.name(of: queueURL)) has no dead-letter queue: give it a RedrivePolicy.")
        }
        return SQSJobQueue(sqs: sqs, queueURL: queueURL, deadLetterURL: dlq)
    }

    // MARK: Pacing

    /// Runs one SQS call at the limiter's pace, again and again while SQS throttles it.
    func paced<T>(_ call: () async throws -> T) async throws -> T {
        while true {
            try await rateLimiter.acquire()
            do {
                let value = try await call()
                rateLimiter.recordSuccess()
                return value
            } catch let error where Self.isThrottling(error) {
                rateLimiter.recordThrottle()
            }
        }
    }

    /// True for a throttled reply: 429 or one of the AWS throttling codes.
    static func isThrottling(_ error: any Error) -> Bool {
        guard let service = (error as? AWSError)?.serviceError else { return false }
        let legacy = service.legacyCode.map { String($0.split(separator: ".").last ?? "") }
        return RetryPolicy.classify(statusCode: service.statusCode, code: service.code) == .throttling
            || legacy.map(RetryPolicy.isThrottlingCode) == true
    }

    // MARK: Sending

    public func send(_ messages: [JobMessage]) async throws -> [SendFailure] {
        try await send(messages, to: queueURL)
    }

    /// Sends in batches of ≤ 10 entries and ≤ 1 MiB; an entry over 1 MiB alone is refused
    /// here (SQS would refuse its whole batch).
    private func send(_ messages: [JobMessage], to url: String) async throws -> [SendFailure] {
        var failures: [SendFailure] = []
        var batch: [(index: Int, entry: SendMessageEntry)] = []
        var batchBytes = 0
        func flush() async throws {
            guard !batch.isEmpty else { return }
            let entries = batch.map(\.entry)
            let result = try await paced { try await sqs.sendMessageBatch(url: url, entries: entries) }
            for failure in result.failed {
                guard let index = Int(failure.id.dropFirst()) else { continue }
                failures.append(
                    SendFailure(
                        index: index, code: failure.code, message: failure.message ?? failure.code,
                        senderFault: failure.senderFault))
            }
            batch.removeAll()
            batchBytes = 0
        }
        for (index, message) in messages.enumerated() {
            let size = Self.size(of: message)
            if size > Self.maxMessageBytes {
                failures.append(
                    SendFailure(
                        index: index, code: "MessageTooLong", message: "\(size) bytes is over SQS's 1 MiB",
                        senderFault: true))
                continue
            }
            if batch.count == Self.maxBatchEntries || batchBytes + size > Self.maxMessageBytes { try await flush() }
            let entry = SendMessageEntry(
                id: "e\(index)", body: message.body,
                attributes: message.attributes.mapValues { MessageAttributeValue(string: $0) },
                messageGroupID: message.groupID, deduplicationID: message.deduplicationID)
            batch.append((index, entry))
            batchBytes += size
        }
        try await flush()
        return failures.sorted { $0.index < $1.index }
    }

    /// What SQS counts towards the size limit: the body, and each attribute's name, type and value.
    static func size(of message: JobMessage) -> Int {
        message.body.utf8.count + message.attributes.reduce(0) { $0 + $1.key.utf8.count + "String".utf8.count + $1.value.utf8.count }
    }

    // MARK: Receiving

    /// One long poll (at most ``maxWait``, 20 s) for up to 10 messages. SQS counts
    /// visibility in whole seconds, so a fraction of a second is dropped.
    public func receive(maxMessages: Int, wait: Duration, visibilityTimeout: Duration?) async throws -> [ReceivedJob] {
        let messages = try await paced {
            try await sqs.receiveMessages(
                url: queueURL, maxMessages: min(max(maxMessages, 1), 10), wait: min(max(wait, .zero), maxWait),
                visibilityTimeout: visibilityTimeout)
        }
        return messages.map(Self.job)
    }

    static func job(_ message: SQSMessage) -> ReceivedJob {
        ReceivedJob(
            messageID: message.messageID, receiptHandle: message.receiptHandle, body: message.body,
            groupID: message.messageGroupID ?? "", deduplicationID: message.deduplicationID,
            attributes: attributes(message), receiveCount: message.receiveCount, sentAt: message.sentAt,
            firstReceivedAt: milliseconds(message.attributes["ApproximateFirstReceiveTimestamp"]), lastReceivedAt: nil)
    }

    static func attributes(_ message: SQSMessage) -> [String: String] {
        message.messageAttributes.compactMapValues { $0.StringValue ?? $0.BinaryValue }
    }

    static func milliseconds(_ text: String?) -> Date? {
        text.flatMap(Double.init).map { Date(timeIntervalSince1970: $0 / 1000) }
    }

    public func delete(receiptHandles: [String]) async throws -> [ReceiptFailure] {
        try await delete(receiptHandles, from: queueURL)
    }

    private func delete(_ handles: [String], from url: String) async throws -> [ReceiptFailure] {
        var failures: [ReceiptFailure] = []
        for start in stride(from: 0, to: handles.count, by: Self.maxBatchEntries) {
            let chunk = Array(handles[start..<min(start + Self.maxBatchEntries, handles.count)])
            let entries = chunk.enumerated().map { DeleteMessageEntry(id: "d\($0.offset)", receiptHandle: $0.element) }
            let result = try await paced { try await sqs.deleteMessageBatch(url: url, entries: entries) }
            failures += Self.receiptFailures(result.failed, handles: chunk)
        }
        return failures
    }

    public func changeVisibility(receiptHandles: [String], timeout: Duration) async throws -> [ReceiptFailure] {
        try await changeVisibility(receiptHandles, timeout: timeout, on: queueURL)
    }

    private func changeVisibility(_ handles: [String], timeout: Duration, on url: String) async throws -> [ReceiptFailure] {
        var failures: [ReceiptFailure] = []
        for start in stride(from: 0, to: handles.count, by: Self.maxBatchEntries) {
            let chunk = Array(handles[start..<min(start + Self.maxBatchEntries, handles.count)])
            let entries = chunk.enumerated().map {
                VisibilityEntry(id: "v\($0.offset)", receiptHandle: $0.element, visibilityTimeout: timeout)
            }
            let result = try await paced { try await sqs.changeMessageVisibilityBatch(url: url, entries: entries) }
            failures += Self.receiptFailures(result.failed, handles: chunk)
        }
        return failures
    }

    static func receiptFailures(_ failed: [BatchFailure], handles: [String]) -> [ReceiptFailure] {
        failed.compactMap { failure in
            guard let index = Int(failure.id.dropFirst()), handles.indices.contains(index) else { return nil }
            return ReceiptFailure(receiptHandle: handles[index], code: failure.code, message: failure.message ?? failure.code)
        }
    }

    /// Sends the message to the DLQ (same group; dedup id = message id, as SQS's own move
    /// does) with the reason attribute, then deletes it from the jobs queue. Send first,
    /// delete after: a stop in between leaves the message in both, never in neither, and a
    /// second dead-lettering within five minutes is deduplicated.
    public func moveToDeadLetters(_ message: ReceivedJob, reason: String) async throws {
        var attributes = message.attributes
        attributes[JobQueueAttribute.deadLetterReason] = reason
        let copy = JobMessage(
            body: message.body, groupID: message.groupID.isEmpty ? "dead-letter" : message.groupID,
            deduplicationID: message.messageID, attributes: attributes)
        if let failure = try await send([copy], to: deadLetterURL).first {
            throw JobQueueError.sendRefused(code: failure.code, message: failure.message)
        }
        if try await delete(receiptHandles: [message.receiptHandle]).first != nil {
            throw JobQueueError.staleReceiptHandle(message.receiptHandle)
        }
    }

    // MARK: Operations

    /// One `GetQueueAttributes` per queue; the oldest message's age is CloudWatch's, as last
    /// read in the background (see ``OldestMessageAges``), and unknown until then.
    public func stats() async throws -> JobQueueStats {
        let attributes = try await sqs.getQueueAttributes(url: queueURL)
        let dead = try await sqs.getQueueAttributes(url: deadLetterURL)
        var ages = oldestAges.ages(of: [name, deadLetterName])
        if waitsForOldestAges, ages.isEmpty {
            await oldestAges.settled()
            ages = oldestAges.ages(of: [name, deadLetterName])
        }
        func depth(_ name: String, _ a: QueueAttributes) -> QueueDepth {
            let total = a.visible + a.inFlight + a.delayed
            return QueueDepth(
                name: name, visible: a.visible, inFlight: a.inFlight, delayed: a.delayed, oldestAge: total > 0 ? ages[name] : nil)
        }
        return JobQueueStats(
            jobs: depth(name, attributes), deadLetters: depth(deadLetterName, dead),
            maxReceiveCount: attributes.redrivePolicy?.maxReceiveCount, isFIFO: attributes.isFIFO,
            visibilityTimeout: attributes.visibilityTimeout, retention: attributes.retention)
    }

    public func peek(_ role: QueueRole, limit: Int) async throws -> [QueuedMessage] {
        let url = role == .jobs ? queueURL : deadLetterURL
        return try await sqs.peek(url: url, count: max(0, limit)).map(Self.queued)
    }

    static func queued(_ message: SQSMessage) -> QueuedMessage {
        QueuedMessage(
            messageID: message.messageID, body: message.body, groupID: message.messageGroupID, deduplicationID: message.deduplicationID,
            attributes: attributes(message), receiveCount: message.receiveCount, sentAt: message.sentAt,
            firstReceivedAt: milliseconds(message.attributes["ApproximateFirstReceiveTimestamp"]))
    }

    /// How long dead letters looked at by ``lookUp(groupID:deadLetterLimit:)`` stay hidden if
    /// the release at the end never comes (the process died): short, so they are soon back.
    static let lookUpVisibility: Duration = .seconds(20)

    /// Searches the DLQ for the group's dead letters (SQS FIFO keeps `MessageGroupId`, the
    /// product id, on a dead letter; a copy made by ``moveToDeadLetters(_:reason:)`` keeps it
    /// too). SQS has no peek: each batch is received with a short visibility timeout, so the
    /// next receive moves past it, until every message the DLQ reported is seen, a receive
    /// comes back empty or `deadLetterLimit` is reached; then every message received is made
    /// visible again at once (visibility 0), also when a receive fails. Nothing is deleted.
    /// A look raises the dead letters' receive counts, which a DLQ without a redrive policy
    /// of its own ignores. The jobs queue is not searched (see ``GroupLookup/searchedJobs``).
    public func lookUp(groupID: String, deadLetterLimit: Int) async throws -> GroupLookup {
        let source = try await sqs.getQueueAttributes(url: queueURL, names: ["RedrivePolicy"])
        let dead = try await sqs.getQueueAttributes(url: deadLetterURL)
        var held: [SQSMessage] = []
        var ids: Set<String> = []
        var exhausted = dead.visible + dead.inFlight == 0
        do {
            while !exhausted && held.count < deadLetterLimit {
                let batch = try await sqs.receiveMessages(
                    url: deadLetterURL, maxMessages: min(10, deadLetterLimit - held.count), wait: .seconds(1),
                    visibilityTimeout: Self.lookUpVisibility)
                let fresh = batch.filter { ids.insert($0.messageID).inserted }
                held += fresh
                if fresh.isEmpty || held.count >= dead.visible { exhausted = true }
            }
        } catch {
            _ = try? await changeVisibility(held.map(\.receiptHandle), timeout: .zero, on: deadLetterURL)
            throw error
        }
        _ = try await changeVisibility(held.map(\.receiptHandle), timeout: .zero, on: deadLetterURL)
        let mine = held.filter { $0.messageGroupID == groupID }.map { LocatedMessage(message: Self.queued($0), place: .deadLettered) }
        return GroupLookup(
            messages: mine, searchedJobs: false, deadLettersScanned: held.count,
            deadLettersComplete: exhausted && dead.inFlight == 0, maxReceiveCount: source.redrivePolicy?.maxReceiveCount)
    }

    /// All: SQS's redrive (a message move task where offered, else copy-then-delete).
    /// Selected: the DLQ is read until the ids are found; those are sent back with their
    /// group and a redrive deduplication id (``SQSClient/redriveDeduplicationID(_:)`` says
    /// why not the original) and then deleted from the DLQ, the others released untouched.
    public func redriveDeadLetters(messageIDs: [String]?, progress: @escaping @Sendable (RedriveSummary) -> Void) async throws
        -> RedriveSummary
    {
        guard let messageIDs else {
            let result = try await sqs.redrive(
                deadLetterURL: deadLetterURL, sourceURL: queueURL, method: redriveMethod, waitForTask: waitsForMoveTask,
                progress: { progress(RedriveSummary(moved: $0.moved, failed: $0.failed)) })
            return RedriveSummary(
                moved: result.moved, failed: result.failed, skipped: result.skipped, method: result.method.rawValue,
                taskHandle: result.taskHandle,
                taskStatus: result.taskStatus)
        }
        let wanted = Set(messageIDs)
        return try await withSelectedDeadLetters(wanted) { found in
            let copies = found.map {
                JobMessage(
                    body: $0.body, groupID: $0.messageGroupID ?? "redrive", deduplicationID: SQSClient.redriveDeduplicationID($0.messageID),
                    attributes: Self.attributes($0))
            }
            let refused = Set(try await send(copies, to: queueURL).map(\.index))
            let sent = found.enumerated().filter { !refused.contains($0.offset) }.map(\.element.receiptHandle)
            let notDeleted = try await delete(sent, from: deadLetterURL).count
            let summary = RedriveSummary(
                moved: sent.count - notDeleted, failed: refused.count, notFound: wanted.count - found.count, method: "copy")
            progress(summary)
            return summary
        }
    }

    public func deleteDeadLetters(messageIDs: [String]) async throws -> Int {
        try await withSelectedDeadLetters(Set(messageIDs)) { found in
            found.count - (try await delete(found.map(\.receiptHandle), from: deadLetterURL).count)
        }
    }

    /// Receives from the DLQ until every wanted id is found or nothing new comes, calls
    /// `body` with the wanted messages, and releases the rest (visibility 0) at the end.
    /// Non-wanted messages stay hidden meanwhile so the receives move past them.
    private func withSelectedDeadLetters<T: Sendable>(_ wanted: Set<String>, _ body: ([SQSMessage]) async throws -> T) async throws -> T {
        var found: [SQSMessage] = []
        var others: [SQSMessage] = []
        var seen: Set<String> = []
        while found.count < wanted.count {
            let batch = try await sqs.receiveMessages(
                url: deadLetterURL, maxMessages: 10, wait: .seconds(1),
                visibilityTimeout: selectionVisibility
            )
            .filter { seen.insert($0.messageID).inserted }
            if batch.isEmpty { break }
            for message in batch {
                if wanted.contains(message.messageID) { found.append(message) } else { others.append(message) }
            }
        }
        do {
            let value = try await body(found)
            _ = try await changeVisibility(others.map(\.receiptHandle), timeout: .zero, on: deadLetterURL)
            return value
        } catch {
            _ = try? await changeVisibility((others + found).map(\.receiptHandle), timeout: .zero, on: deadLetterURL)
            throw error
        }
    }

    public func purge(_ role: QueueRole) async throws -> Int? {
        try await sqs.purgeQueue(url: role == .jobs ? queueURL : deadLetterURL)
        return nil
    }
}
