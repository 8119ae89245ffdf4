import AWS
import Catalog
import Foundation
import HTTP
import Logging
import Queues
import Synchronization
import TestSupport
import Testing

/// The AWS emulator for the SQS queue tests.
enum SQSFixture {
    static let http = AWSEmulator.http

    static func client() throws -> SQSClient { SQSClient(configuration: try AWSEmulator.configuration()) }

    /// A FIFO queue with a FIFO DLQ after `maxReceiveCount` receives, named with a random suffix.
    static func queue(maxReceiveCount: Int = 3, visibility: Int = 30) async throws -> SQSJobQueue {
        let sqs = try client()
        let (source, _) = try await AWSEmulator.fifoQueueWithDeadLetters(
            sqs, prefix: "jq", visibility: visibility, maxReceiveCount: maxReceiveCount)
        return try await SQSJobQueue.open(sqs: sqs, queueURL: source)
    }
}

/// Counts the SQS operations sent through it.
final class CountingTransport: HTTPTransport {
    let base: any HTTPTransport
    private let operations = Mutex<[String]>([])
    init(base: any HTTPTransport) { self.base = base }

    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        operations.withLock { $0.append(request.headers["X-Amz-Target"] ?? request.headers["x-amz-target"] ?? "?") }
        return try await base.send(request)
    }

    var sent: [String] { operations.withLock { $0 } }
    func reset() { operations.withLock { $0.removeAll() } }
}

@Suite("SQSJobQueue against the AWS emulator", .enabled(if: TestEnvironment.hasAWSEmulator, "needs the AWS emulator: run `make test`"))
struct SQSJobQueueTests {
    @Test("send in batches, receive with attributes and counts, change visibility, delete")
    func lifecycle() async throws {
        let queue = try await SQSFixture.queue()
        #expect(queue.deadLetterName == queue.name.replacingOccurrences(of: ".fifo", with: "-dlq.fifo"))
        // 23 messages: three batches of at most 10.
        let messages = (1...23).map { QueueFixture.message("p\($0 % 5)", $0, attributes: ["origin": "test"]) }
        #expect(try await queue.send(messages).isEmpty)
        #expect(try await queue.stats().jobs.visible == 23)

        let got = try await queue.receive(maxMessages: 10, wait: .seconds(2))
        #expect(!got.isEmpty)
        let first = try #require(got.first)
        #expect(first.receiveCount == 1)
        #expect(first.attributes["origin"] == "test")
        #expect(first.sentAt != nil)
        #expect(first.firstReceivedAt != nil)
        #expect(first.groupID.hasPrefix("p"))
        // Within each group, send order.
        for group in Set(got.map(\.groupID)) {
            let ns = got.filter { $0.groupID == group }.map { Int($0.deduplicationID!.split(separator: "-")[1])! }
            #expect(ns == ns.sorted())
        }

        #expect(try await queue.changeVisibility(receiptHandles: [first.receiptHandle], timeout: .zero).isEmpty)
        let others = got.filter { $0.messageID != first.messageID }
        #expect(try await queue.delete(receiptHandles: others.map(\.receiptHandle)).isEmpty)
        let again = try await queue.receive(maxMessages: 10, wait: .seconds(1))
        let redelivered = try #require(again.first { $0.messageID == first.messageID })
        #expect(redelivered.receiveCount == 2)
        #expect(try await queue.delete(receiptHandles: again.map(\.receiptHandle)).isEmpty)
        let stats = try await queue.stats()
        #expect(stats.jobs.total == 23 - got.count - (again.count - 1))
        #expect(stats.maxReceiveCount == 3)
    }

    @Test("after maxReceiveCount 3 a message is in the DLQ with its body and attributes; redrive selected and all brings it back")
    func deadLettersAndRedrive() async throws {
        let queue = try await SQSFixture.queue(maxReceiveCount: 3)
        _ = try await queue.send([QueueFixture.message("a", 1, attributes: ["origin": "test"]), QueueFixture.message("b", 1)])
        for _ in 0..<5 {
            _ = try await queue.receive(maxMessages: 10, wait: .zero, visibilityTimeout: .zero)
        }
        let stats = try await queue.stats()
        #expect(stats.deadLetters.visible == 2)
        #expect(stats.jobs.total == 0)

        let dead = try await queue.peek(.deadLetters, limit: 10)
        #expect(Set(dead.compactMap(\.groupID)) == ["a", "b"])
        let a = try #require(dead.first { $0.groupID == "a" })
        #expect(a.body == QueueFixture.message("a", 1).body)
        #expect(a.attributes["origin"] == "test")

        let one = try await queue.redriveDeadLetters(messageIDs: [a.messageID])
        #expect(one.moved == 1)
        #expect(one.notFound == 0)
        let back = try await queue.receive(maxMessages: 10, wait: .seconds(1))
        #expect(back.map(\.groupID) == ["a"])
        #expect(back.first?.body == a.body)
        #expect(try await queue.delete(receiptHandles: back.map(\.receiptHandle)).isEmpty)

        let all = try await queue.redriveDeadLetters(messageIDs: nil)
        #expect(all.moved == 1)
        #expect(try await queue.stats().deadLetters.visible == 0)
    }

