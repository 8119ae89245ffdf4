import AWS
import Catalog
import Foundation
import Logging
import Queues
import TestSupport
import Testing

/// `refarch-tui trace` (issue 20 §5): the command's output, exit codes and read-only use; the
/// stages on both backends are tested in SyncTests (TraceTests).
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct TraceCommandTests {
    struct Trace: Decodable {
        struct Stage: Decodable {
            let stage: String
            let status: String
        }
        let product_id: Int
        let first_pending: String?
        let complete: Bool
        let stages: [Stage]
    }

    @Test func tracesInReadOnlyModeAndReportsUnknownAndDeletedProducts() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            #expect(try await cli.run(["products", "add", "--name", "Copper kettle", "--sku", "TR-1", "--price", "5"]).status == 0)

            // Read-only mode: trace reads only, so it runs.
            let text = try await cli.run(["trace", "1"], environment: ["REFARCH_READ_ONLY": "1"])
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("product 1  TR-1  Copper kettle"))
            #expect(text.stdout.contains("> outbox   wait  waiting in the outbox since "))
            #expect(text.stdout.contains("next (wait): Pelican sends it within seconds"))
            for line in text.stdout.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }

            let json = try await cli.run(["trace", "--sku", "tr-1", "--json"])
            #expect(json.status == 0, "\(json.stderr)")
            let trace = try JSONDecoder().decode(Trace.self, from: Data(json.stdout.utf8))
            #expect(trace.product_id == 1 && trace.first_pending == "outbox" && !trace.complete)
            #expect(trace.stages.map(\.stage) == ["change", "outbox", "pelican", "queue", "index", "search"])
            #expect(trace.stages.map(\.status) == ["done", "waiting", "waiting", "waiting", "waiting", "skipped"])

            let unknown = try await cli.run(["trace", "999"])
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("error: There is no product with id 999, and none was deleted."))
            #expect(unknown.stderr.contains("hint: "))
            let unknownSKU = try await cli.run(["trace", "--sku", "NOPE-1"])
            #expect(unknownSKU.status == 1)
            #expect(unknownSKU.stderr.contains("error: There is no product with SKU \"NOPE-1\"."))

            #expect(try await cli.run(["products", "delete", "1"]).status == 0)
            let deleted = try await cli.run(["trace", "1"])
            #expect(deleted.status == 1)
            #expect(deleted.stderr.contains("error: Product 1 was deleted (change "))
            #expect(deleted.stderr.contains("hint: Its vectors are gone from the index too"))

            #expect(try await cli.run(["trace"]).status == 64)
            #expect(try await cli.run(["trace", "1", "--sku", "TR-1"]).status == 64)
        }
    }

    /// On SQS, through the real pelican: the trace finds the product's dead letter by its
    /// message group, names the message to redrive, and leaves it in the DLQ, visible.
    @Test(.enabled(if: TestEnvironment.hasAWSEmulator, "needs the AWS emulator: run `make test`"))
    func findsADeadLetterOnSQSWithoutConsumingIt() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            let endpoint = try AWSEmulator.endpoint()
            let quiet = Logger(label: "trace.test") { _ in SwiftLogNoOpLogHandler() }
            let sqs = SQSClient(configuration: AWSEmulator.configuration(endpoint: endpoint, logger: quiet))
            let (url, _) = try await AWSEmulator.fifoQueueWithDeadLetters(sqs, prefix: "trace", maxReceiveCount: 5)
            let queue = try await SQSJobQueue.open(sqs: sqs, queueURL: url)
            let environment = [
                "SQS_QUEUE_URL": url, "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": AWSEmulator.credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": AWSEmulator.credentials.secretAccessKey,
            ]
            #expect(try await cli.run(["products", "add", "--name", "Copper kettle", "--sku", "TR-1", "--price", "5"]).status == 0)

            let pelican = try RunningCLI(["worker", "pelican"], environment: environment.merging(["DATABASE_URL": cli.url]) { a, _ in a })
            struct Status: Decodable { let outbox_rows: Int }
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                let status = try await cli.run(["sync", "status", "--json"])
                if (try? JSONDecoder().decode(Status.self, from: Data(status.stdout.utf8)))?.outbox_rows == 0 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            pelican.signal(SIGTERM)
            #expect(await pelican.waitForExit(timeout: .seconds(30)) == 0)
            let job = try #require(try await queue.receive(maxMessages: 10, wait: .seconds(2)).first { $0.groupID == "1" })
            try await queue.moveToDeadLetters(job, reason: "poison for the trace")

            let traced = try await cli.run(["trace", "1", "--read-only"], environment: environment)
            #expect(traced.status == 0, "\(traced.stderr)")
            #expect(traced.stdout.contains("queue: SQS \(queue.name)"), "\(traced.stdout)")
            #expect(traced.stdout.contains("  pelican  done  sent seq "), "\(traced.stdout)")
            #expect(traced.stdout.contains("> queue    FAIL  dead-lettered in \(queue.deadLetterName)"), "\(traced.stdout)")
            #expect(traced.stdout.contains(": poison for the"), "\(traced.stdout)")
            #expect(traced.stdout.contains("run: refarch-tui queue redrive --id "), "\(traced.stdout)")
            let dead = try await queue.stats().deadLetters
            #expect(dead.visible == 1 && dead.inFlight == 0, "\(dead)")
        }
    }
}
