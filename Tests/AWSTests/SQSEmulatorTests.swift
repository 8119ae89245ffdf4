import Foundation
import TestSupport
import Testing

@testable import AWS

@Suite("SQS against the AWS emulator", .enabled(if: TestEnvironment.hasAWSEmulator, "needs the AWS emulator: run `make test`"))
struct SQSEmulatorTests {
    /// A FIFO jobs queue with a FIFO DLQ after `maxReceiveCount` 3, as the system uses them.
    static func makeQueues(_ sqs: SQSClient, prefix: String) async throws -> (source: String, dlq: String) {
        let (source, dlq) = try await Emulator.fifoQueueWithDeadLetters(sqs, prefix: prefix, maxReceiveCount: 3)
        return (source, dlq)
    }

    /// Receives with visibility 0 until the messages have passed `maxReceiveCount` and SQS
    /// has moved them to the DLQ.
    static func deadLetter(_ sqs: SQSClient, source: String, rounds: Int = 5) async throws {
        for _ in 0..<rounds {
            _ = try await sqs.receiveMessages(url: source, maxMessages: 10, wait: .zero, visibilityTimeout: .zero)
        }
    }

    static func send(_ sqs: SQSClient, to url: String, ids: ClosedRange<Int>) async throws {
        let entries = ids.map {
            SendMessageEntry(
                id: "e\($0)", body: "{\"v\":1,\"op\":\"upsert\",\"id\":\($0)}", attributes: ["kind": MessageAttributeValue(string: "test")],
                messageGroupID: "product-\($0)", deduplicationID: "seq-\($0)")
        }
        for chunk in stride(from: 0, to: entries.count, by: 10) {
            let result = try await sqs.sendMessageBatch(url: url, entries: Array(entries[chunk..<min(chunk + 10, entries.count)]))
            #expect(result.failed.isEmpty)
        }
    }

    @Test("queue URL, attributes, listing and dead-letter source queues")
    func queueMetadata() async throws {
        let sqs = SQSClient(configuration: try Emulator.configuration())
        let (source, dlq) = try await Self.makeQueues(sqs, prefix: "meta")
        let name = SQSQueueURL.name(of: source)
        #expect(try await sqs.getQueueURL(name: name) == source)

        let attributes = try await sqs.getQueueAttributes(url: source)
        #expect(attributes.isFIFO)
        #expect(attributes.redrivePolicy?.maxReceiveCount == 3)
        #expect(try await sqs.deadLetterQueueURL(forSource: source) == dlq)

        try await sqs.setQueueAttributes(url: source, attributes: ["VisibilityTimeout": "45"])
        #expect(try await sqs.getQueueAttributes(url: source, names: ["VisibilityTimeout"]).visibilityTimeout == .seconds(45))

        let listed = try await sqs.listQueues(prefix: String(name.dropLast(5)))
        #expect(Set(listed) == [source, dlq])
        #expect(try await sqs.listDeadLetterSourceQueues(url: dlq) == [source])
    }

    @Test("unknown queue is a typed QueueDoesNotExist error with request id and a remedy")
    func missingQueue() async throws {
        let sqs = SQSClient(configuration: try Emulator.configuration())
        let error = await #expect(throws: AWSError.self) { try await sqs.getQueueURL(name: Emulator.unique("missing")) }
        let service = try #require(error?.serviceError)
        #expect(service.hasCode("QueueDoesNotExist"))
        #expect(service.hasCode("AWS.SimpleQueueService.NonExistentQueue"))
        #expect(service.service == "SQS")
        #expect(service.operation == "GetQueueUrl")
        #expect(service.statusCode == 400)
        #expect(service.requestID?.isEmpty == false)
        #expect(error?.remedy?.contains("SQS_QUEUE_URL") == true)
    }

