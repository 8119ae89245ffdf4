import Foundation
import Postgres
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `make demo` ended the way a user ends it by closing the terminal window: tmux kills the
/// session, so the pane hangs up and everything in it gets SIGHUP. The demo runs here with a
/// Postgres of its own under a temporary state folder (scripts/demo.sh honours
/// REFARCH_STATE_DIR), never the developer's `.refarch/pg`.
@Suite(
    .enabled(if: TestEnvironment.hasDatabase, "needs Postgres 15: run `make test`"),
    .enabled(if: TmuxSession.isAvailable || TestEnvironment.underMakeTest, "needs tmux: run `make test`"))
struct DemoExitTests {
    /// One line of `/proc/PID/stat`: the fields that say whose a process is.
    struct ProcessEntry: CustomStringConvertible {
        let pid: Int32, parent: Int32, session: Int32
        var commandLine: String {
            let raw = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
            return String(decoding: raw.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
        }
        var description: String { "\(pid) (parent \(parent)): \(commandLine.prefix(200))" }

        /// Every live process on the machine (zombies are already gone as far as we care).
        static func all() -> [ProcessEntry] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return names.compactMap { name -> ProcessEntry? in
                guard let pid = Int32(name),
                    let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                    let close = stat.lastIndex(of: ")")
                else { return nil }
                // After "(comm)": state, ppid, pgrp, session, ...
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                guard fields.count > 3, fields[0] != "Z", let parent = Int32(fields[1]), let session = Int32(fields[3]) else {
                    return nil
                }
                return ProcessEntry(pid: pid, parent: parent, session: session)
            }
        }
    }

    /// What is left of the demo: its terminal's session (the shell, demo.sh, the workers, the
    /// console) and its Postgres (the postmaster has a session of its own).
    static func leftovers(session: Int32, postmaster: Int32) -> [ProcessEntry] {
        ProcessEntry.all().filter { $0.session == session || $0.pid == postmaster || $0.parent == postmaster }
    }

    static func shell(_ command: String, environment: [String: String]) async throws -> (status: Int32, output: String) {
        let assignments = environment.map { "\($0.key)=\($0.value)" }
        return try await SpawnedCommand.run("/usr/bin/env", assignments + ["/bin/sh", "-c", command])
    }

