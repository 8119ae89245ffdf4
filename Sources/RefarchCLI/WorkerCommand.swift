import ArgumentParser
import Catalog
import Foundation
import Logging
import Postgres
import PostgresCatalog
import ServiceLifecycle
import Sync
import Telemetry
import UnixSignals

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

/// Builds the backends, logging, metrics and heartbeats, and runs the workers in a service
/// group until SIGTERM, SIGINT or SIGHUP (the terminal that started it closed, as when the
/// window of `make demo` is closed) asks for a graceful shutdown.
///
/// The signal handlers are in place before any start-up work (model loading, connecting): a
/// signal during start-up cancels start-up instead of killing the process, and the exit is
/// still clean. Later SIGTERMs and SIGHUPs do not cut a clean stop short (a script that stops
/// its children sends SIGTERM to a worker a hang-up already reached); a second SIGINT (ctrl-c
/// pressed again) exits at once.
///
/// Shutdown order (``WorkerServices``): emu stops receiving, finishes the batch in hand and
/// flushes its dead-letter alerts; then pelican finishes its batch; then the heartbeats remove
/// their rows; then the metrics server stops; last the index, queue and database close.
func runWorkers(
    global: GlobalOptions, options: WorkerCommand.Options, kinds: [WorkerIdentity.Kind],
    batchSize: Int?, receivers: Int = 2
) async throws {
    // Trapped first thing, before reading the configuration: a stop signal from here on is
    // never fatal, and one that arrives before the group runs is remembered by it.
    let stopSignals = await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup)
    let context = try reportingErrors {
        try CommandContext(global, extraFlags: options.modelDirectory.map { ["--model-dir": $0] } ?? [:])
    }
    let identities = kinds.map { WorkerIdentity(kind: $0, configuredID: context.settings.string("worker.id")) }
    let level = Logger.Level(rawValue: context.settings.string("log.level") ?? "info") ?? .info
    let fields = ["worker": kinds.map(\.rawValue).joined(separator: "+"), "worker_id": identities[0].id]
    LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level, fields: fields) }
    let logger = Logger(label: "refarch.sync")
    let process = WorkerProcess(logger: logger) {
        try await startWorkers(
            context: context, options: options, identities: identities, level: level, batchSize: batchSize,
            receivers: receivers)
    }
    // The group traps the same signals itself once it runs; the watcher covers the moments
    // before that, and makes a second SIGINT (ctrl-c again) exit at once.
    let group = ServiceGroup(
        configuration: ServiceGroupConfiguration(
            services: [.init(service: process)], gracefulShutdownSignals: [.sigterm, .sigint, .sighup],
            cancellationSignals: [], logger: logger))
    let watcher = Task {
        var interrupts = 0
        for await signal in stopSignals {
            if signal == .sigint {
                interrupts += 1
                if interrupts > 1 { exit(130) }
            }
            await group.triggerGracefulShutdown()
        }
    }
    defer { watcher.cancel() }
    try await reportingErrors { try await group.run() }
}

/// Starts the backends and services (cancelled if a stop signal arrives meanwhile), then runs
/// them as a service group of their own, which takes the graceful shutdown from the process's group.
struct WorkerProcess: Service {
    let logger: Logger
    let start: @Sendable () async throws -> WorkerServices

    func run() async throws {
        let services: WorkerServices
        do {
            services = try await cancelWhenGracefulShutdown { try await start() }
        } catch  where Task.isShuttingDownGracefully || Task.isCancelled {
            // Stopped on request while starting up: not a failure.
            logger.info("Worker stopped")
            return
        }
        if Task.isShuttingDownGracefully {
            await services.closeAll()
            logger.info("Worker stopped")
            return
        }
        try await services.group(logger: logger).run()
        logger.info("Worker stopped")
    }
}

/// The running parts of a worker process, in start order; a service group shuts them down in
/// reverse: the workers (emu before pelican), their heartbeats, the metrics server, and last
/// the resources they share (index, queue, database).
struct WorkerServices: Sendable {
    var workers: [ServiceGroupConfiguration.ServiceConfiguration] = []
    var heartbeats: [ServiceGroupConfiguration.ServiceConfiguration] = []
    var metricsServer: MetricsServer?
    /// Closed last, in this order.
    var closers: [@Sendable () async -> Void] = []

