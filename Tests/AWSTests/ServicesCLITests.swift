import Foundation
import Operations
import TestSupport
import Testing

@testable import AWS

/// `refarch-tui services …` end to end against the emulator: the built binary, the seam behind it.
@Suite(
    "services commands against the AWS emulator", .enabled(if: TestEnvironment.hasAWSEmulator, "needs the AWS emulator: run `make test`"))
struct ServicesCLITests {
    /// What the emulator says about a service: desired count, task definition, deployment ids.
    struct ServiceState: Equatable {
        var desired: Int?
        var taskDefinition: String?
        var deployments: [String]
    }

    static func state(_ ecs: ECSClient, cluster: String, service: String) async throws -> ServiceState {
        let described = try #require(try await ecs.describeServices(cluster: cluster, services: [service]).items.first)
        return ServiceState(
            desired: described.desiredCount, taskDefinition: described.taskDefinition,
            deployments: (described.deployments ?? []).compactMap(\.id))
    }

    @Test("read-only mode refuses scale, redeploy and rollback (exit 3) and the emulator's state does not change")
    func readOnlyRefusesActions() async throws {
        let ecs = ECSClient(configuration: try Emulator.configuration())
        let (cluster, family) = try await EmulatorECS.makeCluster(ecs)
        try await EmulatorECS.registerRevision(ecs, family: family)
        _ = try await ecs.updateService(cluster: cluster, service: "emu", taskDefinition: "\(family):2")
        let before = try await Self.state(ecs, cluster: cluster, service: "emu")
        var environment = try OpsCLITests.environment(queue: nil)

        for arguments in [["scale", "emu", "3"], ["redeploy", "emu"], ["rollback", "emu"]] {
            let flagged = try await BuiltBinary.run(
                ["services"] + arguments + ["--cluster", cluster, "--read-only"], environment: environment)
            #expect(flagged.status == 3, "\(arguments): \(flagged.stderr)")
            #expect(flagged.stderr.contains("read-only mode is on"), "\(flagged.stderr)")
        }
        environment["REFARCH_READ_ONLY"] = "1"
        environment["ECS_CLUSTER"] = cluster
        for arguments in [["scale", "emu", "3"], ["redeploy", "emu"], ["rollback", "emu"]] {
            let variable = try await BuiltBinary.run(["services"] + arguments + ["--json"], environment: environment)
            #expect(variable.status == 3, "\(arguments): \(variable.stderr)")
        }
        #expect(try await Self.state(ecs, cluster: cluster, service: "emu") == before)

        // Reads still work in read-only mode.
        let list = try await BuiltBinary.run(["services", "list", "--json"], environment: environment)
        #expect(list.status == 0, "\(list.stderr)")
        let decoded = try JSONDecoder().decode(ServiceListShape.self, from: Data(list.stdout.utf8))
        #expect(decoded.backend == "ecs")
        #expect(decoded.services.map(\.name) == ["emu", "pelican"])
    }

    struct ServiceListShape: Decodable {
        struct Service: Decodable {
            var name: String
            var desired: Int?
        }
        var backend: String
        var services: [Service]
    }

    @Test("scale, redeploy, rollback and tasks through the CLI; scaling outside the autoscaling bounds exits 3 naming them")
    func actions() async throws {
        let configuration = try Emulator.configuration()
        let ecs = ECSClient(configuration: configuration)
        let (cluster, family) = try await EmulatorECS.makeCluster(ecs)
        try await EmulatorECS.registerRevision(ecs, family: family)
        _ = try await ecs.updateService(cluster: cluster, service: "emu", taskDefinition: "\(family):2")
        try await ApplicationAutoScalingClient(configuration: configuration).registerTestTarget(
            cluster: cluster, service: "emu", min: 1, max: 4)
        var environment = try OpsCLITests.environment(queue: nil)
        environment["ECS_CLUSTER"] = cluster

        let outside = try await BuiltBinary.run(["services", "scale", "emu", "9"], environment: environment)
        #expect(outside.status == 3)
        #expect(
            outside.stderr.contains("error: Refusing to scale emu to 9: its autoscaling target allows 1 to 4 tasks."), "\(outside.stderr)")
        #expect(outside.stderr.contains("hint: Choose a count from 1 to 4"))
        #expect(try await EmulatorECS.desiredCount(ecs, cluster: cluster, service: "emu") == 1)

