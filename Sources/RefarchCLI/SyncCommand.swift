import ArgumentParser
import Foundation
import Sync

/// `refarch-tui sync pause|resume|status`: stop and restart the pipeline without stopping
/// the workers. Changes made while paused wait in the outbox and are indexed on resume.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Pause, resume or show the sync of products to the index (every worker of the catalog obeys within a second).",
        subcommands: [Pause.self, Resume.self, Status.self])

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop pelican draining the outbox and emu receiving; changes keep accumulating in the outbox.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext(global)
                try context.requireWritable("pause the sync")
                let pool = try await context.migratedPool()
                try await SyncControl(pool: pool).pause(by: SyncControl.actor)
                let status = try await SyncControl(pool: pool).status()
                await pool.close()
                print("Sync paused; \(status.outboxRows) change\(status.outboxRows == 1 ? "" : "s") waiting in the outbox.")
                print("Run `refarch-tui sync resume` to continue.")
            }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Continue the sync; what accumulated while paused is indexed.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext(global)
                try context.requireWritable("resume the sync")
                let pool = try await context.migratedPool()
                try await SyncControl(pool: pool).resume(by: SyncControl.actor)
                let status = try await SyncControl(pool: pool).status()
                await pool.close()
                print("Sync resumed; \(status.outboxRows) change\(status.outboxRows == 1 ? "" : "s") waiting in the outbox.")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Whether the sync is paused, since when and by whom, and the outbox backlog.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON object (paused, changed_at, changed_by, outbox_rows).") var json = false

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext(global)
                let pool = try await context.migratedPool()
                let status = try await SyncControl(pool: pool).status()
                await pool.close()
                if json { try printJSON(status); return }
                let since = status.changedBy.isEmpty ? "" : " (since \(status.changedAt), by \(status.changedBy))"
                print("sync:   \(status.paused ? "paused" : "running")\(since)")
                print("outbox: \(status.outboxRows) change\(status.outboxRows == 1 ? "" : "s") waiting")
            }
        }
    }
}
