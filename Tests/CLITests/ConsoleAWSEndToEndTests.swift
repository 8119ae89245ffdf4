import AWS
import Foundation
import TestSupport
import Testing

/// The real console in tmux against the AWS emulator's ECS: scaling a service from the
/// services view reaches the emulator, and in read-only mode no action key changes it.
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
}