        let scale = try await BuiltBinary.run(["services", "scale", "emu", "3", "--json"], environment: environment)
        #expect(scale.status == 0, "\(scale.stderr)")
        #expect(try JSONDecoder().decode(ServiceChange.self, from: Data(scale.stdout.utf8)).desired == 3)
        #expect(try await EmulatorECS.desiredCount(ecs, cluster: cluster, service: "emu") == 3)

        let rollback = try await BuiltBinary.run(["services", "rollback", "emu"], environment: environment)
        #expect(rollback.status == 0, "\(rollback.stderr)")
        #expect(rollback.stdout.contains("\(family):2 → \(family):1"), "\(rollback.stdout)")

        let redeploy = try await BuiltBinary.run(["services", "redeploy", "pelican"], environment: environment)
        #expect(redeploy.status == 0, "\(redeploy.stderr)")

        let tasks = try await BuiltBinary.run(["services", "tasks", "emu", "--json"], environment: environment)
        #expect(tasks.status == 0, "\(tasks.stderr)")
        #expect(try JSONDecoder().decode([ServiceTask].self, from: Data(tasks.stdout.utf8)).isEmpty)

        let noLogs = try await BuiltBinary.run(["services", "logs", "emu"], environment: environment)
        #expect(noLogs.status == 1)
        #expect(noLogs.stderr.contains("sends no logs to CloudWatch Logs"), "\(noLogs.stderr)")
    }
}

/// `services logs --follow`: the binary keeps running and prints lines written after it started.
@Suite(
    "services logs --follow against the AWS emulator",
    .enabled(if: TestEnvironment.hasAWSEmulator, "needs the AWS emulator: run `make test`"))
struct ServicesLogsFollowTests {
    @Test("services logs --follow prints the last lines, then a line written with PutLogEvents after it started")
    func follow() async throws {
        let configuration = try Emulator.configuration()
        let ecs = ECSClient(configuration: configuration)
        let logs = CloudWatchLogsClient(configuration: configuration)
        let group = "/refarch/\(Emulator.unique("follow"))"
        let (cluster, _) = try await EmulatorECS.makeCluster(ecs, logGroup: group)
        try await logs.createLogGroup(group)
        let stream = "emu/emu/\(Emulator.unique("task"))"
        try await logs.createLogStream(group: group, stream: stream)
        try await logs.putLogEvents(
            group: group, stream: stream, lines: [(Date().addingTimeInterval(-20), #"{"level":"info","msg":"before"}"#)])

        var environment = try OpsCLITests.environment(queue: nil)
        environment["ECS_CLUSTER"] = cluster
        let directory = NSTemporaryDirectory() + "refarch-follow-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outPath = directory + "/out"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BuiltBinary.path())
        process.arguments = ["services", "logs", "emu", "--follow"]
        process.environment = environment
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        func output() -> String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }
        func waitFor(_ text: String) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(300)
            while ContinuousClock.now < deadline {
                if output().contains(text) { return true }
                try await Task.sleep(for: .milliseconds(200))
            }
            return false
        }
        #expect(try await waitFor("INFO before"), "\(output())")
        try await logs.putLogEvents(group: group, stream: stream, lines: [(Date(), #"{"level":"error","msg":"after"}"#)])
        #expect(try await waitFor("ERROR after"), "\(output())")
        #expect(process.isRunning)
        process.interrupt()
        for await _ in exited.stream { break }
        try out.close()
        #expect(output().components(separatedBy: "before").count == 2, "printed once: \(output())")
    }
}
