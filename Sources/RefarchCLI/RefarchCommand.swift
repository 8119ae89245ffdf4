import ArgumentParser

/// The `refarch-tui` command tree. Subcommands parse, build the concrete graph and call `run`.
public struct RefarchCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "refarch-tui",
        abstract: "Operator console and workers for semantic search over a Postgres product catalog.",
        version: "0.1.0",
        subcommands: [
            ConsoleCommand.self, ProductsCommand.self, DBCommand.self, ReindexCommand.self, QueueCommand.self, ServicesCommand.self,
            IndexCommand.self, AlertsCommand.self,
            EmbedCommand.self, SearchCommand.self, VerifyCommand.self, TraceCommand.self, WorkerCommand.self, RunLocalCommand.self,
            SyncCommand.self,
            ConfigCommand.self,
        ],
        defaultSubcommand: ConsoleCommand.self
    )

    public init() {}
}
