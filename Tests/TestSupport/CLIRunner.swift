import Foundation

/// Runs the built `refarch-tui` binary, as a user or a script would.
public enum CLIRunner {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// The binary next to the test bundle (`swift build` puts both in one folder); `REFARCH_BIN` overrides.
    public static var binaryPath: String {
        if let path = ProcessInfo.processInfo.environment["REFARCH_BIN"], !path.isEmpty { return path }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("refarch-tui").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return Fixtures.repositoryRoot.appendingPathComponent(".build/debug/refarch-tui").path
    }

    /// Runs the binary with `arguments` and an environment made of `environment` only (plus PATH
    /// and HOME), so the developer's own settings never leak into a test. Suspends, never blocks.
    public static func run(
        _ arguments: [String], environment: [String: String] = [:],
        currentDirectory: String? = nil
    ) async throws -> Result {
        try await run(executable: binaryPath, arguments, environment: environment, currentDirectory: currentDirectory)
    }

    /// Runs `script` with `/bin/sh -c`, `$0` being the binary: for arguments a `String` cannot
    /// hold (bytes that are not UTF-8, made with printf) and for piping into the binary.
    public static func runShell(_ script: String, environment: [String: String] = [:]) async throws -> Result {
        try await run(executable: "/bin/sh", ["-c", script, binaryPath], environment: environment, currentDirectory: nil)
    }

    static func run(
        executable: String, _ arguments: [String], environment: [String: String], currentDirectory: String?
    ) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8"]
        env.merge(environment) { _, new in new }
        process.environment = env
        let directory = currentDirectory ?? FileManager.default.temporaryDirectory.path
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).out")
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try out.close()
        try err.close()
        return Result(
            status: status,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}

/// A `refarch-tui` process running in the background (a worker), for tests that signal or kill it.
public final class RunningCLI: @unchecked Sendable {
    // @unchecked Sendable: `process` is only started once; Process itself is thread-safe for
    // the calls used here (signals, pid, waiting through its termination handler).
    let process: Process
    private let exited = AsyncStream<Int32>.makeStream()
    /// Where the process's stdout (a worker's JSON log lines) and stderr go.
    public let outputURL: URL, errorURL: URL

    /// Starts the binary with `arguments`; its stdout and stderr go to two temporary files.
    public init(_ arguments: [String], environment: [String: String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: CLIRunner.binaryPath)
        process.arguments = arguments
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8"]
        env.merge(environment) { _, new in new }
        process.environment = env
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        let name = "worker-\(UUID().uuidString)"
        outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("\(name).out")
        errorURL = FileManager.default.temporaryDirectory.appendingPathComponent("\(name).err")
        for url in [outputURL, errorURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        process.standardInput = FileHandle.nullDevice
        let continuation = exited.continuation
        process.terminationHandler = {
            continuation.yield($0.terminationStatus); continuation.finish()
        }
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }

    /// False once the process has exited (``waitForExit(timeout:)`` can be awaited only once).
    public var isRunning: Bool { process.isRunning }

    /// Sends a signal (SIGTERM, SIGINT, SIGKILL).
    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the exit status, or nil after `timeout`.
    public func waitForExit(timeout: Duration) async -> Int32? {
        await withTaskGroup(of: Int32?.self) { group in
            group.addTask { [exited] in
                for await status in exited.stream { return status }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: timeout); return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// What the process wrote to stdout so far.
    public var standardOutput: String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }
    /// What the process wrote to stderr so far.
    public var standardError: String { (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "" }
    /// Both, for failure messages: stdout, then stderr.
    public var log: String { standardOutput + standardError }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: outputURL)
        try? FileManager.default.removeItem(at: errorURL)
    }
}
