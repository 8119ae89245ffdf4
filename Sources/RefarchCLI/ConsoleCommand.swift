import ArgumentParser
import Catalog
import Console
import ConsoleNcurses
import Embeddings
import Foundation
import Logging
import Postgres
import PostgresCatalog
import Search
import Sync
import Synchronization
import Telemetry
import UserFacing

#if canImport(Glibc)
    import Glibc
#endif

/// `refarch-tui` with no subcommand: the ncurses operator console.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console", abstract: "Open the operator console (the default): search, products, sync progress.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Colour theme: default, light, high-contrast, mono, or a themes/*.toml name (T cycles).") var theme: String?
    @Option(name: .customLong("model-dir"), help: "Model folder (else model.dir).") var modelDirectory: String?
    @Option(help: "Seconds between refreshes of queue depths and worker heartbeats (else console.refresh_seconds, 2).")
    var refresh: Int?

    func run() async throws {
        var flags: [String: String] = [:]
        if let theme { flags["--theme"] = theme }
        if let modelDirectory { flags["--model-dir"] = modelDirectory }
        if let refresh { flags["--refresh"] = String(refresh) }
        let context = try reportingErrors { try CommandContext(global, extraFlags: flags) }
        // The screen is the terminal: nothing may write to stdout or stderr while it runs.
        let logPath = ConsoleLog.bootstrap(context)
        let logger = Logger(label: "refarch.console")
        let environment = ProcessInfo.processInfo.environment
        let themes = ThemeLibrary.load(
            folder: ThemeLibrary.defaultFolder(
                environment: environment, executable: URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()))
        var state = ConsoleState(
            size: Size(columns: 80, rows: 24), readOnly: context.isReadOnly,
            themeName: context.settings.string("console.theme") ?? "default", themeNames: themes.names,
            backendLabel: backendLabel(context))
        if let problem = themes.problems.first {
            state.show("Theme file not used: \(problem) — using the default theme.", .warn, for: .seconds(20))
        }
        if themes.theme(named: state.themeName) == nil {
            if themes.problems.isEmpty {
                state.show(
                    "No theme named “\(state.themeName)”: using default (themes: \(themes.names.joined(separator: ", "))).", .warn,
                    for: .seconds(20))
            }
            state.themeName = "default"
        }
        state.logPath = logPath
        state.timeZone = .current
        let refreshSeconds = context.settings.integer("console.refresh_seconds") ?? 2
        guard refreshSeconds >= 1 else {
            throw ValidationError(
                "The refresh interval must be at least 1 second (it is \(refreshSeconds)): use --refresh 2, "
                    + "or set console.refresh_seconds / REFARCH_REFRESH_SECONDS.")
        }
        state.refreshInterval = .seconds(refreshSeconds)
        let colour = (environment["NO_COLOR"] ?? "").isEmpty
        let services = LiveOperations(context: context)
        let timings = environment["REFARCH_CONSOLE_TIMINGS"].map { ConsoleTimings(path: $0) }
        let initialState = state

        // The loop owns the main thread; everything else runs on the services' own threads.
        let outcome: Result<Void, any Error> = await MainActor.run {
            Result {
                let terminal = try NcursesBackend(colour: colour)
                defer { terminal.restoreTerminal() }
                let runtime = ConsoleRuntime(
                    terminal: terminal, state: initialState, themes: themes, colour: colour, services: services,
                    logFailure: { effect, error in ConsoleLog.failure(effect, error, logger: logger) })
                let stop = StopSignals(post: runtime.post)
                defer { stop.cancel() }
                if let timings { runtime.onFrame = { latency, frame in timings.record(latency: latency, frame: frame) } }
                runtime.run()
            }
        }
        await services.close()
        timings?.flush()
        try reportingErrors { try outcome.get() }
    }

    /// "embedded" or "AWS us-east-1 jobs.fifo" for the header (depths follow it there).
    func backendLabel(_ context: CommandContext) -> String {
        let settings = context.settings
        if let queue = settings.string("sqs.queue_url") {
            let name = queue.split(separator: "/").last.map(String.init) ?? "SQS"
            return ["AWS", settings.string("aws.region"), name].compactMap { $0 }.joined(separator: " ")
        }
        return settings.string("pinecone.api_key") == nil ? "embedded" : "embedded · Pinecone"
    }
}

/// The console's log file: `<state.dir>/logs/console.log`, JSON lines like the workers'.
enum ConsoleLog {
    /// Sends every logger to the file; returns its path, or nil (logs dropped) when it cannot be opened.
    static func bootstrap(_ context: CommandContext) -> String? {
        let folder = context.settings.string("state.dir") ?? ".refarch"
        let path = URL(fileURLWithPath: folder).appendingPathComponent("logs/console.log").path
        let level = Logger.Level(rawValue: context.settings.string("log.level") ?? "info") ?? .info
        guard let sink = try? LogSink.file(path: path) else {
            LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
            return nil
        }
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level, fields: ["pid": String(getpid())], sink: sink) }
        return path
    }

    /// A request that failed, with the whole error (the status bar shows one line of it).
    static func failure(_ effect: ConsoleEffect, _ error: any Error, logger: Logger) {
        let request = String(describing: effect).prefix { $0 != "(" }
        logger.warning("Console request failed", metadata: ["request": "\(request)", "error": "\(String(describing: error))"])
    }
}

/// SIGTERM, SIGINT and SIGHUP from outside become a clean quit (the terminal is restored).
final class StopSignals {
    private let sources: [any DispatchSourceSignal]

    init(post: @escaping @Sendable (ConsoleMessage) -> Void) {
        sources = [SIGTERM, SIGINT, SIGHUP].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { post(.stopRequested) }
            source.resume()
            return source
        }
    }

    func cancel() { sources.forEach { $0.cancel() } }
}

/// Frame timings for the performance figures (`REFARCH_CONSOLE_TIMINGS=FILE`): the first
/// frame's time from process start, then each input-driven frame's latency.
final class ConsoleTimings: Sendable {
    let path: String
    private let lines = Mutex<[String]>([])

    init(path: String) { self.path = path }

    func record(latency: Duration, frame: Int) {
        let line =
            frame == 0
            ? String(format: "first_frame_ms %.1f", processAge() * 1000)
            : String(format: "frame_ms %.3f", Double(latency.components.attoseconds) / 1e15 + Double(latency.components.seconds) * 1000)
        lines.withLock { $0.append(line) }
    }

    func flush() {
        let text = lines.withLock { $0.joined(separator: "\n") } + "\n"
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Seconds since this process started (Linux: /proc/self/stat start time vs /proc/uptime).
    func processAge() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let uptimeText = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
            let uptime = Double(uptimeText.split(separator: " ").first ?? ""),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Field 22 of the whole line is the 20th after the command name.
        guard fields.count > 19, let ticks = Double(fields[19]) else { return 0 }
        return uptime - ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
