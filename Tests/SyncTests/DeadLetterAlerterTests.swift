import Foundation
import Logging
import Synchronization
import Testing

@testable import Sync

/// Records what would have gone to SNS; can be told to fail.
final class RecordingPublisher: AlertPublisher {
    private let state = Mutex<(published: [(subject: String, message: String)], failing: Bool)>(([], false))

    func publish(subject: String, message: String) async throws {
        try Task.checkCancellation()  // as an HTTP request would
        try state.withLock { state in
            if state.failing { throw CancellationError() }
            state.published.append((subject, message))
        }
    }

    var published: [(subject: String, message: String)] { state.withLock { $0.published } }
    func fail(_ failing: Bool) { state.withLock { $0.failing = failing } }
}

/// A sleep that ends only when the test says so.
final class Gate: Sendable {
    private let waiters = Mutex<[CheckedContinuation<Void, Never>]>([])
    func wait() async { await withCheckedContinuation { c in waiters.withLock { $0.append(c) } } }
    func open() {
        waiters.withLock { w in
            w.forEach { $0.resume() }; w.removeAll()
        }
    }
    var waiting: Int { waiters.withLock { $0.count } }
}

@Suite("Dead-letter alerts")
struct DeadLetterAlerterTests {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Polls `condition` (the alerter publishes from a task of its own).
    func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition()
    }

    @Test("the first batch is published at once; batches within the minute go out together when it is over")
    func oneAlertAMinute() async throws {
        let publisher = RecordingPublisher(), gate = Gate()
        let alerter = DeadLetterAlerter(publisher: publisher, sleep: { _ in await gate.wait() }, logger: Self.quiet)
        await alerter.deadLettered(queue: "jobs-dlq.fifo", reasons: ["not JSON"])
        #expect(await eventually { publisher.published.count == 1 })
        #expect(publisher.published.first?.subject == "refarch-tui: 1 message dead-lettered in jobs-dlq.fifo")

        await alerter.deadLettered(queue: "jobs-dlq.fifo", reasons: ["unknown message version 9"])
        await alerter.deadLettered(queue: "jobs-dlq.fifo", reasons: ["unknown message version 9", "not JSON"])
        #expect(await eventually { gate.waiting == 1 }, "the second alert waits for the minute to pass")
        #expect(publisher.published.count == 1)
        gate.open()
        #expect(await eventually { publisher.published.count == 2 })
        let second = try #require(publisher.published.last)
        #expect(second.subject == "refarch-tui: 3 messages dead-lettered in jobs-dlq.fifo")
        #expect(second.message.hasPrefix("3 messages in 2 batches could not be processed and went to jobs-dlq.fifo."))
        #expect(second.message.contains("  2 × unknown message version 9\n  1 × not JSON"))
    }

    @Test("a failed publish keeps its counts for the next; finish sends what is gathered at once")
    func failuresAndFinish() async throws {
        let publisher = RecordingPublisher(), gate = Gate()
        let alerter = DeadLetterAlerter(publisher: publisher, sleep: { _ in await gate.wait() }, logger: Self.quiet)
        publisher.fail(true)
        await alerter.deadLettered(queue: "dlq", reasons: ["a", "b"])
        #expect(await eventually { gate.waiting == 1 }, "after the failure a retry waits for the minute")
        publisher.fail(false)
        await alerter.deadLettered(queue: "dlq", reasons: ["c"])
        await alerter.finish()
        #expect(publisher.published.count == 1)
        #expect(publisher.published.first?.subject == "refarch-tui: 3 messages dead-lettered in dlq")
        gate.open()
    }

    @Test("a worker that is shutting down (its task cancelled) still sends what was gathered")
    func finishFromACancelledTask() async throws {
        let publisher = RecordingPublisher(), gate = Gate()
        let alerter = DeadLetterAlerter(publisher: publisher, sleep: { _ in await gate.wait() }, logger: Self.quiet)
        await alerter.deadLettered(queue: "dlq", reasons: ["a"])
        #expect(await eventually { publisher.published.count == 1 })
        await alerter.deadLettered(queue: "dlq", reasons: ["b", "c"])
        let stopping = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await alerter.finish()
        }
        await stopping.value
        #expect(publisher.published.count == 2)
        #expect(publisher.published.last?.subject == "refarch-tui: 2 messages dead-lettered in dlq")
        gate.open()
    }
}
