import AWS
import Catalog
import Foundation
import HTTP
import LocalIndex
import Logging
import Pinecone
import Postgres
import PostgresCatalog
import Queues
import Search
import Telemetry
import TestSupport
import Testing

@testable import Sync

let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// The two ways the pipeline runs, as the pipeline tests see them.
enum PipelineBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// The embedded default: the Postgres job queue and the local index in Postgres.
    case embedded
    /// AWS mode on loopback: an SQS FIFO queue with a FIFO DLQ (redrive policy) in the AWS
    /// emulator, and an index on the Pinecone test server.
    case aws

    /// The backends whose services are there: the AWS case needs the emulator, which
    /// `make test` always starts (there, a missing endpoint fails the AWS case).
    static var available: [PipelineBackend] { TestEnvironment.hasAWSEmulator ? allCases : [.embedded] }

    var testDescription: String {
        switch self {
        case .embedded: "embedded (Postgres queue, local index)"
        case .aws: "AWS (SQS FIFO + DLQ in the emulator, Pinecone test server)"
        }
    }
}

/// Products in Postgres (a test schema of their own), pelican and emu, and the job queue and
/// vector index of one backend. Everything a test creates has a random suffix and is removed
/// when the test ends, failing or not.
struct PipelineStack: Sendable {
    let backend: PipelineBackend
    let config: PostgresConfiguration
    let pool: PostgresPool
    let store: PostgresProductStore
    let queue: any JobQueue
    let index: any VectorIndex
    let embedder: FixedEmbedder
    /// Emu's embedder: ``embedder``, counted.
    let emuEmbedder: CountingEmbedder<FixedEmbedder>
    let pelican: PelicanService
    let emu: EmuService
    /// Makes the index's reads current: the local index applies committed changes to its
    /// in-memory matrix; Pinecone (the test server) reads its writes at once.
    let catchUp: @Sendable () async throws -> Void
    /// The Pinecone test server behind ``index`` (AWS backend only), for faults and requests.
    var pineconeServer: PineconeTestServer? = nil

    /// How long one receive waits: the Postgres queue is woken by NOTIFY; SQS counts whole
    /// seconds, and a zero wait would make idle receivers spin against the emulator.
    var receiveWait: Duration { backend == .aws ? .seconds(1) : .milliseconds(200) }

    static func with(_ backend: PipelineBackend, dimension: Int = 64, _ body: (PipelineStack) async throws -> Void) async throws {
        try await TestDatabase.withSchema { config in
            let conn = try await PostgresConnection.connect(config)
            _ = try await SchemaMigrator.migrate(conn, logger: quietLogger)
            await conn.close()
            let pool = PostgresPool(configuration: config, maxConnections: 3)
            var cleanups: [@Sendable () async -> Void] = [{ await pool.close() }]
            func cleanUp() async {
                for cleanup in cleanups.reversed() { await cleanup() }
            }
            do {
                let queue: any JobQueue, index: any VectorIndex, catchUp: @Sendable () async throws -> Void
                var pineconeServer: PineconeTestServer?
                switch backend {
                case .embedded:
                    let queuePool = PostgresPool(configuration: config, maxConnections: 3)
                    let postgresQueue = PostgresJobQueue(
                        pool: queuePool, options: .init(visibilityTimeout: .seconds(5), maxReceiveCount: 3))
                    cleanups.append {
                        await postgresQueue.close(); await queuePool.close()
                    }
                    let local = try await LocalVectorIndex.open(
                        configuration: config, dimension: dimension, threads: 1, logger: quietLogger)
                    cleanups.append { await local.close() }
                    (queue, index, catchUp) = (postgresQueue, local, { try await local.catchUp() })
                case .aws:
                    let sqs = try await SQSTestQueue.create(visibility: 5, maxReceiveCount: 3)
                    cleanups.append { await sqs.remove() }
                    let pinecone = try await PineconeTestIndex.create(dimension: dimension)
                    cleanups.append { pinecone.remove() }
                    (queue, index, catchUp) = (sqs.queue, pinecone.index, {})
                    pineconeServer = pinecone.server
                }
                let embedder = FixedEmbedder(dimension: dimension)
                let emuEmbedder = CountingEmbedder(embedder)
                let metrics = MetricsRegistry()
                let pelican = PelicanService(
                    configuration: config, pool: pool, queue: queue, options: .init(batchSize: 50),
                    counters: WorkerCounters(), metrics: metrics, logger: quietLogger)
                let wait: Duration = backend == .aws ? .seconds(1) : .milliseconds(200)
                let emu = EmuService(
                    queue: queue, index: index, embedder: emuEmbedder,
                    options: .init(batchSize: 64, wait: wait, visibilityTimeout: .seconds(30)),
                    counters: WorkerCounters(), metrics: metrics, syncControl: SyncControl(pool: pool), logger: quietLogger)
                let stack = PipelineStack(
                    backend: backend, config: config, pool: pool, store: PostgresProductStore(pool: pool),
                    queue: queue, index: index, embedder: embedder, emuEmbedder: emuEmbedder, pelican: pelican, emu: emu, catchUp: catchUp,
                    pineconeServer: pineconeServer)
                try await body(stack)
            } catch {
                await cleanUp()
                throw error
            }
            await cleanUp()
        }
    }