    @Test("closing the demo's terminal stops the workers (heartbeat rows removed) and the demo's Postgres")
    func closingTheTerminalStopsEverything() async throws {
        let root = Fixtures.repositoryRoot.path
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("refarch-demo-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let model =
            TestEnvironment.modelDirectory ?? Fixtures.repositoryRoot.appendingPathComponent(".refarch/models/all-MiniLM-L6-v2").path
        let environment = ["REFARCH_STATE_DIR": state]
        var tmux: TmuxSession?
        var processes: (session: Int32, postmaster: Int32)?
        defer {
            // Whatever happened, nothing of this demo outlives the test.
            if let processes {
                for entry in Self.leftovers(session: processes.session, postmaster: processes.postmaster) { kill(entry.pid, SIGKILL) }
            }
        }
        do {
            let command =
                "env REFARCH_STATE_DIR='\(state)' REFARCH_DEMO_BIN='\(CLIRunner.binaryPath)' REFARCH_MODEL_DIR='\(model)' "
                + "DEMO_PRODUCTS=40 TERM=screen-256color '\(root)/scripts/demo.sh'"
            // As a user runs it: typed into an interactive shell, which puts the demo in a job of
            // its own and, when the window closes, hangs up that job as well as itself.
            let terminal = TmuxSession(server: "refarch-demo-\(UUID().uuidString.prefix(8))")
            try await terminal.tmux([
                "-u", "new-session", "-d", "-s", "console", "-x", "120", "-y", "40", "bash --norc --noprofile -i",
            ])
            tmux = terminal
            try await terminal.type(command)
            try await terminal.keys("Enter")
            let session = try await terminal.paneProcessID()

            // The console is up and both workers beat.
            let (up, screen) = try await terminal.wait(for: .seconds(180)) { $0.contains("Search ›") }
            try #require(up, "the demo's console opens:\n\(screen)")
            let env = try String(contentsOfFile: state + "/pg/env", encoding: .utf8)
            let url = try #require(env.split(separator: "\n").first { $0.hasPrefix("DATABASE_URL=") }?.dropFirst(13))
            let pid = try String(contentsOfFile: state + "/pg/data/postmaster.pid", encoding: .utf8)
            let postmaster = try #require(pid.split(separator: "\n").first.flatMap { Int32($0) })
            processes = (session, postmaster)
            let pool = PostgresPool(configuration: PostgresConfiguration(url: String(url)), maxConnections: 1)
            func heartbeats() async throws -> [String] {
                try await pool.query("SELECT kind FROM refarch_workers ORDER BY kind").map { try $0.decode(String.self, at: 0) }
            }
            let deadline = ContinuousClock.now + .seconds(180)
            var beating: [String] = []
            while ContinuousClock.now < deadline {
                beating = (try? await heartbeats()) ?? []
                if beating == ["emu", "pelican"] { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            await pool.close()
            try #require(beating == ["emu", "pelican"], "both workers beat: \(beating)")

            // Close the window.
            try await terminal.tmux(["kill-session", "-t", "console"])
            let gone = ContinuousClock.now + .seconds(180)
            var left = Self.leftovers(session: session, postmaster: postmaster)
            while !left.isEmpty, ContinuousClock.now < gone {
                try await Task.sleep(for: .milliseconds(200))
                left = Self.leftovers(session: session, postmaster: postmaster)
            }
            #expect(left.isEmpty, "still running after the terminal closed:\n\(left.map(\.description).joined(separator: "\n"))")

            let log = (try? String(contentsOfFile: state + "/logs/run-local.log", encoding: .utf8)) ?? ""
            #expect(log.contains("\"Worker stopped\""), "run-local logs its stop:\n\(log.suffix(2000))")

            // Started again, the demo's database lists no worker: both removed their rows.
            let restarted = try await Self.shell("'\(root)/scripts/pg.sh' start pg", environment: environment)
            try #require(restarted.status == 0, "the demo's Postgres starts again")
            let again = PostgresPool(
                configuration: PostgresConfiguration(url: restarted.output.trimmingCharacters(in: .whitespacesAndNewlines)),
                maxConnections: 1)
            let rows = try await again.query("SELECT kind || ' pid ' || pid FROM refarch_workers").map {
                try $0.decode(String.self, at: 0)
            }
            await again.close()
            #expect(rows.isEmpty, "heartbeat rows left behind: \(rows)")
        } catch {
            await tmux?.close()
            _ = try? await Self.shell("'\(root)/scripts/pg.sh' destroy pg", environment: environment)
            try? FileManager.default.removeItem(atPath: state)
            throw error
        }
        _ = try? await Self.shell("'\(root)/scripts/pg.sh' destroy pg", environment: environment)
        try? FileManager.default.removeItem(atPath: state)
    }

    @Test(
        "SIGHUP stops a worker as SIGTERM does, and a SIGTERM after it does not cut the clean stop short",
        arguments: [[SIGHUP], [SIGHUP, SIGTERM], [SIGTERM, SIGHUP]])
    func hangUpStopsAWorkerCleanly(signals: [Int32]) async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            let worker = try RunningCLI(
                ["worker", "pelican", "--heartbeat-seconds", "1"], environment: ["DATABASE_URL": cli.url])
            let pool = PostgresPool(configuration: PostgresConfiguration(url: cli.url), maxConnections: 1)
            func rows() async throws -> Int {
                try await pool.query("SELECT count(*) FROM refarch_workers")[0].decode(Int.self, at: 0)
            }
            // Generous: a loaded machine can take a while to start a process and connect.
            let deadline = ContinuousClock.now + .seconds(120)
            while try await rows() == 0, worker.isRunning, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            try #require(try await rows() == 1, "the worker beats:\n\(worker.log.suffix(1500))")
            for number in signals { worker.signal(number) }
            let status = await worker.waitForExit(timeout: .seconds(120))
            if status == nil { worker.signal(SIGKILL) }
            #expect(status == 0, "exit status after \(signals):\n\(worker.log.suffix(1500))")
            #expect(worker.standardOutput.contains("\"Worker stopped\""), "\(worker.log.suffix(1500))")
            #expect(try await rows() == 0, "the heartbeat row is removed")
            await pool.close()
        }
    }
}
