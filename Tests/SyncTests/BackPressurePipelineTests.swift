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
}
