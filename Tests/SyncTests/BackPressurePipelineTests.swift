import Catalog
import Foundation
import PostgresCatalog
import TestSupport
import Testing

@testable import Sync

/// Issue 22 §2 and §3 with the running workers: a Pinecone that throttles a third of the
/// requests, and a catalog with a few texts of the largest size a description may have.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct BackPressurePipelineTests {
    static let catalogSize = 2_000
    static let longCount = 20

    /// Seeded products cut to their first sentence (a short text each).
    static func shortProducts(_ count: Int) -> [NewProduct] {
        SeedCatalog(seed: 22).products(count: count).map { product in
            var short = product
            short.description = String(product.description.split(separator: ". ", maxSplits: 1).first ?? "") + "."
            return short
        }
    }

    /// Products whose descriptions are as long as validation allows (100,000 characters).
    static func longProducts(_ count: Int) throws -> [NewProduct] {
        try (0..<count).map { n in
            let sentence = "Long listing \(n) describes a modular shelving system with many parts and options. "
            var text = String(repeating: sentence, count: ProductRules.maxDescriptionLength / sentence.count + 1)
            text = String(text.prefix(ProductRules.maxDescriptionLength)).trimmingCharacters(in: .whitespaces)
            return try NewProduct(name: "Shelving \(n)", sku: "LONG-\(n)", description: text, price: Price(cents: 10_000 + Int64(n)))
        }
    }

    @Test("a Pinecone that answers 429 to 30 % of requests slows emu down: everything indexed, verify clean, no dead letters")
    func throttlingIsBackPressure() async throws {
        guard PipelineBackend.available.contains(.aws) else { return }
        try await PipelineStack.with(.aws) { stack in
            let server = try #require(stack.pineconeServer)
            _ = try await ProductLoader.insert(Self.shortProducts(Self.catalogSize), into: stack.pool)
            server.throttle(fraction: 0.3, seed: 22)
            let namespace = "products"
            let name = try #require(server.indexNames.first)
            try await stack.withWorkersRunning {
                // Watch the server's own store (no HTTP), so the waiting is not throttled itself.
                let clock = ContinuousClock()
                let deadline = clock.now + .seconds(600)
                while server.records(index: name, namespace: namespace).count < Self.catalogSize, clock.now < deadline {
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
            server.throttle(fraction: 0)
            #expect(server.throttledCount > 100, "the server throttled \(server.throttledCount) requests")
            #expect(server.refusedCount == 0)
            let report = try await stack.waitUntilVerified()
            #expect(report.isClean && report.indexedProducts == Self.catalogSize, "\(report)")
            let stats = try await stack.queue.stats()
            #expect(stats.deadLetters.total == 0)
            #expect(stats.jobs.total == 0)
            // /metrics: the throttled requests and the limiter's rate, lowered from its ceiling.
            let labels = [("worker", "emu"), ("service", "pinecone")]
            let throttled = try #require(stack.emu.metrics.value("refarch_throttled_requests_total", labels: labels))
            #expect(throttled > 0)
            let rate = try #require(stack.emu.metrics.value("refarch_rate_limit_per_second", labels: labels))
            #expect(rate < 1_000)
            #expect(stack.emu.metrics.value("refarch_rate_limit_per_second", labels: [("worker", "emu"), ("service", "sqs")]) != nil)
        }
    }

    @Test(arguments: PipelineBackend.available)
    func twoThousandShortAndTwentyVeryLongTextsAreIndexedWithinThePineconeLimits(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend, dimension: 384) { stack in
            let long = try Self.longProducts(Self.longCount)
            var products = Self.shortProducts(Self.catalogSize)
            for (n, product) in long.enumerated() { products.insert(product, at: n * (products.count / Self.longCount)) }
            _ = try await ProductLoader.insert(products, into: stack.pool)
            try await stack.withWorkersRunning {
                let report = try await stack.waitUntilVerified(timeout: .seconds(600))
                #expect(report.isClean && report.indexedProducts == Self.catalogSize + Self.longCount, "\(report)")
            }
            #expect(try await stack.queue.stats().deadLetters.total == 0)
            let longIDs = try await stack.pool.query("SELECT id FROM products_with_increment WHERE sku LIKE 'LONG-%'").map {
                try $0.decode(Int64.self, at: 0)
            }
            #expect(longIDs.count == Self.longCount)
            for id in longIDs {
                #expect(try await stack.index.listIDs(prefix: "\(id)#").count == EmuService.Options().maxChunks)
            }
            guard let server = stack.pineconeServer else { return }
            #expect(server.refusedCount == 0)
            let longPrefixes = Set(longIDs.map { "\($0)#" })
            for request in server.received where request.path == "/vectors/upsert" {
                #expect(request.request.body.count <= 2 * 1024 * 1024)
                guard case .object(let body)? = request.json, case .array(let vectors)? = body["vectors"] else {
                    Issue.record("an upsert without vectors")
                    continue
                }
                #expect(vectors.count <= 1_000)
                var longInRequest = Set<String>()
                for case .object(let vector) in vectors {
                    if let metadata = vector["metadata"] {
                        #expect(try JSONEncoder().encode(metadata).count <= 40_960)
                    }
                    if case .string(let id)? = vector["id"], let hash = id.firstIndex(of: "#") {
                        let prefix = String(id[...hash])
                        if longPrefixes.contains(prefix) { longInRequest.insert(prefix) }
                    }
                }
                #expect(longInRequest.count <= 1, "one very long text per part: \(longInRequest)")
            }
        }
    }

    /// The cost the last session flagged: the text-hash check listed every product's ids
    /// before embedding (a `list` per product; Pinecone lists 200 times a second per index).
    /// Now chunk 0's `chunks` says where the others are: no listing, one or two reads a batch.
    @Test("the text-hash check reads chunk 0 instead of listing each product; vectors from before `chunks` are listed once")
    func theTextHashCheckDoesNotListEveryProduct() async throws {
        guard PipelineBackend.available.contains(.aws) else { return }
        try await PipelineStack.with(.aws) { stack in
            let server = try #require(stack.pineconeServer)
            let name = try #require(server.indexNames.first)
            var products: [Product] = []
            for n in 0..<12 {
                products.append(
                    try await stack.store.create(
                        try NewProduct(
                            name: "Lamp \(n)", sku: "L-\(n)", description: "A desk lamp, model \(n).", price: Price(cents: 1_000))))
            }
            let long = (1...30).map { "Sentence \($0) about a sturdy camping tent with aluminium poles and mesh." }.joined(separator: " ")
            products.append(
                try await stack.store.create(try NewProduct(name: "Tent", sku: "T-1", description: long, price: Price(cents: 10_000))))
            server.clearReceived()
            try await stack.sync()
            #expect(server.received.filter { $0.path == "/vectors/list" }.isEmpty, "new products need no listing")
            let tentChunks = try await stack.index.listIDs(prefix: "\(products.last!.id)#").count
            #expect(tentChunks > 1)
            #expect(try await stack.index.fetch(ids: ["\(products.last!.id)#0"]).first?.metadata["chunks"] == .number(Double(tentChunks)))

            // A price change: read, not listed, and not embedded.
            let calls = stack.emuEmbedder.calls
            func batches() -> Int { stack.emu.metrics.histogramTotals("refarch_batch_size", labels: [("worker", "emu")])?.count ?? 0 }
            let batchesBefore = batches()
            server.clearReceived()
            for product in products { _ = try await stack.store.update(id: product.id, try ProductChanges(price: Price(cents: 1_234))) }
            try await stack.sync()
            #expect(stack.emuEmbedder.calls == calls)
            #expect(server.received.filter { $0.path == "/vectors/list" }.isEmpty)
            let fetches = server.received.filter { $0.path == "/vectors/fetch" }.count
            #expect(fetches <= 2 * (batches() - batchesBefore), "at most two reads a batch: \(fetches)")
            #expect(try await Verifier(pool: stack.pool, index: stack.index).run().isClean)

            // Vectors written before `chunks` existed: listed, updated in place, and given `chunks`.
            let old = server.records(index: name, namespace: "products").values.map { record in
                var legacy = record
                legacy.metadata["chunks"] = nil
                return legacy
            }
            server.seed(index: name, namespace: "products", old)
            server.clearReceived()
            for product in products { _ = try await stack.store.update(id: product.id, try ProductChanges(price: Price(cents: 2_345))) }
            try await stack.sync()
            #expect(stack.emuEmbedder.calls == calls, "an upgrade does not re-embed")
            #expect(!server.received.filter { $0.path == "/vectors/list" }.isEmpty)
            #expect(server.records(index: name, namespace: "products").values.allSatisfy { $0.metadata["chunks"] != nil })
            #expect(try await Verifier(pool: stack.pool, index: stack.index).run().isClean)
        }
    }
}