    /// Regression: redrive copies reused the first send's deduplication id, so a message
    /// dead-lettered and redriven within five minutes was taken for a duplicate of itself:
    /// accepted, not delivered, and deleted from the DLQ — lost.
    @Test("a message dead-lettered and redriven within five minutes of its first send is delivered again", arguments: [true, false])
    func quickRedriveIsNotDeduplicatedAway(selected: Bool) async throws {
        let queue = try await SQSFixture.queue()
        #expect(try await queue.send([JobMessage(body: "poison", groupID: "p1", deduplicationID: "seq-1")]).isEmpty)
        let received = try #require(try await queue.receive(maxMessages: 1, wait: .seconds(2)).first)
        try await queue.moveToDeadLetters(received, reason: "not JSON")
        let dead = try await queue.peek(.deadLetters, limit: 10)
        #expect(dead.count == 1)
        let summary = try await queue.redriveDeadLetters(messageIDs: selected ? dead.map(\.messageID) : nil)
        #expect(summary.moved == 1)
        let back = try await queue.receive(maxMessages: 10, wait: .seconds(2))
        #expect(back.map(\.body) == ["poison"], "the redriven copy is delivered")
        #expect(back.first?.deduplicationID?.hasPrefix("redrive-") == true)
        #expect(back.first?.groupID == "p1")
    }

    @Test("stats cost one round trip per queue (the console refreshes them every few seconds)")
    func statsAreOneRequestPerQueue() async throws {
        let created = try await SQSFixture.queue()
        let transport = CountingTransport(base: SQSFixture.http)
        var configuration = try SQSFixture.client().client.configuration
        configuration.http = transport
        let queue = try await SQSJobQueue.open(sqs: SQSClient(configuration: configuration), queueURL: created.queueURL)
        transport.reset()
        let stats = try await queue.stats()
        // (The oldest message's age comes from CloudWatch, read in the background once a minute.)
        #expect(transport.sent.filter { $0.hasPrefix("AmazonSQS.") } == ["AmazonSQS.GetQueueAttributes", "AmazonSQS.GetQueueAttributes"])
        #expect(stats.isFIFO == true && stats.maxReceiveCount == 3 && stats.visibilityTimeout == .seconds(30))
        #expect(stats.retention == .seconds(345_600), "SQS's default retention, 4 days")
    }

    @Test("the oldest message's age comes from CloudWatch's ApproximateAgeOfOldestMessage, once it has been read")
    func oldestAgeFromCloudWatch() async throws {
        let queue = try await SQSFixture.queue()
        _ = try await queue.send([QueueFixture.message("a", 1)])
        let cloudWatch = CloudWatchClient(configuration: queue.sqs.client.configuration)
        _ = try await cloudWatch.client.json(
            "PutMetricData",
            RawJSON([
                "Namespace": "AWS/SQS",
                "MetricData": [
                    [
                        "MetricName": "ApproximateAgeOfOldestMessage", "Dimensions": [["Name": "QueueName", "Value": .string(queue.name)]],
                        "Timestamp": .double(Date().addingTimeInterval(-30).timeIntervalSince1970), "Value": 95.0, "Unit": "Seconds",
                    ]
                ],
            ]), as: EmptyShape.self)
        #expect(try await queue.stats().jobs.visible == 1)
        var age: Duration?
        let deadline = ContinuousClock.now + .seconds(60)
        while age == nil, ContinuousClock.now < deadline {
            age = try await queue.stats().jobs.oldestAge
            if age == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(age == .seconds(95))
        #expect(try await queue.stats().deadLetters.oldestAge == nil, "an empty DLQ has no oldest message")
    }

    @Test("a worker's poison message goes straight to the DLQ with its reason; delete and purge of dead letters")
    func moveToDeadLetters() async throws {
        let queue = try await SQSFixture.queue()
        _ = try await queue.send([JobMessage(body: "not json", groupID: "9", deduplicationID: "9"), QueueFixture.message("c", 1)])
        let got = try await queue.receive(maxMessages: 10, wait: .seconds(2))
        #expect(got.count == 2)
        for message in got { try await queue.moveToDeadLetters(message, reason: "not JSON: test") }
        #expect(try await queue.stats().jobs.total == 0)
        let dead = try await queue.peek(.deadLetters, limit: 10)
        #expect(dead.count == 2)
        #expect(dead.allSatisfy { $0.deadLetterReason == "not JSON: test" })

        let poison = try #require(dead.first { $0.body == "not json" })
        #expect(try await queue.deleteDeadLetters(messageIDs: [poison.messageID]) == 1)
        #expect(try await queue.peek(.deadLetters, limit: 10).map(\.body) == [QueueFixture.message("c", 1).body])
        #expect(try await queue.purge(.deadLetters) == nil)
    }

    @Test("a message over 1 MiB is refused alone; the rest of the batch is sent")
    func oversizeEntry() async throws {
        let queue = try await SQSFixture.queue()
        let big = JobMessage(body: String(repeating: "x", count: SQSJobQueue.maxMessageBytes + 1), groupID: "g", deduplicationID: "big")
        let failures = try await queue.send([QueueFixture.message("g", 1), big, QueueFixture.message("g", 2)])
        #expect(failures.map(\.index) == [1])
        #expect(failures.first?.code == "MessageTooLong")
        #expect(try await queue.stats().jobs.visible == 2)
    }
}
