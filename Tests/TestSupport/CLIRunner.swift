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
    public static func run(_ arguments: [String], environment: [String: String] = [:],
                           currentDirectory: String? = nil) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaryPath)
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
        return Result(status: status,
                      stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}
