import Catalog
import Foundation
import PostgresCatalog
import TestSupport
import Testing

@testable import Sync

/// What emu asks of the index for the changes that need no embedding, counted on the Pinecone
/// test server: a price-only update writes each batch back in one upsert with the values it has
/// just read (not one `/vectors/update` per vector, which Pinecone takes 100 times a second),
/// and a delete finds a product's chunks from chunk 0's `chunks` (not a `list` per product).
/// Vectors written before `chunks` existed are still found by listing. The index contents are
/// checked on both backends.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct EmuIndexRequestTests {
    /// A few short products and one long enough for several chunks.
    static func createProducts(_ stack: PipelineStack, count: Int) async throws -> [Product] {
        var products: [Product] = []
        for n in 0..<count {
            products.append(
                try await stack.store.create(
                    try NewProduct(name: "Lamp \(n)", sku: "L-\(n)", description: "A desk lamp, model \(n).", price: Price(cents: 1_000))))
        }
        let long = (1...30).map { "Sentence \($0) about a sturdy camping tent with aluminium poles and mesh." }.joined(separator: " ")
        products.append(
            try await stack.store.create(try NewProduct(name: "Tent", sku: "T-1", description: long, price: Price(cents: 10_000))))
        try await stack.sync()
        #expect(try await stack.index.listIDs(prefix: "\(products.last!.id)#").count > 1, "the tent is several chunks")
        return products
    }

    /// How many batches emu has processed.
    static func batches(_ stack: PipelineStack) -> Int {
        stack.emu.metrics.histogramTotals("refarch_batch_size", labels: [("worker", "emu")])?.count ?? 0
    }

    /// The requests to `path` among those the Pinecone test server received.
    static func count(_ received: [PineconeTestServer.Received], _ path: String) -> Int {
        received.filter { $0.path == path }.count
    }

    @Test(arguments: PipelineBackend.available)
    func aPriceOnlyUpdateIsOneUpsertPerBatchWithTheStoredValues(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            let products = try await Self.createProducts(stack, count: 24)
            let ids = try await stack.index.listIDs(prefix: "")
            let before = try await stack.index.fetch(ids: ids)
            let embedderCalls = stack.emuEmbedder.calls
            let batchesBefore = Self.batches(stack)
            stack.pineconeServer?.clearReceived()
            for product in products { _ = try await stack.store.update(id: product.id, try ProductChanges(price: Price(cents: 1_234))) }
            try await stack.sync()
            let received = stack.pineconeServer?.received ?? []
            let batches = Self.batches(stack) - batchesBefore

            #expect(stack.emuEmbedder.calls == embedderCalls, "a price-only update must not run the embedder")
            let after = try await stack.index.fetch(ids: ids)
            #expect(after.map(\.id) == before.map(\.id))
            for (old, new) in zip(before, after) {
                #expect(old.values.map(\.bitPattern) == new.values.map(\.bitPattern), "\(new.id): values must stay bit-identical")
                #expect(new.metadata["price"] == .number(12.34), "\(new.id)")
                let changing: Set<String> = ["price", "seq", "last_updated"]
                #expect(new.metadata.filter { !changing.contains($0.key) } == old.metadata.filter { !changing.contains($0.key) })
            }
            #expect(try await Verifier(pool: stack.pool, index: stack.index).run().isClean)

            guard stack.pineconeServer != nil else { return }
            #expect(batches >= 1)
            #expect(Self.count(received, "/vectors/update") == 0, "no update per vector")
            #expect(Self.count(received, "/vectors/upsert") == batches, "one upsert per batch (\(batches) batches)")
            #expect(Self.count(received, "/vectors/list") == 0)
        }
    }

    @Test(arguments: PipelineBackend.available)
    func deletesFindTheChunksFromChunkZeroAndListOnlyVectorsWithoutChunks(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            let products = try await Self.createProducts(stack, count: 24)
            let tent = products.last!
            // The first half (and the tent, several chunks) has `chunks` in chunk 0: no listing.
            let first = Array(products.prefix(12)) + [tent]
            let batchesBefore = Self.batches(stack)
            stack.pineconeServer?.clearReceived()
            for product in first { _ = try await stack.store.delete(id: product.id) }
            try await stack.sync()
            let received = stack.pineconeServer?.received ?? []
            let batches = Self.batches(stack) - batchesBefore
            for product in first { #expect(try await stack.index.listIDs(prefix: "\(product.id)#").isEmpty, "\(product.id)") }
            let rest = Array(products[12..<24])
            for product in rest { #expect(try await stack.index.listIDs(prefix: "\(product.id)#") == ["\(product.id)#0"]) }
            #expect(try await Verifier(pool: stack.pool, index: stack.index).run().isClean)
            if stack.pineconeServer != nil {
                #expect(Self.count(received, "/vectors/list") == 0, "chunk 0 says how many chunks there are")
                #expect(Self.count(received, "/vectors/delete") <= batches, "one delete a batch, not one a product")
            }

            // Vectors from before `chunks`, and a product whose chunk 0 is already gone: listed, then deleted.
            let old = try await stack.index.fetch(ids: rest.map { "\($0.id)#0" })
            #expect(old.count == rest.count)
            try await stack.index.upsert(
                old.map { record in
                    var legacy = record
                    legacy.metadata["chunks"] = nil
                    return legacy
                })
            let stray = rest[0]
            try await stack.index.upsert([VectorRecord(id: "\(stray.id)#1", values: old[0].values, metadata: old[0].metadata)])
            try await stack.index.delete(ids: ["\(stray.id)#0"])
            try await stack.catchUp()
            stack.pineconeServer?.clearReceived()
            for product in rest { _ = try await stack.store.delete(id: product.id) }
            try await stack.sync()
            let legacyLists = Self.count(stack.pineconeServer?.received ?? [], "/vectors/list")
            #expect(try await stack.index.listIDs(prefix: "").isEmpty)
            #expect(try await Verifier(pool: stack.pool, index: stack.index).run().isClean)
            if stack.pineconeServer != nil { #expect(legacyLists > 0, "vectors without `chunks` are listed") }
        }
    }
}
