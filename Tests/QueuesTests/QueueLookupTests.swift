import Catalog
import Foundation
import TestSupport
import Testing

/// `JobQueue.lookUp(groupID:deadLetterLimit:)` on SQS (the trace's look at the DLQ): it finds
/// one product's dead letters among many and leaves every message where it was, visible.
@Suite(.enabled(if: TestEnvironment.hasAWSEmulator, "needs the AWS emulator: run `make test`"))
struct SQSQueueLookupTests {
    @Test func findsTheGroupsDeadLettersAndReleasesEveryMessage() async throws {
        let queue = try await SQSFixture.queue()
        // 25 dead letters of 25 groups: more than one receive's worth.
        let groups = (0..<25).map { "g\($0)" }
        #expect(try await queue.send(groups.enumerated().map { QueueFixture.message($0.element, $0.offset) }).isEmpty)
        var moved = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while moved < groups.count && ContinuousClock.now < deadline {
            for job in try await queue.receive(maxMessages: 10, wait: .seconds(1), visibilityTimeout: .seconds(60)) {
                try await queue.moveToDeadLetters(job, reason: "poison \(job.groupID)")
                moved += 1
            }
        }
        #expect(moved == groups.count)
        // One message of g7 in the jobs queue: the look must not receive it.
        #expect(try await queue.send([QueueFixture.message("g7", 100)]).isEmpty)

        let found = try await queue.lookUp(groupID: "g7", deadLetterLimit: 1000)
        #expect(!found.searchedJobs)
        #expect(found.messages.count == 1)
        #expect(found.messages.first?.place == .deadLettered)
        #expect(found.messages.first?.message.groupID == "g7")
        #expect(found.messages.first?.message.deadLetterReason == "poison g7")
        #expect(found.deadLettersScanned == groups.count && found.deadLettersComplete)
        #expect(found.maxReceiveCount == 3)

        // Every dead letter is visible again at once, and a look that stops at its limit says so.
        let stats = try await queue.stats()
        #expect(stats.deadLetters.visible == groups.count && stats.deadLetters.inFlight == 0, "\(stats.deadLetters)")
        let partial = try await queue.lookUp(groupID: "g7", deadLetterLimit: 5)
        #expect(partial.deadLettersScanned == 5 && !partial.deadLettersComplete)
        #expect(try await queue.stats().deadLetters.inFlight == 0)
        #expect(try await queue.lookUp(groupID: "nobody", deadLetterLimit: 1000).messages.isEmpty)

        // The jobs queue was never received from.
        let job = try #require(try await queue.receive(maxMessages: 10, wait: .seconds(1)).first { $0.groupID == "g7" })
        #expect(job.receiveCount == 1)
    }
}
