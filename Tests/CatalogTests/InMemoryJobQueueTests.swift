import Catalog
import Foundation
import TestSupport
import Testing

/// The fake must keep the rules the real queues keep, or unit tests of the workers prove nothing.
@Suite("InMemoryJobQueue keeps the FIFO queue rules")
struct InMemoryJobQueueTests {
    static func message(_ group: String, _ n: Int) -> JobMessage {
        JobMessage(body: "\(group)-\(n)", groupID: group, deduplicationID: "\(group)-\(n)")
    }

    @Test("visibility timeout, redelivery with a new handle, and the stale handle deletes nothing")
    func visibility() async throws {
        let clock = ManualClock()
        let queue = InMemoryJobQueue(visibilityTimeout: .seconds(30), clock: clock)
        try await queue.send(Self.message("a", 1))
        let first = try #require(try await queue.receive(maxMessages: 10, wait: .zero).first)
        #expect(try await queue.receive(maxMessages: 10, wait: .zero).isEmpty)
        clock.advance(by: .seconds(31))
        let second = try #require(try await queue.receive(maxMessages: 10, wait: .zero).first)
        #expect(second.messageID == first.messageID)
        #expect(second.receiveCount == 2)
        #expect(try await queue.delete(receiptHandles: [first.receiptHandle]).count == 1)
        #expect(try await queue.delete(receiptHandles: [second.receiptHandle]).isEmpty)
    }

    @Test("group order, group blocking, DLQ after maxReceiveCount, dedup, redrive")
    func fifoRules() async throws {
        let clock = ManualClock()
        let queue = InMemoryJobQueue(maxReceiveCount: 2, clock: clock)
        _ = try await queue.send([Self.message("a", 1), Self.message("a", 2), Self.message("b", 1), Self.message("a", 1)])
        #expect(try await queue.stats().jobs.visible == 3)
        let head = try await queue.receive(maxMessages: 1, wait: .zero)
        #expect(head.map(\.body) == ["a-1"])
        #expect(try await queue.receive(maxMessages: 10, wait: .zero).map(\.body) == ["b-1"])

        _ = try await queue.changeVisibility(receiptHandles: head.map(\.receiptHandle), timeout: .zero)
        #expect(try await queue.receive(maxMessages: 1, wait: .zero, visibilityTimeout: .zero).first?.receiveCount == 2)
        // The third attempt dead-letters a-1 and delivers a-2.
        #expect(try await queue.receive(maxMessages: 1, wait: .zero).map(\.body) == ["a-2"])
        let dead = try await queue.peek(.deadLetters, limit: 10)
        #expect(dead.map(\.body) == ["a-1"])
        #expect(try await queue.redriveDeadLetters(messageIDs: nil).moved == 1)
        #expect(try await queue.stats().deadLetters.visible == 0)
    }

    @Test(
        "a long poll is woken by a send and otherwise returns nothing when its wait is over",
        .timeLimit(.minutes(10)))
    func longPoll() async throws {
        let queue = InMemoryJobQueue()
        // The poll would wait a day: once it sleeps, only the send can end it. A child task, so
        // the time limit's cancellation reaches it: a missed wake-up fails instead of hanging.
        async let polled = queue.receive(maxMessages: 10, wait: .seconds(86_400))
        while queue.sleepingPolls == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try await queue.send(Self.message("a", 1))
        #expect(try await polled.map(\.body) == ["a-1"])
        #expect(queue.sleepingPolls == 0)
        #expect(try await queue.receive(maxMessages: 10, wait: .milliseconds(20)).isEmpty)
    }
}