    /// Steps the pipeline by hand until it is idle: pelican drains the outbox, emu processes
    /// everything the queue holds, the index's reads catch up.
    func sync() async throws {
        while try await pelican.drainOnce() > 0 {}
        while true {
            let jobs = try await queue.receive(maxMessages: 64, wait: .zero, visibilityTimeout: .seconds(5))
            if jobs.isEmpty { break }
            try await emu.process(jobs)
        }
        try await catchUp()
    }

    /// Runs pelican and emu as the workers do (NOTIFY wake-ups, long polls, two receivers)
    /// while `body` runs, and stops them afterwards.
    func withWorkersRunning<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let workers = Task { [pelican, emu] in
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await pelican.run() }
                group.addTask { await emu.run() }
            }
        }
        do {
            let value = try await body()
            workers.cancel()
            await workers.value
            return value
        } catch {
            workers.cancel()
            await workers.value
            throw error
        }
    }

    /// Compares the catalog with the index (after catching up) until they agree, for at most
    /// `timeout`; returns the last report (clean, or what was still different).
    func waitUntilVerified(timeout: Duration = .seconds(600)) async throws -> Verifier.Report {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            try await catchUp()
            let report = try await Verifier(pool: pool, index: index).run()
            if report.isClean { return report }
            if clock.now >= deadline {
                Issue.record("not verified after \(timeout): \(await whereTheWorkIs())")
                return report
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Where the pipeline's work is (the outbox backlog, the job queue, the DLQ, the workers'
    /// pause flags), so a wait that runs out says which stage the changes stopped at.
    func whereTheWorkIs() async -> String {
        var facts: [String] = []
        do {
            let rows = try await pool.query("SELECT count(*) FROM refarch_outbox")
            facts.append("outbox \(try rows.first?.decode(Int.self, at: 0) ?? -1)")
        } catch { facts.append("outbox unknown (\(error))") }
        do {
            let stats = try await queue.stats()
            facts.append("jobs \(stats.jobs.visible) visible, \(stats.jobs.inFlight) in flight")
            facts.append("DLQ \(stats.deadLetters.visible) visible")
        } catch { facts.append("queue unknown (\(error))") }
        for (name, paused, counters) in [("pelican", pelican.isPaused, pelican.counters), ("emu", emu.isPaused, emu.counters)] {
            facts.append("\(name) \(paused ? "paused" : "running"), \(counters.processed) processed, \(counters.errors) errors")
        }
        return facts.joined(separator: "; ")
    }

    /// Search over this stack's index and products, embedding queries as emu embeds documents.
    var search: SearchService { SearchService(embedder: embedder, index: index, store: store, logger: quietLogger) }

    /// The vectors emu must have written for `product`: its template text, chunked, embedded.
    func expectedVectors(for product: Product) async throws -> [[Float]] {
        let document = EmbeddingDocument(
            prefix: EmbeddingTemplate.standard.render(name: product.name, description: ""),
            body: product.description)
        return try await embedder.embedDocuments([document], maxChunks: EmuService.Options().maxChunks)[0]
    }
}

/// A FIFO jobs queue and its FIFO DLQ (redrive policy) in the AWS emulator, named with a
/// random suffix; ``remove()`` deletes both.
struct SQSTestQueue: Sendable {
    let queue: SQSJobQueue
    let http: HTTPClient

    /// Creates `pipe-<random>.fifo` and `pipe-<random>-dlq.fifo` (visibility in seconds).
    static func create(visibility: Int, maxReceiveCount: Int) async throws -> SQSTestQueue {
        let http = HTTPClient(configuration: .init(maxConcurrentRequests: 6, timeout: .seconds(40)), logger: quietLogger)
        let sqs = SQSClient(configuration: try AWSEmulator.configuration(http: http, retry: RetryPolicy()))
        let (source, dlq) = try await AWSEmulator.fifoQueueWithDeadLetters(
            sqs, prefix: "pipe", visibility: visibility, maxReceiveCount: maxReceiveCount)
        let queue = try await SQSJobQueue.open(sqs: sqs, queueURL: source, deadLetterURL: nil)
        #expect(queue.deadLetterURL == dlq)
        return SQSTestQueue(queue: queue, http: http)
    }

    func remove() async {
        _ = try? await queue.sqs.deleteQueue(url: queue.queueURL)
        _ = try? await queue.sqs.deleteQueue(url: queue.deadLetterURL)
        http.shutdown()
    }
}

/// An index named with a random suffix on a Pinecone test server of its own, opened the way
/// the workers open it (described through the control plane); ``remove()`` stops the server.
struct PineconeTestIndex: Sendable {
    let server: PineconeTestServer
    let name: String
    let index: PineconeIndex
    let http: HTTPClient

    static func create(dimension: Int) async throws -> PineconeTestIndex {
        let server = try PineconeTestServer()
        let name = "pipe-\(UInt32.random(in: 0..<UInt32.max))"
        try server.createIndex(name: name, dimension: dimension)
        let http = HTTPClient(logger: quietLogger)
        let configuration = try PineconeConfiguration(
            apiKey: server.apiKey, indexName: name, namespace: "products", controllerHost: server.controllerURL, http: http,
            logger: quietLogger)
        let index = try await PineconeIndex.open(configuration: configuration)
        return PineconeTestIndex(server: server, name: name, index: index, http: http)
    }

    func remove() {
        http.shutdown()
        server.stop()
    }
}