    @Test("send batch, long-poll receive, change visibility and delete batch on a FIFO queue")
    func messageLifecycle() async throws {
        let sqs = SQSClient(configuration: try Emulator.configuration())
        let (source, _) = try await Self.makeQueues(sqs, prefix: "life")
        try await Self.send(sqs, to: source, ids: 1...3)

        let received = try await sqs.receiveMessages(url: source, maxMessages: 10, wait: .seconds(2))
        #expect(received.count == 3)
        let first = try #require(received.first { $0.messageGroupID == "product-1" })
        #expect(first.body == "{\"v\":1,\"op\":\"upsert\",\"id\":1}")
        #expect(first.deduplicationID == "seq-1")
        #expect(first.messageAttributes["kind"]?.StringValue == "test")
        #expect(first.receiveCount == 1)
        #expect(first.sentAt != nil)

        // Make one visible again, delete the other two.
        let visibility = try await sqs.changeMessageVisibilityBatch(
            url: source, entries: [VisibilityEntry(id: "v", receiptHandle: first.receiptHandle, visibilityTimeout: .zero)])
        #expect(visibility.successful.map(\.id) == ["v"])
        let others = received.filter { $0.messageID != first.messageID }
        let deleted = try await sqs.deleteMessageBatch(
            url: source,
            entries: others.enumerated().map { DeleteMessageEntry(id: "d\($0.offset)", receiptHandle: $0.element.receiptHandle) })
        #expect(deleted.successful.count == 2)
        #expect(deleted.failed.isEmpty)

        let again = try await sqs.receiveMessages(url: source, wait: .seconds(1))
        #expect(again.map(\.messageID) == [first.messageID])
        #expect(again.first?.receiveCount == 2)
    }

    @Test("dead letters: stats count them, peek shows them without deleting, copy redrive moves them back once")
    func deadLettersAndRedrive() async throws {
        let sqs = SQSClient(configuration: try Emulator.configuration())
        let (source, dlq) = try await Self.makeQueues(sqs, prefix: "dead")
        try await Self.send(sqs, to: source, ids: 1...4)
        try await Self.deadLetter(sqs, source: source)
        try await Self.send(sqs, to: source, ids: 5...6)

        let dlqStats = try await sqs.stats(url: dlq)
        #expect(dlqStats.visible == 4)
        #expect(dlqStats.isFIFO)
        let sourceStats = try await sqs.stats(url: source, oldestAge: { _ in 42 })
        #expect(sourceStats.visible == 2)
        #expect(sourceStats.oldestAgeSeconds == 42)
        #expect(sourceStats.maxReceiveCount == 3)

        let peeked = try await sqs.peek(url: dlq, count: 10)
        #expect(peeked.count == 4)
        #expect(Set(peeked.compactMap(\.messageGroupID)) == ["product-1", "product-2", "product-3", "product-4"])
        #expect(try await sqs.stats(url: dlq).visible == 4)

        let result = try await sqs.redrive(deadLetterURL: dlq, sourceURL: source, method: .auto, receiveWait: .seconds(1))
        #expect(result.method == .copy)
        #expect(result.moved == 4)
        #expect(result.failed == 0)
        #expect(try await sqs.stats(url: dlq).visible == 0)

        var bodies: [String] = []
        while true {
            let batch = try await sqs.receiveMessages(url: source, wait: .seconds(1))
            if batch.isEmpty { break }
            bodies += batch.map(\.body)
            _ = try await sqs.deleteMessageBatch(
                url: source,
                entries: batch.enumerated().map { DeleteMessageEntry(id: "d\($0.offset)", receiptHandle: $0.element.receiptHandle) })
        }
        #expect(bodies.count == 6)
        #expect(Set(bodies).count == 6)
    }

    @Test("purge empties a queue")
    func purge() async throws {
        let sqs = SQSClient(configuration: try Emulator.configuration())
        let (source, _) = try await Self.makeQueues(sqs, prefix: "purge")
        try await Self.send(sqs, to: source, ids: 1...5)
        #expect(try await sqs.stats(url: source).visible == 5)
        try await sqs.purgeQueue(url: source)
        #expect(try await sqs.stats(url: source).visible == 0)
    }
}
