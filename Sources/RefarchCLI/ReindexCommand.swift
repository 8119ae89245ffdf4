import ArgumentParser
import Catalog
import Foundation
import PostgresCatalog
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `refarch-tui reindex`: send products through the pipeline again (bootstrap, backfill).
struct ReindexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Enqueue products for (re)indexing through the outbox; resumes a reindex that was stopped.",
        discussion:
            "The workers (pelican, then emu) do the indexing; this only enqueues. A stopped run continues where it stopped unless --restart is given."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only products whose last_updated is on or after this date (YYYY-MM-DD).") var since: String?
    @Option(help: "Only these product ids (comma-separated).") var ids: String?
    @Flag(help: "Start over instead of resuming a stopped reindex of the same selection.") var restart = false

    func validate() throws {
        if since != nil && ids != nil { throw ValidationError("Give --since or --ids, not both.") }
        if let since, LocalDate(parsing: since) == nil { throw ValidationError("--since must be a date, YYYY-MM-DD.") }
        if let ids, ids.split(separator: ",").contains(where: { Int64($0.trimmingCharacters(in: .whitespaces)) == nil }) {
            throw ValidationError("--ids must be product ids separated by commas, like 1,2,3.")
        }
    }

    var selection: Reindexer.Selection {
        if let since, let date = LocalDate(parsing: since) { return .since(date) }
        if let ids {
            return .ids(ids.split(separator: ",").compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }.map { ProductID($0) })
        }
        return .all
    }

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext(global)
            try context.requireWritable("reindex")
            let reindexer = Reindexer(pool: try await context.migratedPool())
            let terminal = isatty(STDOUT_FILENO) == 1
            let reporter = ProgressReporter(terminal: terminal)
            let enqueued = try await reindexer.run(selection, restart: restart) { done, total in reporter.report(done, total) }
            if terminal { print("") }
            print("Enqueued \(enqueued) product\(enqueued == 1 ? "" : "s") for indexing.")
        }
    }
}

/// A progress bar on a terminal; a plain line per 10 % otherwise (logs, pipes).
final class ProgressReporter: Sendable {
    let terminal: Bool
    private let lastDecile = Mutex(-1)

    init(terminal: Bool) { self.terminal = terminal }

    func report(_ done: Int, _ total: Int) {
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        if terminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            print("\r\(bar) \(Int(fraction * 100))%  \(done)/\(total)", terminator: "")
            fflush(nil)
        } else {
            let decile = Int(fraction * 10)
            let changed = lastDecile.withLock { last in
                defer { last = decile }
                return last != decile
            }
            if changed { print("reindex: \(done)/\(total) (\(Int(fraction * 100))%)") }
        }
    }
}
