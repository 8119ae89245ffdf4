import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a helper program (tmux, say) with only stdin, stdout and stderr open in the child
/// and every signal at its default, unblocked.
///
/// Foundation's `Process` on Linux learns that a child exited when every copy of a socket
/// it hands the child is closed. A program that leaves a daemon behind (`tmux new-session`
/// starts the tmux server) passes that socket on, so the wait never ends while the daemon
/// lives. Here the child gets no descriptor above 2, and `waitpid` runs on a thread of its
/// own, never on Swift's cooperative pool.
public enum SpawnedCommand {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `path` with `arguments`; returns the exit status and what it wrote to stdout.
    @discardableResult
    public static func run(_ path: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let pid = try spawn(path, arguments, standardOutput: outputURL.path)
        let status: Int32 = await withCheckedContinuation { continuation in
            reap(pid) { continuation.resume(returning: $0) }
        }
        let output = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
        return (status, output)
    }

    /// Starts `path` with `arguments` in the background (a test server), its output discarded.
    /// Stop it with ``SpawnedProcess/stop()`` on every path out of the test.
    public static func start(_ path: String, _ arguments: [String]) throws -> SpawnedProcess {
        let pid = try spawn(path, arguments, standardOutput: "/dev/null")
        return SpawnedProcess(pid: pid)
    }

    static func spawn(_ path: String, _ arguments: [String], standardOutput: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        try closeInheritedDescriptors(&actions)

        // The calling thread is one of Swift's pool threads, which block most signals; a
        // child would inherit that mask (a tmux server that never sees SIGCHLD or SIGTERM,
        // an `openssl s_server` that outlives `Process.terminate()`).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw Failure(description: "cannot start \(path): \(String(cString: strerror(spawned)))") }
        return pid
    }

    /// Waits for `pid` on a thread of its own (never on Swift's pool) and hands over its
    /// exit status (128 + the signal when a signal ended it).
    static func reap(_ pid: pid_t, then done: @escaping @Sendable (Int32) -> Void) {
        let waiter = Thread {
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1, errno == EINTR {}
            // WIFEXITED / WEXITSTATUS are macros: exit status in bits 8–15, signal in 0–6.
            let signal = raw & 0x7f
            done(signal == 0 ? (raw >> 8) & 0xff : 128 + signal)
        }
        waiter.start()
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift does not
    /// import without `_GNU_SOURCE`: closing every descriptor from 3 in the child is the only
    /// way that does not race with another thread creating one.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) throws {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            throw Failure(description: "glibc lacks posix_spawn_file_actions_addclosefrom_np (needs 2.34 or later)")
        }
        let addCloseFrom = unsafeBitCast(symbol, to: AddCloseFrom.self)
        guard addCloseFrom(&actions, 3) == 0 else { throw Failure(description: "posix_spawn_file_actions_addclosefrom_np failed") }
    }
}

/// A helper program running in the background, started by ``SpawnedCommand/start(_:_:)``.
public final class SpawnedProcess: Sendable {
    public let pid: pid_t
    private let status = Mutex<Int32?>(nil)

    init(pid: pid_t) {
        self.pid = pid
        // The waiting thread holds this object until the process exits.
        SpawnedCommand.reap(pid) { code in self.status.withLock { $0 = code } }
    }

    /// False once the process has exited.
    public var isRunning: Bool { status.withLock { $0 == nil } }

    /// Stops it and waits until it is gone: SIGTERM, then SIGKILL if it is still there after
    /// 10 s. Returns its exit status.
    @discardableResult
    public func stop() async -> Int32 {
        if isRunning { kill(pid, SIGTERM) }
        if let code = await waitForExit(timeout: .seconds(10)) { return code }
        kill(pid, SIGKILL)
        return await waitForExit(timeout: nil) ?? 128 + SIGKILL
    }

    /// The exit status, or nil if it still runs at the deadline (none: wait as long as it takes).
    private func waitForExit(timeout: Duration?) async -> Int32? {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            if let code = status.withLock({ $0 }) { return code }
            if let deadline, ContinuousClock.now >= deadline { return nil }
            // Cancelled, the sleep returns at once: the deadline (or SIGKILL) still ends the loop.
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
