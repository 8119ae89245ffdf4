import Foundation

/// Counts for one queue, as `queue stats` and the console's queue view show them.
public struct QueueStats: Codable, Sendable, Hashable {
    public var name: String
    public var url: String
    public var isFIFO: Bool
    public var visible: Int
    public var inFlight: Int
    public var delayed: Int
    /// Age of the oldest message in seconds (CloudWatch's one-minute metric); nil when unknown.
    public var oldestAgeSeconds: Int?
    /// From the queue's redrive policy, when it has one.
    public var maxReceiveCount: Int?

    public init(
        name: String, url: String, isFIFO: Bool, visible: Int, inFlight: Int, delayed: Int, oldestAgeSeconds: Int? = nil,
        maxReceiveCount: Int? = nil
    ) {
        self.name = name
        self.url = url
        self.isFIFO = isFIFO
        self.visible = visible
        self.inFlight = inFlight
        self.delayed = delayed
        self.oldestAgeSeconds = oldestAgeSeconds
        self.maxReceiveCount = maxReceiveCount
    }
}

/// How `redrive` moves dead letters back.
public enum RedriveMethod: String, Sendable, CaseIterable, Codable {
    /// A message move task when the service offers one, else ``copy``.
    case auto
    /// Only a message move task (`StartMessageMoveTask`).
    case moveTask = "move-task"
    /// Receive from the DLQ, send to the source with the same group and deduplication ids,
    /// then delete from the DLQ.
    case copy
}

/// What a redrive did.
public struct RedriveResult: Codable, Sendable, Hashable {
    /// `move-task` or `copy`.
    public var method: RedriveMethod
    public var moved: Int
    /// Messages the source refused (they stay in the DLQ).
    public var failed: Int
    /// Dead letters of other source queues, left in the DLQ (copy only).
    public var skipped: Int = 0
    public var taskHandle: String?
    /// The move task's final (or current, when not waited for) status.
    public var taskStatus: String?
}

extension SQSClient {
    /// The dead-letter queue of `sourceURL`, from its `RedrivePolicy`; nil when it has none.
    public func deadLetterQueueURL(forSource sourceURL: String) async throws(AWSError) -> String? {
        let attributes = try await getQueueAttributes(url: sourceURL, names: ["RedrivePolicy"])
        guard let policy = attributes.redrivePolicy else { return nil }
        let parts = policy.deadLetterTargetArn.split(separator: ":")
        guard parts.count >= 6 else {
            throw AWSError.invalidConfiguration("The RedrivePolicy of \(SQSQueueURL.name(of: sourceURL)) names an invalid queue ARN.")
        }
        return try await getQueueURL(name: String(parts[5]), ownerAccountID: String(parts[4]))
    }

    /// Current counts of a queue. `oldestAge` is asked separately because it comes from CloudWatch.
    public func stats(url: String, oldestAge: (@Sendable (String) async -> Int?)? = nil) async throws(AWSError) -> QueueStats {
        let attributes = try await getQueueAttributes(url: url)
        let name = SQSQueueURL.name(of: url)
        let age = await oldestAge?(name)
        return QueueStats(
            name: name, url: url, isFIFO: attributes.isFIFO || name.hasSuffix(".fifo"),
            visible: attributes.visible, inFlight: attributes.inFlight, delayed: attributes.delayed,
            oldestAgeSeconds: age, maxReceiveCount: attributes.redrivePolicy?.maxReceiveCount)
    }

    /// Looks at up to `count` messages without deleting them.
    ///
    /// SQS has no real peek: receiving hides a message and bumps its receive count. So the
    /// messages are received with a short visibility timeout and then made visible again at
    /// once (visibility 0), so a redrive or a worker can take them straight after.
    public func peek(url: String, count: Int, wait: Duration = .seconds(1)) async throws(AWSError) -> [SQSMessage] {
        var seen: [SQSMessage] = []
        var ids: Set<String> = []
        while seen.count < count {
            let batch = try await receiveMessages(
                url: url, maxMessages: min(10, count - seen.count), wait: wait, visibilityTimeout: .seconds(30))
            let fresh = batch.filter { ids.insert($0.messageID).inserted }
            if fresh.isEmpty { break }
            seen += fresh
        }
        for chunk in stride(from: 0, to: seen.count, by: 10) {
            let entries = seen[chunk..<min(chunk + 10, seen.count)].enumerated().map {
                VisibilityEntry(id: "m\($0.offset)", receiptHandle: $0.element.receiptHandle, visibilityTimeout: .zero)
            }
            _ = try await changeMessageVisibilityBatch(url: url, entries: entries)
        }
        return seen
    }

