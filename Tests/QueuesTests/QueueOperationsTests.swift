import AWS
import Catalog
import Foundation
import Operations
import Queues
import Synchronization
import TestSupport
import Testing

/// The console's and CLI's queue questions (`Operations.QueueOperations`) answered through
/// `JobQueue` on each backend give the figures each backend's own calls give: what
/// `queue stats` printed before it went through the seam.
@Suite("queue operations through the seam")
struct QueueOperationsTests {
    @Test(
        "on SQS: depths and settings are GetQueueAttributes' of each queue; dead letters, selected redrive by copy",
        .enabled(if: TestEnvironment.hasAWSEmulator, "needs the AWS emulator: run `make test`"))
    func sqs() async throws {
        let queue = try await SQSFixture.queue(maxReceiveCount: 3)
        #expect(try await queue.send((1...4).map { QueueFixture.message("p\($0)", $0) }).isEmpty)
        let received = try await queue.receive(maxMessages: 1, wait: .seconds(2))
        try await queue.moveToDeadLetters(try #require(received.first), reason: "wrong shape: test")

        let operations = JobQueueOperations { queue }
        let stats = try await operations.queueStats()
        // What `queue stats` read before: GetQueueAttributes of each queue, one by one.
        let jobs = try await queue.sqs.stats(url: queue.queueURL)
        let dead = try await queue.sqs.stats(url: queue.deadLetterURL)
        #expect(stats.jobs.name == jobs.name && stats.deadLetters.name == dead.name)
        func counts(_ depth: QueueDepth) -> [Int] { [depth.visible, depth.inFlight, depth.delayed] }
        func counts(_ stats: QueueStats) -> [Int] { [stats.visible, stats.inFlight, stats.delayed] }
        #expect(counts(stats.jobs) == counts(jobs))
        #expect(counts(stats.deadLetters) == counts(dead))
        #expect(stats.jobs.visible == 3 && stats.deadLetters.visible == 1)
        #expect(stats.maxReceiveCount == jobs.maxReceiveCount && stats.maxReceiveCount == 3)
        #expect(stats.isFIFO == jobs.isFIFO)

        let letters = try await operations.deadLetters(limit: 10)
        #expect(letters.map(\.deadLetterReason) == ["wrong shape: test"])
        let reported = Mutex<[Int]>([])
        let summary = try await operations.redriveDeadLetters(ids: [try #require(letters.first).messageID]) { moved in
            reported.withLock { $0.append(moved) }
        }
        #expect(summary.moved == 1 && summary.failed == 0 && summary.notFound == 0)
        #expect(summary.method == "copy")
        #expect(reported.withLock { $0 }.last == 1)
        #expect(try await operations.queueStats().jobs.visible == 4)
    }

    @Test(
        "on the embedded queue: the queue's own stats; dead letters, redrive in a transaction, delete and purge",
        .enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
    func embedded() async throws {
        try await QueueFixture.withQueue { queue, _ in
            #expect(try await queue.send((1...5).map { QueueFixture.message("p\($0)", $0) }).isEmpty)
            for message in try await queue.receive(maxMessages: 3, wait: .zero) {
                try await queue.moveToDeadLetters(message, reason: "wrong shape: \(message.groupID)")
            }
            let operations = JobQueueOperations { queue }
            let stats = try await operations.queueStats()
            // (Not compared whole: the oldest message's age grows between the two reads.)
            let own = try await queue.stats()
            #expect([stats.jobs.name, stats.deadLetters.name] == [own.jobs.name, own.deadLetters.name])
            let seam: [Int] = [stats.jobs.visible, stats.jobs.inFlight, stats.deadLetters.visible]
            let direct: [Int] = [own.jobs.visible, own.jobs.inFlight, own.deadLetters.visible]
            #expect(seam == direct)
            #expect(stats.maxReceiveCount == own.maxReceiveCount && stats.visibilityTimeout == own.visibilityTimeout)
            #expect(stats.jobs.visible == 2 && stats.deadLetters.visible == 3 && stats.isFIFO == true)

            let letters = try await operations.deadLetters(limit: 10)
            #expect(letters.count == 3)
            let summary = try await operations.redriveDeadLetters(ids: [letters[0].messageID]) { _ in }
            #expect(summary == RedriveSummary(moved: 1, method: "transaction"))
            #expect(try await operations.deleteDeadLetters(ids: [letters[1].messageID]) == 1)
            #expect(try await operations.purgeDeadLetters() == 1)
            let after = try await operations.queueStats()
            #expect(after.jobs.visible == 3 && after.deadLetters.total == 0)
        }
    }

    @Test(
        "a one-shot stats (`queue stats`) has CloudWatch's oldest-message age in its first answer",
        .enabled(if: TestEnvironment.hasAWSEmulator, "needs the AWS emulator: run `make test`"))
    func oneShotStatsCarryTheOldestAge() async throws {
        var queue = try await SQSFixture.queue()
        _ = try await queue.send([QueueFixture.message("a", 1)])
        let cloudWatch = CloudWatchClient(configuration: queue.sqs.client.configuration)
        _ = try await cloudWatch.client.json(
            "PutMetricData",
            RawJSON([
                "Namespace": "AWS/SQS",
                "MetricData": [
                    [
                        "MetricName": "ApproximateAgeOfOldestMessage", "Dimensions": [["Name": "QueueName", "Value": .string(queue.name)]],
                        "Timestamp": .double(Date().addingTimeInterval(-30).timeIntervalSince1970), "Value": 42.0, "Unit": "Seconds",
                    ]
                ],
            ]), as: EmptyShape.self)
        queue.waitsForOldestAges = true
        let waiting = queue
        let first = try await JobQueueOperations { waiting }.queueStats()
        #expect(first.jobs.oldestAge == .seconds(42), "the first answer already has the age, as `queue stats` printed it before")
        #expect(first.deadLetters.oldestAge == nil, "an empty DLQ has no oldest message")
    }
}
