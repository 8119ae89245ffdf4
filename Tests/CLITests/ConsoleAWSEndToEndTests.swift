import AWS
import Foundation
import TestSupport
import Testing

/// The real console in tmux against the AWS emulator: scaling a service from the services
/// view reaches the emulator's ECS, and in read-only mode no action key of any view (services,
/// alerts, index, queues, dead letters, products, workers) changes the emulator or Postgres.
@Suite(
    .enabled(if: TestEnvironment.hasAWSEmulator, "needs the AWS emulator: run `make test`"),
    .enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"),
    .enabled(if: TmuxSession.isAvailable || TestEnvironment.underMakeTest, "needs tmux: run `make test`"))
struct ConsoleAWSEndToEndTests {
    /// What an action would change on the emulator's side of a service.
    struct ServiceFacts: Equatable {
        var desired: Int?
        var taskDefinition: String?
        var deployments: [ECSDeployment]
    }

    static func facts(_ ecs: ECSClient, cluster: String, service: String) async throws -> ServiceFacts {
        let described = try #require(try await ecs.describeServices(cluster: cluster, services: [service]).items.first)
        return ServiceFacts(
            desired: described.desiredCount, taskDefinition: described.taskDefinition, deployments: described.deployments ?? [])
    }

    /// A migrated schema, a cluster with emu and pelican, and the console on `:svc` showing them.
    static func withServicesView(
        readOnly: Bool, _ body: (TmuxSession, ECSClient, _ cluster: String, _ family: String) async throws -> Void
    ) async throws {
        let ecs = ECSClient(configuration: try AWSEmulator.configuration())
        let (cluster, family) = try await EmulatorECS.makeCluster(ecs)
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            var environment = try AWSEmulator.binaryEnvironment()
            environment["ECS_CLUSTER"] = cluster
            if readOnly { environment["REFARCH_READ_ONLY"] = "1" }
            try await TmuxSession.withConsole(cli, environment: environment) { tmux in
                try await tmux.type(":svc")
                try await tmux.keys("Enter")
                let (ok, screen) = try await tmux.wait(for: .seconds(120)) { $0.contains(cluster) && $0.contains("pelican") }
                #expect(ok, "the services view lists the cluster's services:\n\(screen)")
                try await body(tmux, ecs, cluster, family)
            }
        }
    }

    /// The screen's words in order, borders dropped: a dialog's message may wrap anywhere.
    static func words(_ screen: String) -> String {
        screen.replacingOccurrences(of: "│", with: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Quits with `q` and expects exit status 0.
    static func quit(_ tmux: TmuxSession) async throws {
        try await tmux.keys("q")
        let (_, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("CONSOLE-EXIT=") }
        #expect(screen.contains("CONSOLE-EXIT=0"), "exit status 0:\n\(screen)")
    }

    @Test("scale emu to 3 in the services view: the emulator then reports desired count 3, pelican untouched")
    func scaleFromTheConsole() async throws {
        try await Self.withServicesView(readOnly: false) { tmux, ecs, cluster, _ in
            // Services are sorted by name: emu is the first row, selected on arrival.
            try await tmux.keys("s")
            var (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("Scale emu") }
            #expect(ok, "the scale form asks for N:\n\(screen)")
            try await tmux.type("3")
            try await tmux.keys("Enter")
            (ok, screen) = try await tmux.wait(for: .seconds(60)) { Self.words($0).contains("to 3 tasks") }
            #expect(ok, "the confirmation names the count:\n\(screen)")
            try await tmux.keys("y")

            let deadline = ContinuousClock.now + .seconds(300)
            var desired = try await EmulatorECS.desiredCount(ecs, cluster: cluster, service: "emu")
            while desired != 3, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(250))
                desired = try await EmulatorECS.desiredCount(ecs, cluster: cluster, service: "emu")
            }
            screen = try await tmux.screen
            #expect(desired == 3, "the emulator reports emu's desired count 3:\n\(screen)")
            #expect(try await EmulatorECS.desiredCount(ecs, cluster: cluster, service: "pelican") == 1)
            try await Self.quit(tmux)
        }
    }

    @Test("read-only: s, F and B in the services view are refused and the emulator's services are unchanged")
    func readOnlyServicesActionsChangeNothing() async throws {
        try await Self.withServicesView(readOnly: true) { tmux, ecs, cluster, family in
            // emu on revision 2, so rolling back would have somewhere to go.
            try await EmulatorECS.registerRevision(ecs, family: family)
            _ = try await ecs.updateService(cluster: cluster, service: "emu", taskDefinition: "\(family):2")
            let before = try await Self.facts(ecs, cluster: cluster, service: "emu")
            #expect(before.taskDefinition?.hasSuffix("\(family):2") == true, "emu runs revision 2: \(before)")

            var (ok, screen) = try await tmux.wait(for: .seconds(30)) { $0.contains("READ-ONLY") }
            #expect(ok, "the status bar says read-only:\n\(screen)")
            try await tmux.keys("s")
            (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("Read-only mode") || $0.contains("Scale emu") }
            #expect(ok && !screen.contains("Scale emu"), "s is refused, no scale form:\n\(screen)")
            if screen.contains("Scale emu") {
                // A form appeared after all: answer it as a user would, so the check below can fail.
                try await tmux.type("3")
                try await tmux.keys("Enter")
                try await tmux.keys("y")
            }
            try await tmux.keys("F")
            try await tmux.keys("y")
            try await tmux.keys("B")
            try await tmux.keys("y")
            // Keys are handled in order: once help is up, F, B and their answers have been.
            try await tmux.keys("?")
            (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("Quit") }
            #expect(ok, "help opens after the refused actions:\n\(screen)")
            try await tmux.keys("Escape")

            let after = try await Self.facts(ecs, cluster: cluster, service: "emu")
            #expect(after == before, "emu is unchanged on the emulator")
            #expect(try await Self.facts(ecs, cluster: cluster, service: "pelican").desired == 1)
            try await Self.quit(tmux)
        }
    }

    @Test("read-only: a and d in the alerts view are refused and the topic keeps its one subscription")
    func readOnlyAlertsActionsChangeNothing() async throws {
        let sns = SNSClient(configuration: try AWSEmulator.configuration())
        let topic = try #require(
            try await sns.client.query("CreateTopic", [("Name", AWSEmulator.unique("alerts"))]).first(named: "TopicArn")?.text)
        _ = try await sns.subscribe(topicARN: topic, protocolName: "email", endpoint: "ops@example.com")
        let before = try await sns.listSubscriptions(topicARN: topic).map(\.subscriptionARN).sorted()
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            var environment = try AWSEmulator.binaryEnvironment()
            environment["SNS_TOPIC_ARN"] = topic
            environment["REFARCH_READ_ONLY"] = "1"
            try await TmuxSession.withConsole(cli, environment: environment) { tmux in
                try await tmux.type(":alerts")
                try await tmux.keys("Enter")
                var (ok, screen) = try await tmux.wait(for: .seconds(120)) { $0.contains("ops@example.com") }
                #expect(ok, "the alerts view lists the subscription:\n\(screen)")
                #expect(screen.contains("READ-ONLY"), "the status bar says read-only:\n\(screen)")
                try await tmux.keys("a")
                (ok, screen) = try await tmux.wait(for: .seconds(60)) {
                    $0.contains("Read-only mode") || $0.contains("Subscribe to dead-letter alerts")
                }
                #expect(ok && !screen.contains("Subscribe to dead-letter alerts"), "a is refused, no form:\n\(screen)")
                if screen.contains("Subscribe to dead-letter alerts") {
                    // A form appeared after all: answer it as a user would, so the check below can fail.
                    try await tmux.type("extra@example.com")
                    try await tmux.keys("Enter")
                    try await tmux.keys("y")
                }
                try await tmux.keys("d")
                try await tmux.keys("y")
                // Keys are handled in order: once help is up, d and its answer have been.
                try await tmux.keys("?")
                (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("Quit") }
                #expect(ok, "help opens after the refused actions:\n\(screen)")
                try await tmux.keys("Escape")
                #expect(try await sns.listSubscriptions(topicARN: topic).map(\.subscriptionARN).sorted() == before)
                try await Self.quit(tmux)
            }
        }
    }

    /// The outbox's row count as `db status --json` reports it.
    static func outboxRows(_ cli: CLISession) async throws -> Int? {
        struct Status: Decodable {
            struct Reading: Decodable { struct Backlog: Decodable { var rows: Int }; var value: Backlog? }
            var outbox: Reading
        }
        let result = try await cli.run(["db", "status", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode(Status.self, from: Data(result.stdout.utf8)).outbox.value?.rows
    }

    @Test("read-only: R and X in the index view are refused and nothing is enqueued in the outbox")
    func readOnlyIndexActionsEnqueueNothing() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            #expect(try await cli.run(["db", "seed", "--count", "5", "--seed", "1"]).status == 0)
            let before = try #require(try await Self.outboxRows(cli))
            try await TmuxSession.withConsole(cli, environment: ["REFARCH_READ_ONLY": "1"]) { tmux in
                try await tmux.type(":index")
                try await tmux.keys("Enter")
                var (ok, screen) = try await tmux.wait(for: .seconds(120)) { $0.contains("Last verify") }
                #expect(ok, "the index view opens:\n\(screen)")
                #expect(screen.contains("READ-ONLY"), "the status bar says read-only:\n\(screen)")
                try await tmux.keys("R")
                try await tmux.keys("y")
                try await tmux.keys("X")
                try await tmux.keys("y")
                // Keys are handled in order: once help is up, R, X and their answers have been.
                try await tmux.keys("?")
                (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("Quit") }
                #expect(ok, "help opens after the refused actions:\n\(screen)")
                try await tmux.keys("Escape")
                #expect(try await Self.outboxRows(cli) == before, "nothing was enqueued")
                try await Self.quit(tmux)
            }
        }
    }

    // MARK: Search, queues, dead letters, products and workers in read-only mode

    /// What the queue and dead-letter keys would change: every message of each queue
    /// (visible, in flight or delayed; the console's look at the DLQ hides its messages for
    /// a moment, so the visible count alone moves while nothing changes).
    struct QueueFacts: Equatable {
        var jobs: Int
        var deadLetters: Int
    }

    static func queueFacts(_ sqs: SQSClient, jobs: String, deadLetters: String) async throws -> QueueFacts {
        func total(_ url: String) async throws -> Int {
            let attributes = try await sqs.getQueueAttributes(url: url)
            return attributes.visible + attributes.inFlight + attributes.delayed
        }
        return QueueFacts(jobs: try await total(jobs), deadLetters: try await total(deadLetters))
    }

    /// What the product and workers keys would change: every product as `products list
    /// --json` prints it, and the sync's pause switch and outbox backlog (`sync status --json`).
    struct StoreFacts: Equatable {
        var products: String
        var paused: Bool
        var outboxRows: Int
    }

    static func storeFacts(_ cli: CLISession) async throws -> StoreFacts {
        struct Status: Decodable {
            var paused: Bool
            var outbox_rows: Int
        }
        let products = try await cli.run(["products", "list", "--json", "--limit", "100"])
        #expect(products.status == 0, "\(products.stderr)")
        let sync = try await cli.run(["sync", "status", "--json"])
        #expect(sync.status == 0, "\(sync.stderr)")
        let status = try JSONDecoder().decode(Status.self, from: Data(sync.stdout.utf8))
        return StoreFacts(products: products.stdout, paused: status.paused, outboxRows: status.outbox_rows)
    }

    /// Presses a write `key` and waits for its read-only refusal in the status bar. A status
    /// line set just before (`:` and a view name that does not exist) tells this key's
    /// refusal from an earlier one's. If a dialog or form (`opened`) comes up instead, it is
    /// answered as a user would (`answer`), so the checks after can fail.
    static func pressRefused(
        _ tmux: TmuxSession, _ key: String, where view: String,
        opened: [String] = ["n/esc cancel"], answer: (TmuxSession) async throws -> Void = { try await $0.keys("y") }
    ) async throws {
        let mark = "nosuch-\(view)-\(key)".lowercased()
        try await tmux.keys(":")
        try await tmux.type(mark)
        try await tmux.keys("Enter")
        var (ok, screen) = try await tmux.wait(for: .seconds(120)) { $0.contains("No view named \"\(mark)\"") }
        #expect(ok, "the marker line is up before \(key) in \(view):\n\(screen)")
        try await tmux.keys(key)
        (ok, screen) = try await tmux.wait(for: .seconds(120)) { screen in
            (screen.contains("Read-only mode: restart without --read-only") && !screen.contains(mark))
                || opened.contains { screen.contains($0) }
        }
        let form = opened.first { screen.contains($0) }
        #expect(ok && form == nil, "\(key) in \(view) is refused:\n\(screen)")
        if form != nil { try await answer(tmux) }
    }

    @Test(
        "read-only: e on a search result, R in :queues, R/D/P in :dlq and on a dead letter, n/e/d on products and details, p in :workers: refused, nothing changes"
    )
    func readOnlyQueueDeadLetterProductAndWorkersActionsChangeNothing() async throws {
        let sqs = SQSClient(configuration: try AWSEmulator.configuration())
        let (jobs, deadLetters) = try await AWSEmulator.fifoQueueWithDeadLetters(sqs, prefix: "ro", maxReceiveCount: 5)
        let dlqName = SQSQueueURL.name(of: deadLetters)
        // Two dead letters (separate groups, so one receive can see both) and one waiting job.
        let dead = try await sqs.sendMessageBatch(
            url: deadLetters,
            entries: [
                SendMessageEntry(
                    id: "a", body: #"{"v":1,"op":"upsert","id":1,"seq":1}"#, messageGroupID: "1", deduplicationID: "dead-1"),
                SendMessageEntry(
                    id: "b", body: #"{"v":1,"op":"delete","id":2,"seq":2}"#, messageGroupID: "2", deduplicationID: "dead-2"),
            ])
        #expect(dead.failed.isEmpty)
        let deadIDs = Set(dead.successful.map(\.messageID))
        let job = try await sqs.sendMessageBatch(
            url: jobs,
            entries: [
                SendMessageEntry(id: "c", body: #"{"v":1,"op":"upsert","id":3,"seq":3}"#, messageGroupID: "3", deduplicationID: "job-3")
            ])
        #expect(job.failed.isEmpty)
        let queuesBefore = try await Self.queueFacts(sqs, jobs: jobs, deadLetters: deadLetters)
        #expect(queuesBefore == QueueFacts(jobs: 1, deadLetters: 2))

        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            #expect(try await cli.run(["db", "seed", "--count", "3", "--seed", "1"]).status == 0)
            let storeBefore = try await Self.storeFacts(cli)
            #expect(!storeBefore.paused && storeBefore.outboxRows > 0, "\(storeBefore)")
            func expectUnchanged(after what: String, store: Bool) async throws {
                #expect(
                    try await Self.queueFacts(sqs, jobs: jobs, deadLetters: deadLetters) == queuesBefore, "the queues after \(what)")
                if store { #expect(try await Self.storeFacts(cli) == storeBefore, "products and sync after \(what)") }
            }

            struct Listed: Decodable {
                struct Product: Decodable { var name: String, sku: String }
                var products: [Product]
            }
            let product = try #require(
                try JSONDecoder().decode(Listed.self, from: Data(storeBefore.products.utf8)).products.first)

            // A form that opens after all gets a change and ctrl-s, then esc back to the list.
            let forms = ["n/esc cancel", "New product", "Edit product"]
            let saveAnyForm: (TmuxSession) async throws -> Void = { tmux in
                let screen = try await tmux.screen
                if screen.contains("n/esc cancel") {
                    try await tmux.keys("y")
                    return
                }
                if screen.contains("New product") {
                    try await tmux.type("Read-only probe")
                    try await tmux.keys("Tab")
                    try await tmux.type("RO-PROBE-1")
                    try await tmux.keys("Tab")
                    try await tmux.type("9.99")
                } else {
                    try await tmux.keys("End")
                    try await tmux.type(" edited")
                }
                try await tmux.keys("C-s")
                _ = try await tmux.wait(for: .seconds(60)) { $0.contains("saved ✓") || $0.contains("error") }
                try await tmux.keys("Escape")
            }

            var environment = try AWSEmulator.binaryEnvironment(queue: jobs)
            // The model, for the search view's results (a SKU is found with nothing indexed).
            environment["REFARCH_MODEL_DIR"] =
                TestEnvironment.modelDirectory
                ?? Fixtures.repositoryRoot.appendingPathComponent(".refarch/models/all-MiniLM-L6-v2").path
            try await TmuxSession.withConsole(cli, environment: environment, arguments: ["--read-only"]) { tmux in
                try await tmux.type(product.sku)
                try await tmux.keys("Enter")
                var (ok, screen) = try await tmux.wait(for: .seconds(120)) { screen in
                    screen.split(separator: "\n").contains { $0.hasPrefix("  1 ") && $0.contains(product.name.prefix(20)) }
                }
                #expect(ok, "searching the SKU finds the product:\n\(screen)")
                #expect(screen.contains("READ-ONLY"), "the status bar says read-only:\n\(screen)")
                try await Self.pressRefused(tmux, "e", where: "search", opened: forms, answer: saveAnyForm)
                try await expectUnchanged(after: "e on a search result", store: true)

                try await tmux.keys(":")
                try await tmux.type("queues")
                try await tmux.keys("Enter")
                (ok, screen) = try await tmux.wait(for: .seconds(120)) { $0.contains(dlqName) && $0.contains("refreshed") }
                #expect(ok, "the queues view shows the jobs queue and its DLQ:\n\(screen)")
                try await Self.pressRefused(tmux, "R", where: "queues")
                try await expectUnchanged(after: "R in :queues", store: false)

                try await tmux.keys("Enter")
                // Looking at an SQS DLQ hides its messages for a moment (an earlier look may still
                // hold them, "0 listed · 2 in all"): list again with r until both show.
                let listed = ContinuousClock.now + .seconds(120)
                repeat {
                    (ok, screen) = try await tmux.wait(for: .seconds(10)) { $0.contains("2 listed") }
                    if ok { break }
                    try await tmux.keys("r")
                } while ContinuousClock.now < listed
                #expect(ok, "the DLQ view lists the two dead letters:\n\(screen)")
                for key in ["R", "D", "P"] {
                    try await Self.pressRefused(tmux, key, where: "dlq")
                    try await expectUnchanged(after: "\(key) in :dlq", store: false)
                }

                try await tmux.keys("Enter")
                (ok, screen) = try await tmux.wait(for: .seconds(120)) { $0.contains("Reason") && $0.contains("Message ") }
                #expect(ok, "a dead letter opens:\n\(screen)")
                for key in ["R", "D"] {
                    try await Self.pressRefused(tmux, key, where: "message")
                    try await expectUnchanged(after: "\(key) on a dead letter", store: false)
                }

                try await tmux.keys(":")
                try await tmux.type("products")
                try await tmux.keys("Enter")
                (ok, screen) = try await tmux.wait(for: .seconds(120)) { $0.contains("1–3 of 3") }
                #expect(ok, "the products view lists the three products:\n\(screen)")
                for key in ["n", "e", "d"] {
                    try await Self.pressRefused(tmux, key, where: "products", opened: forms, answer: saveAnyForm)
                    try await expectUnchanged(after: "\(key) in :products", store: true)
                }
                try await tmux.keys("Enter")
                (ok, screen) = try await tmux.wait(for: .seconds(120)) { $0.contains("SKU ") && $0.contains("id ") }
                #expect(ok, "a product's details open:\n\(screen)")
                for key in ["e", "d"] {
                    try await Self.pressRefused(tmux, key, where: "details", opened: forms, answer: saveAnyForm)
                    try await expectUnchanged(after: "\(key) in a product's details", store: true)
                }

                try await tmux.keys(":")
                try await tmux.type("workers")
                try await tmux.keys("Enter")
                // `p` is bound once the pause switch has been read.
                (ok, screen) = try await tmux.wait(for: .seconds(120)) { $0.contains("Sync running") }
                #expect(ok, "the workers view shows the sync running:\n\(screen)")
                try await Self.pressRefused(tmux, "p", where: "workers")
                try await expectUnchanged(after: "p in :workers", store: true)
                try await Self.quit(tmux)
            }

            // The console has quit: whatever it started has ended. Same queues, same two dead
            // letters (a look the console left hidden is visible again within its timeout).
            try await expectUnchanged(after: "the console quit", store: true)
            let deadline = ContinuousClock.now + .seconds(120)
            var seen: Set<String> = []
            while seen != deadIDs, ContinuousClock.now < deadline {
                seen = Set(try await sqs.peek(url: deadLetters, count: 10).map(\.messageID))
                if seen != deadIDs { try await Task.sleep(for: .milliseconds(500)) }
            }
            #expect(seen == deadIDs, "both dead letters are still in \(dlqName)")
        }
    }
}