    func group(logger: Logger) -> ServiceGroup {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: ClosingService(closers: closers, logger: logger), serviceName: "index, queue and database")
        ]
        if let metricsServer {
            let stopping = CancelOnShutdownService(name: "metrics server", logger: logger) {
                try? await metricsServer.run()
            }
            services.append(.init(service: stopping, serviceName: "metrics server"))
        }
        services += heartbeats
        services += workers
        return ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: logger))
    }

    func closeAll() async {
        metricsServer?.stop()
        for close in closers { await close() }
    }
}

/// Runs a loop that stops when its task is cancelled (pelican, emu, heartbeats) as a service:
/// graceful shutdown cancels it, and the loop finishes what it has in hand before returning.
/// Logs "Service stopped" with its name once the loop has returned, so the shutdown order shows in the log.
struct CancelOnShutdownService: Service {
    let name: String
    let logger: Logger
    let body: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown { await body() }
        logger.info("Service stopped", metadata: ["service": "\(name)"])
    }
}

/// Waits for graceful shutdown, then closes what the other services used; first in the
/// group, so it runs when everything else has stopped.
struct ClosingService: Service {
    let closers: [@Sendable () async -> Void]
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        for close in closers { await close() }
        logger.info("Service stopped", metadata: ["service": "index, queue and database"])
    }
}

/// Connects, opens the queue, index and embedder, and builds the services (nothing runs yet).
func startWorkers(
    context: CommandContext, options: WorkerCommand.Options, identities: [WorkerIdentity], level: Logger.Level,
    batchSize: Int?, receivers: Int
) async throws -> WorkerServices {
    let heartbeatSeconds = options.heartbeatSeconds
    let metrics = MetricsRegistry()
    let pool = context.makePool(maxConnections: 4)
    var services = WorkerServices()
    do {
        try await pool.withConnection { try await SchemaMigrator.requireCurrent($0) }
        let opened = try await makeJobQueue(context: context)
        services.closers = [opened.close, { await pool.close() }]
        var healthChecks: [@Sendable () -> Bool] = []
        var pelicanWorker: ServiceGroupConfiguration.ServiceConfiguration?
        var emuWorker: ServiceGroupConfiguration.ServiceConfiguration?
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
                pelicanWorker = .init(
                    service: CancelOnShutdownService(name: "pelican", logger: workerLogger) { await pelican.run() }, serviceName: "pelican")
                services.heartbeats.append(
                    .init(
                        service: CancelOnShutdownService(name: "pelican heartbeat", logger: workerLogger) {
                            await heartbeat.run(isLeader: { pelican.isLeader })
                        },
                        serviceName: "pelican heartbeat"))
                healthChecks.append { counters.isProgressing(within: .seconds(30)) }
            case .emu:
                let embedder = try makeEmbedder(context: context)
                let index = try await makeVectorIndex(context: context, loadVectors: false)
                // The index closes before the queue and the database.
                services.closers.insert(index.close, at: 0)
                let template = EmbeddingTemplate(context.settings.string("embedding.template") ?? EmbeddingTemplate.standard.text)
                let emu = EmuService(
                    queue: opened.queue, index: index.index, embedder: embedder, template: template,
                    options: .init(batchSize: batchSize ?? 64, receivers: receivers), counters: counters,
                    metrics: metrics, alerter: try makeDeadLetterAlerter(context: context, logger: workerLogger),
                    syncControl: SyncControl(pool: pool), logger: workerLogger)
                emuWorker = .init(
                    service: CancelOnShutdownService(name: "emu", logger: workerLogger) { await emu.run() }, serviceName: "emu")
                services.heartbeats.append(
                    .init(
                        service: CancelOnShutdownService(name: "emu heartbeat", logger: workerLogger) { await heartbeat.run() },
                        serviceName: "emu heartbeat"))
                healthChecks.append { counters.isProgressing(within: .seconds(60)) }
            }
            workerLogger.info("Worker started", metadata: ["queue": "\(opened.location)"])
        }
        // Shut down in reverse: emu (stop receiving, finish the batch, flush alerts), then pelican.
        services.workers = [pelicanWorker, emuWorker].compactMap { $0 }
        let checks = healthChecks
        services.metricsServer = try options.metricsPort.map {
            try MetricsServer(host: options.metricsHost, port: $0, registry: metrics) { checks.allSatisfy { $0() } }
        }
        return services
    } catch {
        await services.closeAll()
        if services.closers.isEmpty { await pool.close() }
        throw error
    }
}
