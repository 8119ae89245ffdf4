import Foundation
import TestSupport
import Testing

/// A terminal in tmux running the real console, read back with `capture-pane`. Each
/// session has a tmux server of its own (`-L`), which ``close()`` stops.
struct TmuxSession {
    let server: String

    static let path = "/usr/bin/tmux"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: path) }

    @discardableResult
    func tmux(_ arguments: [String]) async throws -> String {
        try await SpawnedCommand.run(Self.path, ["-L", server] + arguments).output
    }

    /// Starts `command` in a detached 120×40 session; the shell prints the exit status after it.
    static func start(command: String) async throws -> TmuxSession {
        let session = TmuxSession(server: "refarch-e2e-\(UUID().uuidString.prefix(8))")
        try await session.tmux([
            "-u", "new-session", "-d", "-s", "console", "-x", "120", "-y", "40",
            command + "; echo CONSOLE-EXIT=$?; sleep 60",
        ])
        return session
    }

    var screen: String { get async throws { try await tmux(["capture-pane", "-p", "-t", "console"]) } }
    var alternateScreenOn: Bool {
        get async throws { try await tmux(["display-message", "-p", "-t", "console", "#{alternate_on}"]).hasPrefix("1") }
    }

    func keys(_ keys: String...) async throws { try await tmux(["send-keys", "-t", "console"] + keys) }
    func type(_ text: String) async throws { try await tmux(["send-keys", "-t", "console", "-l", text]) }
    func close() async { _ = try? await tmux(["kill-server"]) }

    /// The process the pane runs (the shell, or the command itself when it was `exec`ed).
    func paneProcessID() async throws -> Int32 {
        try #require(
            Int32(
                try await tmux(["display-message", "-p", "-t", "console", "#{pane_pid}"])
                    .trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// The console started against the test schema of `cli` (no model, unless `environment`
    /// sets `REFARCH_MODEL_DIR`: most tests need no search), waited for until its first screen is up.
    /// `environment` adds to (or overrides) the console's variables; `arguments` follow the binary.
    static func withConsole(
        _ cli: CLISession, exec: Bool = false, environment: [String: String] = [:], arguments: [String] = [],
        _ body: (TmuxSession) async throws -> Void
    ) async throws {
        let themes = Fixtures.repositoryRoot.appendingPathComponent("themes").path
        let extra = environment.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)' " }.joined()
        // `environment` comes last: `env` lets a later assignment win.
        let command =
            (exec ? "exec " : "") + "env DATABASE_URL='\(cli.url)' REFARCH_THEMES_DIR='\(themes)' "
            + "REFARCH_MODEL_DIR=/nonexistent TERM=screen-256color " + extra + "'\(CLIRunner.binaryPath)'"
            + arguments.map { " '\($0)'" }.joined()
        try await with(command: command) { tmux in
            let (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("Search ›") }
            #expect(ok, "the console opens:\n\(screen)")
            try await body(tmux)
        }
    }

    /// Runs `body` with a session running `command`; the session's server stops afterwards.
    static func with(command: String, _ body: (TmuxSession) async throws -> Void) async throws {
        let session = try await start(command: command)
        do { try await body(session) } catch {
            await session.close()
            throw error
        }
        await session.close()
    }

    /// Waits until the screen satisfies `condition`; returns the last screen either way.
    func wait(for timeout: Duration, _ condition: (String) -> Bool) async throws -> (Bool, String) {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = try await screen
            if condition(last) { return (true, last) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return (false, last)
    }
}

/// The real binary in tmux against the local stack: search, edit, watch the change reach
/// the index, find the edited text, quit with the terminal restored.
@Suite(
    .enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"),
    .enabled(if: TmuxSession.isAvailable || TestEnvironment.underMakeTest, "needs tmux: run `make test`"))
struct ConsoleEndToEndTests {
    struct ProductJSON: Decodable { let id: Int64; let name: String; let description: String }

    @Test func searchEditSeeItIndexedFindItAndQuit() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            #expect(try await cli.run(["db", "seed", "--count", "300", "--seed", "3"]).status == 0)
            let model =
                TestEnvironment.modelDirectory
                ?? Fixtures.repositoryRoot.appendingPathComponent(".refarch/models/all-MiniLM-L6-v2").path
            let env = ["DATABASE_URL": cli.url, "REFARCH_MODEL_DIR": model]
            let workers = try RunningCLI(["run-local"], environment: env)
            defer { workers.signal(SIGTERM) }
            #expect(try await cli.waitUntilVerified(timeout: .seconds(300)).clean, "run-local indexes the seeded catalog")
            let shown = try await cli.run(["products", "get", "42", "--json"])
            let product = try JSONDecoder().decode(ProductJSON.self, from: Data(shown.stdout.utf8))

            let themes = Fixtures.repositoryRoot.appendingPathComponent("themes").path
            let command =
                "env DATABASE_URL='\(cli.url)' REFARCH_MODEL_DIR='\(model)' REFARCH_THEMES_DIR='\(themes)' TERM=screen-256color '\(CLIRunner.binaryPath)'"
            try await TmuxSession.with(command: command) { tmux in
                var (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("Search ›") && $0.contains("indexed 300") }
                #expect(ok, "the console opens and shows the index complete:\n\(screen)")

                // Search by the product's own description: it comes first.
                try await tmux.type(product.description)
                try await tmux.keys("Enter")
                // Wait for the first ranked row, not the summary line: a long query pushes the
                // summary's page number past the window's edge.
                (ok, screen) = try await tmux.wait(for: .seconds(60)) { screen in
                    screen.split(separator: "\n").contains { $0.hasPrefix("  1 ") }
                }
                let firstRow = screen.split(separator: "\n").first { $0.hasPrefix("  1 ") }.map(String.init) ?? ""
                #expect(ok && firstRow.contains(String(product.name.prefix(20))), "rank 1 is product 42:\n\(screen)")

                // Open it, edit the description, save, and follow the change to the index.
                try await tmux.keys("Enter")
                (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("id 42") }
                #expect(ok, "details of product 42:\n\(screen)")
                try await tmux.keys("e")
                (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("Edit product 42") }
                #expect(ok, "the editor opens:\n\(screen)")
                try await tmux.keys("Tab", "Tab", "Tab", "Tab")
                // The new text replaces the description (home, kill to the end): one sentence
                // appended to a seeded description of about forty words is too small a part of
                // its embedding to outrank, say, a fountain pen for "engraved with…".
                try await tmux.keys("C-a", "C-k")
                try await tmux.type("Engraved with a hummingbird and a lighthouse.")
                try await tmux.keys("C-s")
                (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("indexed ✓") }
                #expect(ok, "sync progress reaches indexed:\n\(screen)")
                #expect(screen.contains("saved ✓") && screen.contains("sent ✓"))

                // The edited text is found by search.
                try await tmux.keys("Escape")
                try await tmux.keys("Escape")
                try await tmux.keys("/")
                try await tmux.keys("C-u")
                try await tmux.type("engraved with a hummingbird and a lighthouse")
                try await tmux.keys("Enter")
                (ok, screen) = try await tmux.wait(for: .seconds(30)) { $0.contains("for “engraved") }
                let top = screen.split(separator: "\n").first { $0.hasPrefix("  1 ") }.map(String.init) ?? ""
                #expect(ok && top.contains(String(product.name.prefix(20))), "the edited product comes first:\n\(screen)")

                // After a search the results have the focus: q quits, with exit status 0 and the
                // terminal back from the alternate screen.
                try await tmux.keys("q")
                (ok, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("CONSOLE-EXIT=") }
                #expect(screen.contains("CONSOLE-EXIT=0"), "exit status 0:\n\(screen)")
                #expect(try await !tmux.alternateScreenOn, "the terminal left the alternate screen")
                #expect(!screen.contains("Search ›"), "the console's screen is gone")
            }
        }
    }

    @Test("closing the terminal window ends the console instead of leaving it to spin")
    func closingTheTerminalEndsTheConsole() async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            // exec: the pane's process is the console itself.
            try await TmuxSession.withConsole(cli, exec: true) { tmux in
                let pid = try await tmux.paneProcessID()
                await tmux.close()
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline, Self.isRunning(pid) { try await Task.sleep(for: .milliseconds(100)) }
                #expect(!Self.isRunning(pid), "the console (pid \(pid)) still runs after its terminal closed")
                if Self.isRunning(pid) { kill(pid, SIGKILL) }
            }
        }
    }

    @Test(
        "SIGTERM or SIGINT from outside leaves the console with the terminal restored and status 0",
        arguments: [SIGTERM, SIGINT])
    func aSignalRestoresTheTerminal(signal: Int32) async throws {
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            try await TmuxSession.withConsole(cli) { tmux in
                let shell = try await tmux.paneProcessID()
                let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
                let console = try #require(
                    children.split(separator: " ").compactMap { Int32($0) }.first, "the console runs under the shell")
                kill(console, signal)
                let (_, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("CONSOLE-EXIT=") }
                #expect(screen.contains("CONSOLE-EXIT=0"), "exit status 0:\n\(screen)")
                #expect(try await !tmux.alternateScreenOn, "the terminal left the alternate screen")
            }
        }
    }

    /// Alive and not a zombie waiting for a parent that is gone.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return false
        }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }
}
