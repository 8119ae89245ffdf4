import Catalog
import Foundation
import Postgres
import Queues
import TestSupport
import Testing

/// `refarch-tui queue …` without SQS_QUEUE_URL acts on the embedded Postgres queue (the built binary).
@Suite("queue commands on the embedded Postgres queue", .enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct EmbeddedQueueCLITests {
    struct Stats: Decodable {
        struct Depth: Decodable {
            var name: String
            var url: String
            var visible: Int
            var inFlight: Int
            var delayed: Int
            var isFIFO: Bool
            var maxReceiveCount: Int?
        }
        var queue: Depth
        var deadLetterQueue: Depth?
    }

    struct Peeked: Decodable, Equatable {
        var messageId: String
        var body: String
        var messageGroupId: String?
        var deduplicationId: String?
        var receiveCount: Int
        var messageAttributes: [String: String]
    }

    struct Redrive: Decodable {
        struct Result: Decodable {
            var method: String
            var moved: Int
            var failed: Int
            var notFound: Int
        }
        var from: String
        var to: String
        var result: Result
    }

    /// DATABASE_URL for the binary, with the test's schema first on its search_path.
    static func environment(_ configuration: PostgresConfiguration) throws -> [String: String] {
        let base = try #require(configuration.url)
        let separator = base.contains("?") ? "&" : "?"
        return ["DATABASE_URL": base + separator + "options=-csearch_path%3D" + configuration.searchPath[0]]
    }

    @Test("stats, peek --dlq, redrive (selected and all) and purge --dlq --yes")
    func commands() async throws {
        try await QueueFixture.withQueue { queue, configuration in
            _ = try await queue.send((1...5).map { QueueFixture.message("p\($0)", 1, attributes: ["origin": "test"]) })
            for message in try await queue.receive(maxMessages: 3, wait: .zero) {
                try await queue.moveToDeadLetters(message, reason: "wrong shape: test \(message.groupID)")
            }
            let environment = try Self.environment(configuration)

            let stats = try await CLIRunner.run(["queue", "stats", "--json"], environment: environment)
            #expect(stats.status == 0, "\(stats.stderr)")
            let decoded = try JSONDecoder().decode(Stats.self, from: Data(stats.stdout.utf8))
            #expect(decoded.queue.name == "jobs")
            #expect(decoded.queue.url.hasPrefix("postgres://127.0.0.1:"))
            #expect(decoded.queue.url.hasSuffix("#jobs"))
            #expect(decoded.deadLetterQueue?.url.hasSuffix("#jobs-dlq") == true)
            #expect(decoded.queue.visible == 2)
            #expect(decoded.queue.inFlight == 0)
            #expect(decoded.queue.isFIFO)
            #expect(decoded.queue.maxReceiveCount == 5)
            #expect(decoded.deadLetterQueue?.name == "jobs-dlq")
            #expect(decoded.deadLetterQueue?.visible == 3)
            let text = try await CLIRunner.run(["queue", "stats"], environment: environment)
            #expect(text.status == 0)
            #expect(text.stdout.contains("VISIBLE"))
            #expect(text.stdout.contains("jobs-dlq"))

            let peek = try await CLIRunner.run(["queue", "peek", "--dlq", "-n", "10", "--json"], environment: environment)
            #expect(peek.status == 0, "\(peek.stderr)")
            let letters = try JSONDecoder().decode([Peeked].self, from: Data(peek.stdout.utf8))
            #expect(letters.map(\.messageGroupId) == ["p1", "p2", "p3"])
            #expect(letters.allSatisfy { $0.messageAttributes["origin"] == "test" })
            #expect(letters.first?.messageAttributes[JobQueueAttribute.deadLetterReason] == "wrong shape: test p1")
            #expect(letters.first?.deduplicationId == "p1-1")
            #expect(letters.first?.receiveCount == 1)
            // Peeking the embedded queue reads; it neither hides nor counts.
            let again = try await CLIRunner.run(["queue", "peek", "--dlq", "-n", "10", "--json", "--read-only"], environment: environment)
            #expect(try JSONDecoder().decode([Peeked].self, from: Data(again.stdout.utf8)) == letters)
            let peekText = try await CLIRunner.run(["queue", "peek", "--dlq", "-n", "1"], environment: environment)
            #expect(peekText.stdout.contains("group p1"))
            #expect(peekText.stdout.contains("DeadLetterReason: wrong shape: test p1"))

            let readOnly = try await CLIRunner.run(["queue", "redrive", "--read-only"], environment: environment)
            #expect(readOnly.status == 3)
            let moveTask = try await CLIRunner.run(["queue", "redrive", "--method", "move-task"], environment: environment)
            #expect(moveTask.status == 1)
            #expect(moveTask.stderr.contains("hint: Leave out --method"))

            let selected = try await CLIRunner.run(["queue", "redrive", "--id", letters[1].messageId, "--json"], environment: environment)
            #expect(selected.status == 0, "\(selected.stderr)")
            let one = try JSONDecoder().decode(Redrive.self, from: Data(selected.stdout.utf8))
            #expect(one.result.method == "transaction")
            #expect(one.result.moved == 1)
            #expect(one.from == "jobs-dlq")
            #expect(one.to == "jobs")
            #expect(try await queue.peek(.deadLetters, limit: 10).map(\.messageID) == [letters[0].messageId, letters[2].messageId])

            let rest = try await CLIRunner.run(["queue", "redrive"], environment: environment)
            #expect(rest.status == 0, "\(rest.stderr)")
            #expect(rest.stdout.contains("Moved 2 messages from jobs-dlq to jobs in one transaction."))
            let after = try await queue.stats()
            #expect(after.jobs.visible == 5)
            #expect(after.deadLetters.visible == 0)

            for message in try await queue.receive(maxMessages: 2, wait: .zero) {
                try await queue.moveToDeadLetters(message, reason: "again")
            }
            let noYes = try await CLIRunner.run(["queue", "purge", "--dlq"], environment: environment)
            #expect(noYes.status == 3)
            #expect(noYes.stderr.contains("Refusing to purge jobs-dlq without --yes."))
            let purge = try await CLIRunner.run(["queue", "purge", "--dlq", "--yes"], environment: environment)
            #expect(purge.status == 0, "\(purge.stderr)")
            #expect(purge.stdout.contains("Purged jobs-dlq: 2 messages deleted."))
            #expect(try await queue.stats().deadLetters.visible == 0)
            #expect(try await queue.stats().jobs.total == 3)
        }
    }

    @Test("an unmigrated database says to run db migrate; no queue and no database say how to set either")
    func configurationErrors() async throws {
        try await TestDatabase.withSchema { configuration in
            let result = try await CLIRunner.run(["queue", "stats"], environment: try Self.environment(configuration))
            #expect(result.status == 1)
            #expect(result.stderr.contains("Run `refarch-tui db migrate`."))
        }
        let none = try await CLIRunner.run(["queue", "stats"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("SQS_QUEUE_URL is not set"))
        #expect(none.stderr.contains("DATABASE_URL"))
    }
}