    /// Moves the dead letters of `deadLetterURL` back to `sourceURL`.
    ///
    /// With ``RedriveMethod/auto`` a message move task is started where the service offers
    /// one (AWS does; emulators often don't) and, when `waitForTask`, followed until it ends.
    /// Otherwise each batch is received from the DLQ, sent to the source with the same message
    /// group and the deduplication id `redrive-<DLQ message id>`, and only then deleted from
    /// the DLQ. A stop half-way therefore loses nothing: an unsent message is still in the
    /// DLQ, and a sent-but-not-deleted one is sent again with the same deduplication id, which
    /// a FIFO queue drops within its 5-minute window (a standard queue may then get it twice).
    /// The original deduplication id is not reused: a message dead-lettered and redriven
    /// within five minutes of its first send would be accepted and silently dropped as a
    /// duplicate of itself, and then deleted from the DLQ — lost. A DLQ shared by
    /// several queues keeps the dead letters of the others (`DeadLetterQueueSourceArn`).
    /// Messages being copied stay hidden in the DLQ for `visibilityTimeout`. `progress` is
    /// told the running totals after each copied batch or move-task poll.
    public func redrive(
        deadLetterURL: String,
        sourceURL: String,
        method: RedriveMethod = .auto,
        waitForTask: Bool = true,
        pollInterval: Duration = .seconds(2),
        receiveWait: Duration = .seconds(1),
        visibilityTimeout: Duration = .seconds(60),
        sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        progress: @Sendable (RedriveResult) -> Void = { _ in }
    ) async throws(AWSError) -> RedriveResult {
        if method != .copy {
            do {
                return try await redriveWithMoveTask(
                    deadLetterURL: deadLetterURL, sourceURL: sourceURL, waitForTask: waitForTask, pollInterval: pollInterval, sleep: sleep,
                    progress: progress)
            } catch {
                guard method == .auto, Self.isMoveTaskUnsupported(error) else { throw error }
                client.logger.info(
                    "Message move tasks are not offered; copying instead",
                    metadata: [LogKey.queue: "\(SQSQueueURL.name(of: deadLetterURL))"])
            }
        }
        return try await redriveByCopying(
            deadLetterURL: deadLetterURL, sourceURL: sourceURL, receiveWait: receiveWait, visibilityTimeout: visibilityTimeout,
            progress: progress)
    }

    /// True when an error means "this endpoint has no message move tasks" rather than a
    /// real failure (an emulator answering 500/501 without an AWS error body, or an
    /// unknown-operation code).
    /// The deduplication id of a redriven copy: stable for one dead letter (a resumed
    /// redrive is deduplicated), never the id the message was first sent with.
    public static func redriveDeduplicationID(_ deadLetterMessageID: String) -> String { "redrive-" + deadLetterMessageID }

    static func isMoveTaskUnsupported(_ error: AWSError) -> Bool {
        guard let service = error.serviceError else { return false }
        let codes: Set<String> = [
            "UnsupportedOperation", "InvalidAction", "UnknownOperationException", "NotImplemented", "NotImplementedException",
            "AWS.SimpleQueueService.UnsupportedOperation",
        ]
        if codes.contains(service.code) || service.legacyCode.map(codes.contains) == true { return true }
        return (service.statusCode == 500 || service.statusCode == 501 || service.statusCode == 404) && service.code.hasPrefix("HTTP")
    }

