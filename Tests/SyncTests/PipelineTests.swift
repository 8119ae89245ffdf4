import Catalog
import Foundation
import Operations
import Postgres
import PostgresCatalog
import Queues
import Search
import TestSupport
import Testing

@testable import Sync

/// The pipeline end to end (outbox → pelican → job queue → emu → index → search), each test
/// on both backends: the embedded default, and SQS FIFO + DLQ in the AWS emulator with the
/// Pinecone test server. The embedder is `FixedEmbedder` (hashed words), so a vector can be
/// recomputed and compared; the model itself is tested in EmbeddingsTests and SearchQualityTests.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct PipelineTests {
    @Test(arguments: PipelineBackend.available)
    func insertsUpdatesAndDeletesReachTheIndex(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            let mug = try await stack.store.create(
                try NewProduct(
                    name: "Travel mug", sku: "M-1", description: "Keeps coffee hot on a commute.",
                    price: Price(cents: 2000)))
            let jacket = try await stack.store.create(
                try NewProduct(
                    name: "Rain jacket", sku: "J-1", description: "Keeps you dry on a hike.",
                    price: Price(cents: 9000)))
            let lamp = try await stack.store.create(
                try NewProduct(
                    name: "Desk lamp", sku: "L-1", description: "Light for late work.",
                    price: Price(cents: 3000)))
            try await stack.sync()
            #expect(try await stack.index.listIDs(prefix: "").count == 3)
            let vector = try await stack.index.fetch(ids: ["\(mug.id)#0"]).first
            #expect(vector?.metadata["sku"] == .string("M-1"))
            #expect(vector?.metadata["price"] == .number(20))
            let outboxLeft = try await stack.pool.query("SELECT count(*) FROM refarch_outbox")[0].decode(Int.self, at: 0)
            #expect(outboxLeft == 0)
            let lampFirst = try await stack.search.search(SearchRequest(query: lamp.description, topK: 3))
            #expect(lampFirst.hits.first?.product.id == lamp.id)

            _ = try await stack.store.update(id: jacket.id, try ProductChanges(description: "Waterproof shell for storms."))
            _ = try await stack.store.delete(id: lamp.id)
            try await stack.sync()
            #expect(try await stack.index.listIDs(prefix: "\(lamp.id)#").isEmpty)
            let jacketVector = try await stack.index.fetch(ids: ["\(jacket.id)#0"]).first
            #expect(
                jacketVector?.values == (try await stack.expectedVectors(for: #require(try await stack.store.product(id: jacket.id))))[0])
            // The deleted product is gone from search, also for its own words.
            let afterDelete = try await stack.search.search(SearchRequest(query: lamp.description, topK: 3))
            #expect(!afterDelete.hits.contains { $0.product.id == lamp.id })
            #expect(!afterDelete.hits.isEmpty)
            let report = try await Verifier(pool: stack.pool, index: stack.index).run()
            #expect(report.isClean, "\(report)")
        }
    }

    @Test(arguments: PipelineBackend.available)
    func longDescriptionsBecomeSeveralChunksAndShrinkBack(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            let long = (1...30).map { "Sentence number \($0) about a sturdy camping tent with aluminium poles and mesh." }.joined(
                separator: " ")
            let tent = try await stack.store.create(try NewProduct(name: "Tent", sku: "T-1", description: long, price: Price(cents: 10000)))
            try await stack.sync()
            let chunks = try await stack.index.listIDs(prefix: "\(tent.id)#")
            #expect(chunks.count > 3)
            #expect(chunks.count == (try await stack.expectedVectors(for: tent)).count)
            _ = try await stack.store.update(id: tent.id, try ProductChanges(description: "A small tent."))
            try await stack.sync()
            #expect(try await stack.index.listIDs(prefix: "\(tent.id)#") == ["\(tent.id)#0"])
        }
    }

    /// Issue 22 §1: an update that leaves the embedded text alone (a price) changes the
    /// vectors' metadata only — values bit for bit the same, the embedder not called — while
    /// a description change embeds again; `verify` tells metadata-stale from text-stale, and
    /// a template change makes every vector text-stale.
    @Test(arguments: PipelineBackend.available)
    func aPriceOnlyUpdateRewritesMetadataWithoutEmbeddingAndADescriptionChangeEmbeds(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            let long = (1...30).map { "Sentence \($0) about a sturdy camping tent with aluminium poles and mesh." }.joined(separator: " ")
            let mug = try await stack.store.create(
                try NewProduct(name: "Travel mug", sku: "M-1", description: "Keeps coffee hot on a commute.", price: Price(cents: 2000)))
            let tent = try await stack.store.create(try NewProduct(name: "Tent", sku: "T-1", description: long, price: Price(cents: 10000)))
            try await stack.sync()
            let ids = try await stack.index.listIDs(prefix: "")
            #expect(ids.count > 3, "the tent is several chunks")
            let before = try await stack.index.fetch(ids: ids)
            let embedded = (calls: stack.emuEmbedder.calls, texts: stack.emuEmbedder.texts)
            #expect(embedded.texts == 2)

            // Prices change in Postgres; until emu runs, verify sees metadata-stale vectors only.
            for product in [mug, tent] {
                _ = try await stack.store.update(id: product.id, try ProductChanges(price: Price(cents: product.price.cents + 199)))
            }
            let behind = try await Verifier(pool: stack.pool, index: stack.index).run()
            #expect(behind.metadataStale == 2 && behind.textStale == 0 && behind.stale == 2, "\(behind)")
            #expect(behind.metadataStaleExamples == [mug.id.rawValue, tent.id.rawValue].sorted())

            try await stack.sync()
            #expect(stack.emuEmbedder.calls == embedded.calls, "a price-only update must not run the embedder")
            let after = try await stack.index.fetch(ids: ids)
            #expect(after.map(\.id) == before.map(\.id))
            let seqs = try await Dictionary(
                uniqueKeysWithValues: stack.pool.query("SELECT product_id, seq FROM refarch_product_versions").map {
                    (try $0.decode(Int64.self, at: 0), try $0.decode(Int64.self, at: 1))
                })
            for (old, new) in zip(before, after) {
                #expect(old.values.map(\.bitPattern) == new.values.map(\.bitPattern), "\(new.id): values must stay bit-identical")
                let product = new.id.hasPrefix("\(mug.id)#") ? mug : tent
                #expect(new.metadata["price"] == .number(Double(product.price.cents + 199) / 100), "\(new.id)")
                #expect(new.metadata["seq"] == .number(Double(seqs[product.id.rawValue] ?? -1)), "\(new.id)")
                #expect(new.metadata["text_hash"] == old.metadata["text_hash"] && new.metadata["text_hash"] != nil)
                #expect(new.metadata["sku"] == old.metadata["sku"] && new.metadata["chunk"] == old.metadata["chunk"])
            }
            let current = try await Verifier(pool: stack.pool, index: stack.index).run()
            #expect(current.isClean, "\(current)")

            // A description change is text-stale until emu embeds it again.
            _ = try await stack.store.update(id: mug.id, try ProductChanges(description: "A steel mug with a lid that locks."))
            let changed = try await Verifier(pool: stack.pool, index: stack.index).run()
            #expect(changed.textStale == 1 && changed.metadataStale == 0 && changed.textStaleExamples == [mug.id.rawValue], "\(changed)")
            try await stack.sync()
            #expect(stack.emuEmbedder.texts == embedded.texts + 1, "only the changed description is embedded")
            let mugNow = try #require(try await stack.store.product(id: mug.id))
            #expect(try await stack.index.fetch(ids: ["\(mug.id)#0"]).first?.values == (try await stack.expectedVectors(for: mugNow))[0])
            #expect(try await Verifier(pool: stack.pool, index: stack.index).run().isClean)

            // Another template: every vector was made from another text.
            let retemplated = try await Verifier(pool: stack.pool, index: stack.index, template: EmbeddingTemplate("{name}: {description}"))
                .run()
            #expect(retemplated.textStale == 2 && retemplated.metadataStale == 0, "\(retemplated)")
        }
    }

    /// The issue's scale: a catalog indexed by the running workers, then changed while they run.
    static let catalogSize = 2_000

    @Test(arguments: PipelineBackend.available)
    func aCatalogReachesTheIndexAndEachExactDescriptionFindsItsProductFirst(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend, dimension: 384) { stack in
            // Seeded products, each description cut to its first sentence and made its own by
            // six made-up words: one window of the hashed-words embedder (a whole seeded
            // description is often two, and a near-twin's single window can outscore either
            // half, so "first" would be a coin toss between twins).
            var rng = SplitMix64(seed: 5)
            let seeded = SeedCatalog(seed: 11).products(count: Self.catalogSize).map { product in
                var unique = product
                let firstSentence = product.description.split(separator: ". ", maxSplits: 1).first ?? ""
                unique.description = "\(firstSentence). Tags: \(Self.madeUpWords(&rng))."
                return unique
            }
            _ = try await ProductLoader.insert(seeded, into: stack.pool)
            let ids = try await stack.pool.query("SELECT id FROM products_with_increment ORDER BY id").map {
                try $0.decode(Int64.self, at: 0)
            }
            #expect(ids.count == Self.catalogSize)

            try await stack.withWorkersRunning {
                let indexed = try await stack.waitUntilVerified(timeout: .seconds(600))
                #expect(indexed.isClean && indexed.indexedProducts == Self.catalogSize, "\(indexed)")
                try await expectExactDescriptionsFindTheirProducts(stack, ids: Self.sample(ids, 200, &rng))

                // Changes while the workers run: a quarter updated, a tenth deleted, some added.
                let shuffled = Self.sample(ids, ids.count, &rng)
                let updated = Array(shuffled.prefix(ids.count / 4))
                let deleted = Array(shuffled.dropFirst(ids.count / 4).prefix(ids.count / 10))
                for id in updated {
                    _ = try await stack.store.update(
                        id: ProductID(id), try ProductChanges(description: "Revised listing: \(Self.madeUpWords(&rng))."))
                }
                for id in deleted { #expect(try await stack.store.delete(id: ProductID(id))) }
                var added: [Int64] = []
                for n in 0..<100 {
                    let new = try NewProduct(
                        name: "Added item \(n)", sku: "ADD-\(n)", description: "Fresh stock: \(Self.madeUpWords(&rng)).",
                        price: Price(cents: Int64(100 + n)))
                    added.append(try await stack.store.create(new).id.rawValue)
                }

                let changed = try await stack.waitUntilVerified(timeout: .seconds(600))
                let expectedCount = Self.catalogSize - deleted.count + added.count
                #expect(changed.isClean && changed.indexedProducts == expectedCount, "\(changed)")
                try await expectExactDescriptionsFindTheirProducts(
                    stack, ids: Self.sample(updated, 100, &rng) + Self.sample(added, 20, &rng))
                for id in Self.sample(deleted, 50, &rng) {
                    #expect(try await stack.index.listIDs(prefix: "\(id)#").isEmpty, "product \(id) was deleted")
                }
                // Gone from search: a deleted product's exact old description no longer finds it.
                let oldDescriptions = Dictionary(uniqueKeysWithValues: zip(ids, seeded.map(\.description)))
                for id in Self.sample(deleted, 20, &rng) {
                    let result = try await stack.search.search(SearchRequest(query: oldDescriptions[id]!, topK: 10))
                    #expect(!result.hits.contains { $0.product.id.rawValue == id }, "deleted product \(id) still found")
                }
            }
        }
    }

    /// Searches each product's exact description and expects that product in first place.
    func expectExactDescriptionsFindTheirProducts(_ stack: PipelineStack, ids: [Int64]) async throws {
        let products = try await stack.store.products(ids: ids.map { ProductID($0) })
        #expect(products.count == ids.count)
        for product in products {
            let result = try await stack.search.search(SearchRequest(query: product.description, topK: 3))
            #expect(
                result.hits.first?.product.id == product.id,
                "\"\(product.description)\" found \(result.hits.map { "\($0.product.id): \($0.product.description)" })")
        }
    }

    /// Six made-up words of three syllables (4,096 possible words), so that no two products
    /// share a description and the hashed-words embedder tells them apart.
    static func madeUpWords(_ rng: inout SplitMix64) -> String {
        let syllables = ["ka", "lo", "mi", "ra", "tu", "ve", "zo", "pe", "ni", "su", "da", "fo", "gi", "hu", "je", "bo"]
        return (0..<6).map { _ in (0..<3).map { _ in syllables[rng.next(below: syllables.count)] }.joined() }.joined(separator: " ")
    }

    /// `count` distinct elements of `values`, drawn with `rng`.
    static func sample(_ values: [Int64], _ count: Int, _ rng: inout SplitMix64) -> [Int64] {
        var pool = values
        for i in pool.indices.reversed() where i > 0 { pool.swapAt(i, rng.next(below: i + 1)) }
        return Array(pool.prefix(count))
    }

    @Test(arguments: PipelineBackend.available)
    func manyQuickUpdatesEndWithTheFinalRows(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            var products: [Product] = []
            for i in 0..<50 {
                products.append(try await stack.store.create(try NewProduct(name: "P\(i)", sku: "Q-\(i)", price: Price(cents: 100))))
            }
            var rng = SplitMix64(seed: 3)
            try await stack.withWorkersRunning {
                // 500 updates in quick succession while the workers run: name, description or price.
                for n in 0..<500 {
                    let p = products[rng.next(below: products.count)]
                    let changes: ProductChanges
                    switch rng.next(below: 3) {
                    case 0: changes = try ProductChanges(name: "P\(p.id) v\(n)")
                    case 1: changes = try ProductChanges(description: "version \(n) of the product")
                    default: changes = try ProductChanges(price: Price(cents: Int64(100 + n)))
                    }
                    _ = try await stack.store.update(id: p.id, changes)
                }
                let report = try await stack.waitUntilVerified()
                #expect(report.isClean, "\(report)")
            }
            // The index equals the final rows: the last change's seq, the row's fields, its vector.
            let versions = try await stack.pool.query("SELECT product_id, seq FROM refarch_product_versions")
            #expect(versions.count == products.count)
            for row in versions {
                let id = try row.decode(Int64.self, at: 0), seq = try row.decode(Int64.self, at: 1)
                let final = try #require(try await stack.store.product(id: ProductID(id)))
                let stored = try #require(try await stack.index.fetch(ids: ["\(id)#0"]).first)
                #expect(stored.metadata["seq"] == .number(Double(seq)))
                #expect(stored.metadata["name"] == .string(final.name))
                #expect(stored.metadata["price"] == .number(final.price.doubleValue))
                #expect(stored.values == (try await stack.expectedVectors(for: final))[0])
                #expect(try await stack.index.listIDs(prefix: "\(id)#") == ["\(id)#0"])
            }
            #expect(try await stack.queue.stats().deadLetters.visible == 0)
        }
    }

    @Test(arguments: PipelineBackend.available)
    func poisonMessagesGoToTheDeadLetterQueueWithTheirReasonWhileTheWorkerKeepsWorking(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            try await stack.withWorkersRunning {
                let before = try await stack.store.create(try NewProduct(name: "Before", sku: "F-0", price: Price(cents: 100)))
                _ = try await stack.queue.send([
                    JobMessage(body: "not json", groupID: "x", deduplicationID: "p1"),
                    JobMessage(body: #"{"v":9,"op":"upsert","id":1}"#, groupID: "y", deduplicationID: "p2"),
                    JobMessage(body: #"{"v":1,"op":"rename","id":2}"#, groupID: "z", deduplicationID: "p3"),
                ])
                let after = try await stack.store.create(try NewProduct(name: "After", sku: "F-1", price: Price(cents: 100)))
                let report = try await stack.waitUntilVerified()
                #expect(report.isClean && report.indexedProducts == 2, "\(report)")
                // The worker is still at work after the poison: a later change is indexed too.
                _ = try await stack.store.update(id: after.id, try ProductChanges(description: "Indexed after the poison."))
                _ = try await stack.store.delete(id: before.id)
                let later = try await stack.waitUntilVerified()
                #expect(later.isClean && later.indexedProducts == 1, "\(later)")
            }
            let dead = try await stack.queue.peek(.deadLetters, limit: 10)
            let reasons = Dictionary(dead.map { ($0.body, $0.deadLetterReason ?? "") }, uniquingKeysWith: { a, _ in a })
            #expect(dead.count == 3)
            #expect(reasons["not json"]?.hasPrefix("not JSON") == true, "\(reasons)")
            #expect(reasons[#"{"v":9,"op":"upsert","id":1}"#] == "unknown message version 9 (this build reads v1)", "\(reasons)")
            #expect(reasons[#"{"v":1,"op":"rename","id":2}"#]?.hasPrefix("wrong shape") == true, "\(reasons)")
            #expect(try await stack.queue.stats().jobs.total == 0)
        }
    }
}
