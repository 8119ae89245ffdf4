import Catalog
import Logging
import Postgres
import PostgresCatalog
import Queues
import Telemetry
import Testing
import TestSupport
import LocalIndex
@testable import Sync

let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// Products in Postgres, the embedded queue and the local index on one test schema.
struct EmbeddedStack {
    let config: PostgresConfiguration
    let pool: PostgresPool
    let store: PostgresProductStore
    let queue: PostgresJobQueue
    let index: LocalVectorIndex
    let pelican: PelicanService
    let emu: EmuService

    static func with(_ body: (EmbeddedStack) async throws -> Void) async throws {
        try await TestDatabase.withSchema { config in
            let conn = try await PostgresConnection.connect(config)
            _ = try await SchemaMigrator.migrate(conn, logger: quietLogger)
            await conn.close()
            let pool = PostgresPool(configuration: config, maxConnections: 3)
            let queuePool = PostgresPool(configuration: config, maxConnections: 3)
            let queue = PostgresJobQueue(pool: queuePool, options: .init(visibilityTimeout: .seconds(5), maxReceiveCount: 3))
            let embedder = FixedEmbedder(dimension: 64)
            let index = try await LocalVectorIndex.open(configuration: config, dimension: 64, threads: 1, logger: quietLogger)
            let metrics = MetricsRegistry()
            let pelican = PelicanService(configuration: config, pool: pool, queue: queue, options: .init(batchSize: 50),
                                         counters: WorkerCounters(), metrics: metrics, logger: quietLogger)
            let emu = EmuService(queue: queue, index: index, embedder: embedder, options: .init(batchSize: 64, wait: .milliseconds(200)),
                                 counters: WorkerCounters(), metrics: metrics, logger: quietLogger)
            let stack = EmbeddedStack(config: config, pool: pool, store: PostgresProductStore(pool: pool), queue: queue, index: index,
                                      pelican: pelican, emu: emu)
            do {
                try await body(stack)
            } catch {
                await stack.close(queuePool)
                throw error
            }
            await stack.close(queuePool)
        }
    }

    func close(_ queuePool: PostgresPool) async {
        queue.close()
        await index.close()
        await pool.close()
        await queuePool.close()
    }

    /// Pelican drains everything, emu processes everything, the index catches up.
    func sync() async throws {
        while try await pelican.drainOnce() > 0 {}
        while true {
            let jobs = try await queue.receive(maxMessages: 64, wait: .zero, visibilityTimeout: .seconds(5))
            if jobs.isEmpty { break }
            try await emu.process(jobs)
        }
        try await index.catchUp()
    }
}

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct PipelineTests {
    @Test func insertsUpdatesAndDeletesReachTheIndex() async throws {
        try await EmbeddedStack.with { stack in
            let mug = try await stack.store.create(try NewProduct(name: "Travel mug", sku: "M-1", description: "Keeps coffee hot on a commute.",
                                                                  price: Price(cents: 2000)))
            let jacket = try await stack.store.create(try NewProduct(name: "Rain jacket", sku: "J-1", description: "Keeps you dry on a hike.",
                                                                     price: Price(cents: 9000)))
            let lamp = try await stack.store.create(try NewProduct(name: "Desk lamp", sku: "L-1", description: "Light for late work.",
                                                                   price: Price(cents: 3000)))
            try await stack.sync()
            #expect(try await stack.index.listIDs(prefix: "").count == 3)
            let vector = try await stack.index.fetch(ids: ["\(mug.id)#0"]).first
            #expect(vector?.metadata["sku"] == .string("M-1"))
            #expect(vector?.metadata["price"] == .number(20))
            let outboxLeft = try await stack.pool.query("SELECT count(*) FROM refarch_outbox")[0].decode(Int.self, at: 0)
            #expect(outboxLeft == 0)

            _ = try await stack.store.update(id: jacket.id, try ProductChanges(description: "Waterproof shell for storms."))
            _ = try await stack.store.delete(id: lamp.id)
            try await stack.sync()
            #expect(try await stack.index.listIDs(prefix: "\(lamp.id)#").isEmpty)
            let report = try await Verifier(pool: stack.pool, index: stack.index).run()
            #expect(report.isClean, "\(report)")
        }
    }

    @Test func longDescriptionsBecomeSeveralChunksAndShrinkBack() async throws {
        try await EmbeddedStack.with { stack in
            let long = (1...30).map { "Sentence number \($0) about a sturdy camping tent with aluminium poles and mesh." }.joined(separator: " ")
            let tent = try await stack.store.create(try NewProduct(name: "Tent", sku: "T-1", description: long, price: Price(cents: 10000)))
            try await stack.sync()
            let chunks = try await stack.index.listIDs(prefix: "\(tent.id)#")
            #expect(chunks.count > 3)
            _ = try await stack.store.update(id: tent.id, try ProductChanges(description: "A small tent."))
            try await stack.sync()
            #expect(try await stack.index.listIDs(prefix: "\(tent.id)#") == ["\(tent.id)#0"])
        }
    }

    @Test func manyQuickUpdatesEndWithTheFinalRows() async throws {
        try await EmbeddedStack.with { stack in
            var products: [Product] = []
            for i in 0..<10 {
                products.append(try await stack.store.create(try NewProduct(name: "P\(i)", sku: "Q-\(i)", price: Price(cents: 100))))
            }
            var rng = SplitMix64(seed: 3)
            for n in 0..<100 {
                let p = products[rng.next(below: products.count)]
                _ = try await stack.store.update(id: p.id, try ProductChanges(description: "version \(n)"))
                if n % 17 == 0 { _ = try await stack.pelican.drainOnce() }
            }
            try await stack.sync()
            let report = try await Verifier(pool: stack.pool, index: stack.index).run()
            #expect(report.isClean, "\(report)")
            // The seq in the index is the last change's seq.
            let versions = try await stack.pool.query("SELECT product_id, seq FROM refarch_product_versions")
            for row in versions {
                let id = try row.decode(Int64.self, at: 0), seq = try row.decode(Int64.self, at: 1)
                let stored = try await stack.index.fetch(ids: ["\(id)#0"]).first?.metadata["seq"]
                #expect(stored == .number(Double(seq)))
            }
        }
    }

    @Test func poisonMessagesGoToTheDeadLetterQueueWithTheirReason() async throws {
        try await EmbeddedStack.with { stack in
            _ = try await stack.queue.send([JobMessage(body: "not json", groupID: "x", deduplicationID: "p1"),
                                            JobMessage(body: #"{"v":9,"op":"upsert","id":1}"#, groupID: "y", deduplicationID: "p2")])
            _ = try await stack.store.create(try NewProduct(name: "Fine", sku: "F-1", price: Price(cents: 100)))
            try await stack.sync()
            let dead = try await stack.queue.peek(.deadLetters, limit: 10)
            #expect(dead.count == 2)
            #expect(dead.compactMap(\.deadLetterReason).allSatisfy { !$0.isEmpty })
            #expect(try await stack.index.listIDs(prefix: "").count == 1)
        }
    }
}