    private func redriveWithMoveTask(
        deadLetterURL: String, sourceURL: String, waitForTask: Bool, pollInterval: Duration,
        sleep: @Sendable (Duration) async throws -> Void, progress: @Sendable (RedriveResult) -> Void
    ) async throws(AWSError) -> RedriveResult {
        let dlqARN = try await queueARN(deadLetterURL)
        let sourceARN = try await queueARN(sourceURL)
        let handle = try await startMessageMoveTask(sourceARN: dlqARN, destinationARN: sourceARN)
        var task: MessageMoveTask?
        repeat {
            if task != nil || waitForTask {
                let tasks = try await listMessageMoveTasks(sourceARN: dlqARN)
                task = tasks.first { $0.taskHandle == handle } ?? tasks.first
            }
            if let current = task {
                progress(
                    RedriveResult(
                        method: .moveTask, moved: current.messagesMoved, failed: 0, taskHandle: handle, taskStatus: current.status))
            }
            guard waitForTask, let current = task, !current.isFinished else { break }
            do { try await sleep(pollInterval) } catch { break }
        } while true
        if let task, task.status == "FAILED" {
            throw AWSError.service(
                .init(
                    service: client.service.serviceID, operation: "StartMessageMoveTask", statusCode: 200, code: "MessageMoveTaskFailed",
                    message: task.failureReason ?? "the move task failed after moving \(task.messagesMoved) messages"))
        }
        return RedriveResult(
            method: .moveTask, moved: task?.messagesMoved ?? 0, failed: 0, taskHandle: handle, taskStatus: task?.status ?? "RUNNING")
    }

    private func redriveByCopying(
        deadLetterURL: String, sourceURL: String, receiveWait: Duration, visibilityTimeout: Duration,
        progress: @Sendable (RedriveResult) -> Void
    ) async throws(AWSError) -> RedriveResult {
        let sourceIsFIFO = SQSQueueURL.name(of: sourceURL).hasSuffix(".fifo")
        let sourceARN = try await queueARN(sourceURL)
        var result = RedriveResult(method: .copy, moved: 0, failed: 0)
        var handled: Set<String> = []
        while true {
            let received = try await receiveMessages(
                url: deadLetterURL, maxMessages: 10, wait: receiveWait, visibilityTimeout: visibilityTimeout
            )
            .filter { handled.insert($0.messageID).inserted }
            if received.isEmpty { break }

            // Another queue's dead letters: give them back at once, untouched.
            let foreign = received.filter { $0.attributes["DeadLetterQueueSourceArn"].map { $0 != sourceARN } ?? false }
            if !foreign.isEmpty {
                let entries = foreign.enumerated().map {
                    VisibilityEntry(id: "f\($0.offset)", receiptHandle: $0.element.receiptHandle, visibilityTimeout: .zero)
                }
                _ = try await changeMessageVisibilityBatch(url: deadLetterURL, entries: entries)
                result.skipped += foreign.count
            }
            let messages = received.filter { message in !foreign.contains { $0.messageID == message.messageID } }
            if messages.isEmpty { continue }

            let entries = messages.enumerated().map { index, message in
                SendMessageEntry(
                    id: "m\(index)", body: message.body, attributes: message.messageAttributes,
                    messageGroupID: sourceIsFIFO ? (message.messageGroupID ?? "redrive") : nil,
                    deduplicationID: sourceIsFIFO ? Self.redriveDeduplicationID(message.messageID) : nil)
            }
            // Send first, delete after: a stop in between leaves a copy in the DLQ, never none.
            let sent = try await sendMessageBatch(url: sourceURL, entries: entries)
            let sentIDs = Set(sent.successful.map(\.id))
            result.failed += sent.failed.count
            for failure in sent.failed {
                client.logger.warning(
                    "Redrive send was refused",
                    metadata: [LogKey.queue: "\(SQSQueueURL.name(of: sourceURL))", LogKey.error: "\(failure.code)"])
            }
            let deletes = messages.enumerated().filter { sentIDs.contains("m\($0.offset)") }.map {
                DeleteMessageEntry(id: "m\($0.offset)", receiptHandle: $0.element.receiptHandle)
            }
            if !deletes.isEmpty {
                let deleted = try await deleteMessageBatch(url: deadLetterURL, entries: deletes)
                result.moved += deleted.successful.count
            }
            progress(result)
            if sentIDs.isEmpty { break }  // the source refuses everything: stop rather than spin
        }
        return result
    }

    private func queueARN(_ url: String) async throws(AWSError) -> String {
        guard let arn = try await getQueueAttributes(url: url, names: ["QueueArn"]).queueARN else {
            throw AWSError.invalidResponse(
                service: client.service.serviceID, operation: "GetQueueAttributes", detail: "no QueueArn for \(SQSQueueURL.name(of: url))")
        }
        return arn
    }
}
