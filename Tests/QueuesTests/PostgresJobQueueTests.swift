import Catalog
import Foundation
import Logging
import Postgres
import PostgresCatalog
import Queues
import Synchronization
import TestSupport
import Testing

/// A migrated schema of its own and a queue on it.
enum QueueFixture {
    static let quiet = Logger(label: "refarch.queue.test") { _ in SwiftLogNoOpLogHandler() }

    static func withQueue(
        _ options: PostgresJobQueue.Options = PostgresJobQueue.Options(visibilityTimeout: .seconds(30)),
        _ body: (PostgresJobQueue, PostgresConfiguration) async throws -> Void
    ) async throws {
        try await TestDatabase.withSchema { configuration in
            let pool = PostgresPool(configuration: configuration, maxConnections: 6, logger: quiet)
            _ = try await pool.withConnection { try await SchemaMigrator.migrate($0, logger: quiet) }
            let queue = PostgresJobQueue(pool: pool, options: options, logger: quiet)
            let result = await Result { try await body(queue, configuration) }
            await queue.close()
            await pool.close()
            try result.get()
        }
    }

    static func message(_ group: String, _ n: Int, attributes: [String: String] = [:]) -> JobMessage {
        JobMessage(body: "{\"group\":\"\(group)\",\"n\":\(n)}", groupID: group, deduplicationID: "\(group)-\(n)", attributes: attributes)
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

@Suite("PostgresJobQueue against Postgres", .enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct PostgresJobQueueTests {
    /// A wait or safety poll no test outlasts: a long poll that returns was woken by what the
    /// test did, not by a deadline (no "returned within N s" on a loaded machine).
    static let anHour = Duration.seconds(3600)

    @Test("a receive that finds nothing wakes nobody; a send does")
    func idleReceivesSendNoWakeUps() async throws {
        try await QueueFixture.withQueue { queue, configuration in
            let schema = configuration.searchPath[0]
            var events = PostgresListener(configuration: configuration, channels: [SchemaMigrator.queueChannel]).events.makeAsyncIterator()
            #expect(await events.next() == .listening)
            for _ in 0..<3 { #expect(try await queue.receive(maxMessages: 10, wait: .zero).isEmpty) }
            // Notifications arrive in commit order: a marker after the empty receives, then a send.
            let pool = PostgresPool(configuration: configuration, maxConnections: 1, logger: QueueFixture.quiet)
            try await pool.query("SELECT pg_notify($1, $2)", [SchemaMigrator.queueChannel, "marker-" + schema])
            await pool.close()
            #expect(try await queue.send([QueueFixture.message("p1", 1)]).isEmpty)
            var beforeMarker = 0
            var sawMarker = false
            while let event = await events.next() {
                if event == .notification(channel: SchemaMigrator.queueChannel, payload: "marker-" + schema) { sawMarker = true; continue }
                guard event == .notification(channel: SchemaMigrator.queueChannel, payload: schema) else { continue }
                if !sawMarker { beforeMarker += 1 } else { break }
            }
            #expect(beforeMarker == 0, "empty receives sent \(beforeMarker) wake-ups (idle receivers would wake each other)")
        }
    }

    @Test(
        "a received message is hidden for its visibility timeout, then delivered again with a higher receive count",
        .timeLimit(.minutes(10)))
    func visibilityAndRedelivery() async throws {
        try await QueueFixture.withQueue { queue, _ in
            #expect(try await queue.send([QueueFixture.message("p1", 1, attributes: ["kind": "test"])]).isEmpty)
            // Visibility of 10 s: long enough that a loaded machine cannot outlast it before the next check.
            let first = try await queue.receive(maxMessages: 10, wait: .zero, visibilityTimeout: .seconds(10))
            #expect(first.count == 1)
            let message = try #require(first.first)
            #expect(message.receiveCount == 1)
            #expect(message.groupID == "p1")
            #expect(message.deduplicationID == "p1-1")
            #expect(message.attributes == ["kind": "test"])
            #expect(message.sentAt != nil)
            #expect(message.firstReceivedAt != nil)

            #expect(try await queue.receive(maxMessages: 10, wait: .zero).isEmpty)
            // A long poll sleeps until the timeout runs out (the default 5 s safety poll may wake
            // it before: then it looks again), however long that takes on this machine.
            let again = try await queue.receive(maxMessages: 10, wait: Self.anHour, visibilityTimeout: .seconds(30))
            #expect(again.map(\.messageID) == [message.messageID])
            #expect(again.first?.receiveCount == 2)
            #expect(again.first?.receiptHandle != message.receiptHandle)
            #expect(again.first?.firstReceivedAt == message.firstReceivedAt)
            #expect(try #require(again.first?.lastReceivedAt) > (message.lastReceivedAt ?? .distantFuture))

            #expect(try await queue.delete(receiptHandles: [again[0].receiptHandle]).isEmpty)
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await queue.receive(maxMessages: 10, wait: .zero).isEmpty)
            #expect(try await queue.stats().jobs.total == 0)
        }
    }

    @Test("changing the visibility extends a message, and visibility zero releases it at once")
    func changeVisibility() async throws {
        try await QueueFixture.withQueue { queue, _ in
            try await queue.send(QueueFixture.message("p1", 1))
            let message = try #require(try await queue.receive(maxMessages: 1, wait: .zero, visibilityTimeout: .seconds(2)).first)
            #expect(try await queue.changeVisibility(receiptHandles: [message.receiptHandle], timeout: .seconds(60)).isEmpty)
            try await Task.sleep(for: .milliseconds(2200))
            #expect(try await queue.receive(maxMessages: 1, wait: .zero).isEmpty)
            #expect(try await queue.changeVisibility(receiptHandles: [message.receiptHandle], timeout: .zero).isEmpty)
            #expect(try await queue.receive(maxMessages: 1, wait: .zero).map(\.messageID) == [message.messageID])
        }
    }

    @Test("messages of a group come in send order, and a group waits while one of its messages is in flight")
    func groupOrderAndBlocking() async throws {
        try await QueueFixture.withQueue { queue, _ in
            _ = try await queue.send([
                QueueFixture.message("a", 1), QueueFixture.message("a", 2), QueueFixture.message("b", 1),
                QueueFixture.message("a", 3),
            ])
            let head = try await queue.receive(maxMessages: 1, wait: .zero)
            #expect(head.map(\.deduplicationID) == ["a-1"])
            // a-2 and a-3 wait behind a-1; b flows.
            let others = try await queue.receive(maxMessages: 10, wait: .zero)
            #expect(others.map(\.deduplicationID) == ["b-1"])
            #expect(try await queue.receive(maxMessages: 10, wait: .zero).isEmpty)

            #expect(try await queue.delete(receiptHandles: [head[0].receiptHandle]).isEmpty)
            let rest = try await queue.receive(maxMessages: 10, wait: .zero)
            #expect(rest.map(\.deduplicationID) == ["a-2", "a-3"])
        }
    }

    @Test("after maxReceiveCount receives a message moves to the DLQ on the next attempt, keeping body, group, attributes and times")
    func deadLetterAfterMaxReceiveCount() async throws {
        try await QueueFixture.withQueue(PostgresJobQueue.Options(maxReceiveCount: 2)) { queue, _ in
            try await queue.send(QueueFixture.message("p7", 1, attributes: ["origin": "pelican"]))
            try await queue.send(QueueFixture.message("p7", 2))
            var counts: [Int] = []
            for _ in 0..<2 {
                let got = try await queue.receive(maxMessages: 1, wait: .zero, visibilityTimeout: .zero)
                counts += got.map(\.receiveCount)
            }
            #expect(counts == [1, 2])
            // Third attempt: p7-1 goes to the DLQ, and p7-2 (next in its group) is delivered instead.
            let third = try await queue.receive(maxMessages: 1, wait: .zero)
            #expect(third.map(\.deduplicationID) == ["p7-2"])

            let dead = try await queue.peek(.deadLetters, limit: 10)
            #expect(dead.count == 1)
            let letter = try #require(dead.first)
            #expect(letter.body == QueueFixture.message("p7", 1).body)
            #expect(letter.groupID == "p7")
            #expect(letter.deduplicationID == "p7-1")
            #expect(letter.attributes == ["origin": "pelican"])
            #expect(letter.receiveCount == 2)
            #expect(letter.firstReceivedAt != nil)
            #expect(try #require(letter.lastReceivedAt) >= (letter.firstReceivedAt ?? .distantFuture))
            #expect(letter.deadLetteredAt != nil)
            let stats = try await queue.stats()
            #expect(stats.deadLetters.visible == 1)
            #expect(stats.maxReceiveCount == 2)
        }
    }

    @Test("a worker can dead-letter a poison message at once, with its reason as an attribute")
    func moveToDeadLettersWithReason() async throws {
        try await QueueFixture.withQueue { queue, _ in
            try await queue.send(JobMessage(body: "not json", groupID: "9", deduplicationID: "9", attributes: ["a": "b"]))
            let message = try #require(try await queue.receive(maxMessages: 1, wait: .zero).first)
            try await queue.moveToDeadLetters(message, reason: "not JSON: cannot parse")
            let letter = try #require(try await queue.peek(.deadLetters, limit: 1).first)
            #expect(letter.deadLetterReason == "not JSON: cannot parse")
            #expect(letter.attributes["a"] == "b")
            #expect(letter.messageID == message.messageID)
            await #expect(throws: JobQueueError.staleReceiptHandle(message.receiptHandle)) {
                try await queue.moveToDeadLetters(message, reason: "again")
            }
        }
    }

    @Test("a repeated deduplication id is accepted but not delivered again within the window, even after the first was deleted")
    func deduplication() async throws {
        // Inside the window: a 60 s window, so a slow (loaded) machine cannot step out of it.
        try await QueueFixture.withQueue(PostgresJobQueue.Options(deduplicationWindow: .seconds(60))) { queue, configuration in
            let m = QueueFixture.message("p1", 1)
            #expect(try await queue.send([m, m]).isEmpty)
            let got = try await queue.receive(maxMessages: 10, wait: .zero)
            #expect(got.count == 1)
            #expect(try await queue.delete(receiptHandles: got.map(\.receiptHandle)).isEmpty)
            #expect(try await queue.send([m]).isEmpty)
            #expect(try await queue.receive(maxMessages: 10, wait: .zero).isEmpty)

            // After the window: a queue whose window is short delivers the same id again
            // (waiting longer than the window only makes this more certain).
            let pool = PostgresPool(configuration: configuration, maxConnections: 2, logger: QueueFixture.quiet)
            let short = PostgresJobQueue(
                pool: pool, options: PostgresJobQueue.Options(deduplicationWindow: .milliseconds(300)),
                logger: QueueFixture.quiet)
            let n = QueueFixture.message("p2", 1)
            #expect(try await short.send([n]).isEmpty)
            let first = try await short.receive(maxMessages: 10, wait: .zero)
            #expect(first.count == 1)
            _ = try await short.delete(receiptHandles: first.map(\.receiptHandle))
            try await Task.sleep(for: .milliseconds(600))
            #expect(try await short.send([n]).isEmpty)
            #expect(try await short.receive(maxMessages: 10, wait: .zero).count == 1)
            await short.close()
            await pool.close()
        }
    }

    @Test("a long poll is woken by a send from another connection well before its timeout", .timeLimit(.minutes(10)))
    func longPollWokenByNotify() async throws {
        // Safety poll and wait of an hour: returning at all can only be the NOTIFY (the time limit
        // turns a missed one into a failure), however loaded the machine.
        try await QueueFixture.withQueue(.init(visibilityTimeout: .seconds(30), safetyPollInterval: Self.anHour)) {
            queue, configuration in
            let otherPool = PostgresPool(configuration: configuration, maxConnections: 1, logger: QueueFixture.quiet)
            let sender = PostgresJobQueue(pool: otherPool, logger: QueueFixture.quiet)
            async let received = queue.receive(maxMessages: 10, wait: Self.anHour)
            try await Task.sleep(for: .milliseconds(700))
            try await sender.send(QueueFixture.message("p1", 1))
            let messages = try await received
            await otherPool.close()
            #expect(messages.map(\.deduplicationID) == ["p1-1"])
        }
    }

    @Test(
        "a long poll wakes when another consumer releases a message (visibility zero) and when a visibility timeout runs out",
        .timeLimit(.minutes(10)))
    func longPollWokenByReleaseAndExpiry() async throws {
        // Waits and safety poll of an hour: a poll that returns was woken by the release or the expiry.
        try await QueueFixture.withQueue(.init(visibilityTimeout: .seconds(30), safetyPollInterval: Self.anHour)) { queue, _ in
            try await queue.send(QueueFixture.message("p1", 1))

            let held = try #require(try await queue.receive(maxMessages: 1, wait: .zero).first)
            async let released = queue.receive(maxMessages: 1, wait: Self.anHour)
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await queue.changeVisibility(receiptHandles: [held.receiptHandle], timeout: .zero).isEmpty)
            let afterRelease = try await released
            #expect(afterRelease.map(\.messageID) == [held.messageID])

            // No NOTIFY when a timeout runs out: the poll sleeps until that moment, not the 5 s safety poll.
            _ = try await queue.changeVisibility(receiptHandles: afterRelease.map(\.receiptHandle), timeout: .milliseconds(700))
            let expired = try await queue.receive(maxMessages: 1, wait: Self.anHour)
            #expect(expired.map(\.messageID) == [held.messageID])
            #expect(expired.first?.receiveCount == 3)
        }
    }

    /// Regression: a poll that found no claimable head asked only for messages still hidden,
    /// so a head that was visible but held by a concurrent receive (or that turned visible
    /// between the two queries) left it no wake-up but the 120 s safety poll.
    @Test("a long poll that finds the head held by a concurrent receive looks again when it is let go", .timeLimit(.minutes(10)))
    func longPollRetriesAHeldHead() async throws {
        try await QueueFixture.withQueue(.init(visibilityTimeout: .seconds(30), safetyPollInterval: Self.anHour)) {
            queue, configuration in
            try await queue.send(QueueFixture.message("p1", 1))
            let other = try await PostgresConnection.connect(configuration, logger: QueueFixture.quiet)
            // Another consumer's claim, mid-transaction: the head is locked for a second, then
            // let go unchanged (no NOTIFY: nothing was added or removed).
            let holding = Task {
                try await other.transaction { conn in
                    _ = try conn.query("SELECT id FROM refarch_queue_messages FOR UPDATE")
                    _ = try conn.query("SELECT pg_sleep(1)")
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            // Wait and safety poll of an hour: returning at all is its own recheck.
            let received = try await queue.receive(maxMessages: 1, wait: Self.anHour)
            #expect(received.map(\.body) == [QueueFixture.message("p1", 1).body])
            try await holding.value
            await other.close()
        }
    }

    @Test("an empty long poll returns nothing when its wait is over")
    func longPollTimesOut() async throws {
        try await QueueFixture.withQueue { queue, _ in
            let received = try await queue.receive(maxMessages: 10, wait: .milliseconds(300))
            #expect(received.isEmpty)
        }
    }

    @Test("concurrent consumers never receive the same message and keep each group's order (600 messages, 30 groups)")
    func concurrentConsumers() async throws {
        try await QueueFixture.withQueue { queue, _ in
            let groups = 30
            let perGroup = 20
            var messages: [JobMessage] = []
            for n in 1...perGroup { for g in 1...groups { messages.append(QueueFixture.message("g\(g)", n)) } }
            #expect(try await queue.send(messages).isEmpty)

            let log = ReceiveLog()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for consumer in 0..<4 {
                    group.addTask {
                        var idle = 0
                        while idle < 3 {
                            let got = try await queue.receive(maxMessages: 7, wait: .milliseconds(200))
                            if got.isEmpty {
                                idle += 1
                                continue
                            }
                            idle = 0
                            log.append(got.map { (consumer, $0.messageID, $0.deduplicationID ?? "") })
                            #expect(try await queue.delete(receiptHandles: got.map(\.receiptHandle)).isEmpty)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let entries = log.entries
            #expect(entries.count == groups * perGroup)
            #expect(Set(entries.map(\.id)).count == entries.count, "a message was received twice")
            #expect(Set(entries.map(\.consumer)).count > 1, "only one consumer got work")
            var last: [String: Int] = [:]
            for entry in entries {
                let parts = entry.dedup.split(separator: "-")
                let group = String(parts[0])
                let n = Int(parts[1])!
                #expect(n == (last[group] ?? 0) + 1, "group \(group) out of order")
                last[group] = n
            }
        }
    }

    @Test("a stale receipt handle deletes nothing once another consumer holds the message")
    func staleReceiptHandle() async throws {
        try await QueueFixture.withQueue { queue, _ in
            try await queue.send(QueueFixture.message("p1", 1))
            let slow = try #require(try await queue.receive(maxMessages: 1, wait: .zero, visibilityTimeout: .milliseconds(300)).first)
            try await Task.sleep(for: .milliseconds(400))
            let fast = try #require(try await queue.receive(maxMessages: 1, wait: .zero).first)
            #expect(fast.messageID == slow.messageID)

            let failures = try await queue.delete(receiptHandles: [slow.receiptHandle])
            #expect(failures.map(\.receiptHandle) == [slow.receiptHandle])
            #expect(try await queue.changeVisibility(receiptHandles: [slow.receiptHandle], timeout: .zero).count == 1)
            #expect(try await queue.stats().jobs.inFlight == 1)
            #expect(try await queue.delete(receiptHandles: ["not-a-handle"]).map(\.code) == ["ReceiptHandleIsInvalid"])
            #expect(try await queue.delete(receiptHandles: [fast.receiptHandle]).isEmpty)
            #expect(try await queue.stats().jobs.total == 0)
        }
    }

    @Test("stats count visible, in-flight and dead messages in one query, with the oldest age")
    func stats() async throws {
        try await QueueFixture.withQueue { queue, _ in
            let empty = try await queue.stats()
            #expect(empty.jobs == QueueDepth(name: "jobs", visible: 0, inFlight: 0, delayed: 0, oldestAge: nil))
            #expect(empty.deadLetters.name == "jobs-dlq")
            _ = try await queue.send([QueueFixture.message("a", 1), QueueFixture.message("b", 1), QueueFixture.message("c", 1)])
            let got = try await queue.receive(maxMessages: 2, wait: .zero)
            try await queue.moveToDeadLetters(got[0], reason: "test")
            let stats = try await queue.stats()
            #expect(stats.jobs.visible == 1)
            #expect(stats.jobs.inFlight == 1)
            #expect(stats.jobs.delayed == 0)
            #expect(stats.jobs.oldestAge != nil)
            #expect(stats.deadLetters.visible == 1)
            #expect(stats.deadLetters.oldestAge != nil)
        }
    }

    @Test("dead letters: peek does not consume, redrive selected and all keep group and dedup id, delete and purge")
    func deadLetterOperations() async throws {
        try await QueueFixture.withQueue { queue, _ in
            _ = try await queue.send((1...4).map { QueueFixture.message("p\($0)", 1) })
            for message in try await queue.receive(maxMessages: 10, wait: .zero) {
                try await queue.moveToDeadLetters(message, reason: "poison \(message.groupID)")
            }
            let peeked = try await queue.peek(.deadLetters, limit: 10)
            #expect(peeked.count == 4)
            #expect(try await queue.peek(.deadLetters, limit: 10) == peeked)
            #expect(try await queue.peek(.deadLetters, limit: 2).count == 2)

            let redriven = try await queue.redriveDeadLetters(messageIDs: [peeked[0].messageID, "999999"])
            #expect(redriven == RedriveSummary(moved: 1, failed: 0, notFound: 1, method: "transaction"))
            // Back in the jobs queue despite the dedup id being seen a moment ago: a redrive is a move.
            let back = try await queue.receive(maxMessages: 10, wait: .zero)
            #expect(back.map(\.groupID) == ["p1"])
            #expect(back.first?.deduplicationID == "p1-1")
            #expect(back.first?.body == peeked[0].body)
            #expect(back.first?.receiveCount == 1)
            #expect(try await queue.delete(receiptHandles: back.map(\.receiptHandle)).isEmpty)

            #expect(try await queue.deleteDeadLetters(messageIDs: [peeked[1].messageID]) == 1)
            #expect(try await queue.peek(.deadLetters, limit: 10).map(\.messageID) == [peeked[2].messageID, peeked[3].messageID])

            let all = try await queue.redriveDeadLetters(messageIDs: nil)
            #expect(all.moved == 2)
            #expect(try await queue.stats().jobs.visible == 2)
            for message in try await queue.receive(maxMessages: 10, wait: .zero) {
                try await queue.moveToDeadLetters(message, reason: "again")
            }
            #expect(try await queue.purge(.deadLetters) == 2)
            #expect(try await queue.stats().deadLetters.visible == 0)
            _ = try await queue.send([QueueFixture.message("z", 1)])
            #expect(try await queue.purge(.jobs) == 1)
        }
    }

    @Test("the queue refuses what SQS refuses: NUL characters, empty ids, messages over the size limit")
    func refusedEntries() async throws {
        try await QueueFixture.withQueue(PostgresJobQueue.Options(maxMessageBytes: 100)) { queue, _ in
            let failures = try await queue.send([
                JobMessage(body: "ok", groupID: "g", deduplicationID: "1"),
                JobMessage(body: "nul\u{0}", groupID: "g", deduplicationID: "2"),
                JobMessage(body: "x", groupID: "", deduplicationID: "3"),
                JobMessage(body: String(repeating: "x", count: 200), groupID: "g", deduplicationID: "4"),
            ])
            #expect(failures.map(\.index) == [1, 2, 3])
            #expect(failures.map(\.code) == ["InvalidMessageContents", "MissingParameter", "MessageTooLong"])
            #expect(try await queue.receive(maxMessages: 10, wait: .zero).map(\.body) == ["ok"])
        }
    }
}

/// What concurrent consumers received, in the order they recorded it.
final class ReceiveLog: Sendable {
    private let storage = Mutex<[(consumer: Int, id: String, dedup: String)]>([])
    func append(_ items: [(consumer: Int, id: String, dedup: String)]) { storage.withLock { $0 += items } }
    var entries: [(consumer: Int, id: String, dedup: String)] { storage.withLock { $0 } }
}

@Suite("Schema version with the queue migration", .enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct QueueMigrationTests {
    @Test("a database migrated past 5 by a build without the queue tables must run db migrate, which adds them")
    func missingQueueMigration() async throws {
        try await TestDatabase.withSchema { configuration in
            let connection = try await PostgresConnection.connect(configuration, logger: QueueFixture.quiet)
            _ = try await SchemaMigrator.migrate(connection, logger: QueueFixture.quiet)
            try await connection.executeScript(
                """
                DELETE FROM refarch_schema_migrations WHERE version = 5;
                DROP TABLE refarch_queue_messages, refarch_queue_dedup, refarch_queue_dead_letters;
                """, operation: "simulate a database migrated without the queue tables")
            #expect(try await SchemaMigrator.currentVersion(connection) == 4)
            await #expect(throws: PostgresError.schemaNotMigrated(current: 4, required: SchemaMigrator.requiredVersion)) {
                try await SchemaMigrator.requireCurrent(connection)
            }
            let report = try await SchemaMigrator.migrate(connection, logger: QueueFixture.quiet)
            #expect(report.appliedVersions == [5])
            try await SchemaMigrator.requireCurrent(connection)
            #expect(try await SchemaMigrator.currentVersion(connection) == SchemaMigrator.requiredVersion)
            await connection.close()
        }
    }
}
