import ArgumentParser
import Catalog
import Foundation
import Logging
import Postgres
import PostgresCatalog
import Sync
import Telemetry

/// `refarch-tui worker pelican|emu`: the headless sync workers.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a sync worker: pelican (outbox → queue) or emu (queue → embeddings → index).",
        discussion:
            "Workers log JSON lines on stdout (errors that stop them on stderr), stop cleanly on SIGTERM, SIGINT or SIGHUP (finishing the batch in hand), and serve /healthz and /metrics with --metrics-port.",
        subcommands: [Pelican.self, Emu.self])

    struct Options: ParsableArguments {
        @Option(help: "Serve /healthz and Prometheus /metrics on this port.") var metricsPort: Int?
        @Option(help: "Address for the metrics server (0.0.0.0 in a container).") var metricsHost = "127.0.0.1"
        @Option(help: "Seconds between heartbeats.") var heartbeatSeconds = 5
        @Option(name: .customLong("model-dir"), help: "Model folder (emu; else model.dir).") var modelDirectory: String?
    }

    struct Pelican: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move product changes from the outbox to the job queue.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: Options
        @Option(help: "Outbox rows per batch.") var batchSize = 500

        func run() async throws {
            try await runWorkers(global: global, options: options, kinds: [.pelican], batchSize: batchSize)
        }
    }

    struct Emu: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Embed queued products and write them to the vector index.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: Options
        @Option(help: "Messages per batch (texts embedded together).") var batchSize = 64
        @Option(help: "Concurrent receivers.") var receivers = 2

        func run() async throws {
            try await runWorkers(global: global, options: options, kinds: [.emu], batchSize: batchSize, receivers: receivers)
        }
    }
}

/// `refarch-tui run-local`: pelican and emu in one process (what `make demo` runs behind the console).
struct RunLocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-local", abstract: "Run pelican and emu together in one process against the configured backends.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: WorkerCommand.Options

    func run() async throws {
        try await runWorkers(global: global, options: options, kinds: [.pelican, .emu], batchSize: nil)
    }
}

/// Builds the backends, logging, metrics and heartbeats, and runs the workers until a signal.
func runWorkers(
    global: GlobalOptions, options: WorkerCommand.Options, kinds: [WorkerIdentity.Kind],
    batchSize: Int?, receivers: Int = 2
) async throws {
    let context = try reportingErrors {
        try CommandContext(global, extraFlags: options.modelDirectory.map { ["--model-dir": $0] } ?? [:])
    }
    let heartbeatSeconds = options.heartbeatSeconds, metricsPort = options.metricsPort, metricsHost = options.metricsHost
    try await runUntilSignalled {
        try await reportingErrors {
            let identities = kinds.map { WorkerIdentity(kind: $0, configuredID: context.settings.string("worker.id")) }
            let level = Logger.Level(rawValue: context.settings.string("log.level") ?? "info") ?? .info
            let fields = ["worker": kinds.map(\.rawValue).joined(separator: "+"), "worker_id": identities[0].id]
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level, fields: fields) }
            let logger = Logger(label: "refarch.sync")
            let metrics = MetricsRegistry()
            let pool = context.makePool(maxConnections: 4)
            try await pool.withConnection { try await SchemaMigrator.requireCurrent($0) }
            let opened = try await makeJobQueue(context: context)
            var services: [@Sendable () async -> Void] = []
            var healthChecks: [@Sendable () -> Bool] = []
            var closers: [@Sendable () async -> Void] = [opened.close, { await pool.close() }]

            for identity in identities {
                let counters = WorkerCounters()
                var workerLogger = Logger(label: "refarch.sync.\(identity.kind.rawValue)")
                workerLogger.logLevel = level
                let heartbeat = HeartbeatWriter(
                    identity: identity, counters: counters, pool: pool,
                    interval: .seconds(max(1, heartbeatSeconds)), logger: workerLogger)
                switch identity.kind {
                case .pelican:
                    let pelican = PelicanService(
                        configuration: context.postgresConfiguration, pool: pool, queue: opened.queue,
                        options: .init(batchSize: batchSize ?? 500), counters: counters, metrics: metrics,
                        logger: workerLogger)
                    services.append { await pelican.run() }
                    services.append { await heartbeat.run(isLeader: { pelican.isLeader }) }
                    healthChecks.append { counters.isProgressing(within: .seconds(30)) }
                case .emu:
                    let embedder = try makeEmbedder(context: context)
                    let index = try await makeVectorIndex(context: context, loadVectors: false)
                    closers.append(index.close)
                    let template = EmbeddingTemplate(context.settings.string("embedding.template") ?? EmbeddingTemplate.standard.text)
                    let emu = EmuService(
                        queue: opened.queue, index: index.index, embedder: embedder, template: template,
                        options: .init(batchSize: batchSize ?? 64, receivers: receivers), counters: counters,
                        metrics: metrics, alerter: try makeDeadLetterAlerter(context: context, logger: workerLogger),
                        logger: workerLogger)
                    services.append { await emu.run() }
                    services.append { await heartbeat.run() }
                    healthChecks.append { counters.isProgressing(within: .seconds(60)) }
                }
                workerLogger.info("Worker started", metadata: ["queue": "\(opened.location)"])
            }
            let checks = healthChecks
            let server = try metricsPort.map {
                try MetricsServer(host: metricsHost, port: $0, registry: metrics) { checks.allSatisfy { $0() } }
            }
            let all = services
            await withTaskGroup(of: Void.self) { group in
                for service in all { group.addTask { await service() } }
            }
            server?.stop()
            for close in closers { await close() }
            logger.info("Worker stopped")
        }
    }
}
