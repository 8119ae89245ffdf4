import Catalog
import Foundation
import Operations
import Postgres
import PostgresCatalog
import Synchronization
import TestSupport
import Testing

@testable import Sync

/// Issue 20 §3: the index seam on both index backends (local, and Pinecone via its test
/// server): each verify is recorded in Postgres and read back through the seam; drift (a
/// deleted vector, a price changed without syncing) shows in the counts; read-only refuses
/// repair and reindex before anything is enqueued.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct IndexOperationsTests {
    static func operations(_ stack: PipelineStack, ranBy: String = "tester@host") -> VerifyingIndexOperations {
        let location = VerifyingIndexOperations.Location(
            backend: stack.backend == .aws ? "pinecone" : "local", location: "test", namespace: "products")
        return VerifyingIndexOperations(pool: stack.pool, ranBy: ranBy) { [index = stack.index] in (index, location) }
    }

    static func outboxRows(_ pool: PostgresPool) async throws -> Int {
        try await pool.query("SELECT count(*) FROM refarch_outbox")[0].decode(Int.self, at: 0)
    }

    @Test(arguments: PipelineBackend.available)
    func verifyIsRecordedAndDriftShowsInTheCounts(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            let products = try (0..<6).map { n in
                try NewProduct(name: "Lamp \(n)", sku: "IDX-\(n)", description: "Desk lamp \(n).", price: Price(cents: Int64(100 + n)))
            }
            _ = try await ProductLoader.insert(products, into: stack.pool)
            try await stack.sync()
            let seam = Self.operations(stack)

            let never = try await seam.indexStatus()
            #expect(never.lastVerify == nil)
            #expect(never.productsInDatabase == 6 && never.productsInIndex == 6, "\(never)")

            let progress = Mutex<[IndexVerifyProgress]>([])
            let clean = try await seam.verifyIndex { step in progress.withLock { $0.append(step) } }
            #expect(clean.isClean && clean.current == 6 && clean.ranBy == "tester@host", "\(clean)")
            #expect(progress.withLock { $0.last.map { $0.checked == $0.total && $0.total == 6 } } == true)
            let recorded = try await seam.indexStatus()
            #expect(recorded.lastVerify == clean)
            #expect(recorded.verifyRunning == nil)

            // Drift: one product's vectors deleted, another's price changed without syncing.
            let ids = try await stack.pool.query("SELECT id FROM products_with_increment ORDER BY id").map {
                try $0.decode(Int64.self, at: 0)
            }
            try await stack.index.delete(idPrefix: "\(ids[0])#")
            _ = try await stack.store.update(id: ProductID(ids[1]), ProductChanges(price: Price(cents: 999)))
            try await stack.catchUp()
            let drifted = try await seam.indexStatus()
            #expect(drifted.productsInDatabase == 6 && drifted.productsInIndex == 5, "\(drifted)")
            let found = try await seam.verifyIndex { _ in }
            #expect(found.missing == 1 && found.metadataStale == 1 && found.current == 4 && found.drift == 2, "\(found)")
            #expect(try await seam.indexStatus().lastVerify == found)
            // A second reader (another process, the CLI) reads the same record.
            #expect(try await VerifyRecords(pool: stack.pool).latest() == found)

            // Read-only: refused before anything is enqueued.
            try await stack.pool.query("DELETE FROM refarch_outbox")
            let readOnly = ReadOnlyIndexOperations(seam)
            await #expect(throws: IndexOperationError.readOnly(action: "repair the index")) { try await readOnly.repairIndex() }
            await #expect(throws: IndexOperationError.readOnly(action: "reindex all products")) { try await readOnly.reindexAll() }
            #expect(try await Self.outboxRows(stack.pool) == 0)
            #expect(try await readOnly.verifyIndex { _ in }.drift == 2)

            // Repair enqueues the two fixes; once synced, the index agrees again.
            let repair = try await seam.repairIndex()
            #expect(repair.upserts == 2 && repair.deletes == 0 && repair.verify.repaired == 2, "\(repair)")
            #expect(try await Self.outboxRows(stack.pool) == 2)
            try await stack.sync()
            let after = try await seam.verifyIndex { _ in }
            #expect(after.isClean && after.current == 6, "\(after)")
        }
    }

    /// The index view's periodic refresh: fresh vector counts, but the products in the index
    /// (which needs every vector id listed) counted again only when asked.
    @Test(arguments: PipelineBackend.available)
    func aRefreshReusesTheProductCountInsteadOfListingEveryVector(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            let products = try (0..<6).map { n in
                try NewProduct(name: "Shelf \(n)", sku: "CNT-\(n)", description: "Shelf \(n).", price: Price(cents: 100))
            }
            _ = try await ProductLoader.insert(products, into: stack.pool)
            try await stack.sync()
            let counting = ListCountingIndex(base: stack.index)
            let location = VerifyingIndexOperations.Location(backend: "test", location: "test", namespace: "products")
            let seam = VerifyingIndexOperations(pool: stack.pool) { (counting, location) }

            // Nothing counted yet: even a refresh lists once.
            let first = try await seam.indexStatus(countingProducts: false)
            #expect(first.productsInIndex == 6 && counting.lists.withLock { $0 } == 1, "\(first)")

            let ids = try await stack.pool.query("SELECT id FROM products_with_increment ORDER BY id").map {
                try $0.decode(Int64.self, at: 0)
            }
            try await stack.index.delete(idPrefix: "\(ids[0])#")
            for _ in 0..<3 {
                let refresh = try await seam.indexStatus(countingProducts: false)
                #expect(refresh.totalVectorCount < first.totalVectorCount, "the vector count is read fresh: \(refresh)")
                #expect(refresh.productsInIndex == 6 && refresh.productsCountedAt != nil, "the last count, said so: \(refresh)")
            }
            #expect(counting.lists.withLock { $0 } == 1, "refreshes list nothing")

            let recount = try await seam.indexStatus()
            #expect(recount.productsInIndex == 5 && recount.productsCountedAt == nil, "\(recount)")
            #expect(counting.lists.withLock { $0 } == 2)
            // The next refresh reuses the new count.
            #expect(try await seam.indexStatus(countingProducts: false).productsInIndex == 5)
            #expect(counting.lists.withLock { $0 } == 2)
        }
    }

    @Test(arguments: PipelineBackend.available)
    func aRunningVerifyShowsItsProgressAndASecondOneIsRefused(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            let products = try (0..<6).map { n in
                try NewProduct(name: "Desk \(n)", sku: "RUN-\(n)", description: "Desk \(n).", price: Price(cents: 100))
            }
            _ = try await ProductLoader.insert(products, into: stack.pool)
            try await stack.sync()
            // The verify stops at its first fetch until the gate opens.
            let gate = VerifyGate()
            let gated = GatedIndex(base: stack.index, gate: gate)
            let location = VerifyingIndexOperations.Location(backend: "test", location: "test", namespace: "products")
            let seam = VerifyingIndexOperations(pool: stack.pool) { (gated, location) }
            let verify = Task { try await seam.verifyIndex { _ in } }

            // Wait (generously) until the verify has counted what it will check: the first
            // figure is (0 of 0) until the catalog and the ids have been read.
            var running: IndexVerifyProgress?
            let deadline = ContinuousClock.now + .seconds(300)
            while (running?.total ?? 0) == 0, ContinuousClock.now < deadline {
                running = try await seam.indexStatus().verifyRunning
                if (running?.total ?? 0) == 0 { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(running?.total == 6 && running?.checked == 0, "\(String(describing: running))")
            await #expect(throws: IndexOperationError.verifyAlreadyRunning) { try await seam.verifyIndex { _ in } }

            gate.open.withLock { $0 = true }
            let record = try await verify.value
            #expect(record.isClean && record.current == 6, "\(record)")
            #expect(try await seam.indexStatus().verifyRunning == nil)
        }
    }
}

/// An index that counts its `listIDs` calls (each a listing of every id asked for; on
/// Pinecone one call per 100 ids), forwarding everything to `base`.
final class ListCountingIndex: VectorIndex {
    let base: any VectorIndex
    let lists = Mutex(0)

    init(base: any VectorIndex) { self.base = base }

    var dimension: Int { base.dimension }
    func upsert(_ records: [VectorRecord]) async throws { try await base.upsert(records) }
    func delete(ids: [String]) async throws { try await base.delete(ids: ids) }
    func delete(idPrefix prefix: String) async throws { try await base.delete(idPrefix: prefix) }
    func fetch(ids: [String]) async throws -> [VectorRecord] { try await base.fetch(ids: ids) }
    func listIDs(prefix: String) async throws -> [String] {
        lists.withLock { $0 += 1 }
        return try await base.listIDs(prefix: prefix)
    }
    func listIDs(prefixes: [String]) async throws -> [String: [String]] {
        lists.withLock { $0 += 1 }
        return try await base.listIDs(prefixes: prefixes)
    }
    func query(_ query: VectorQuery) async throws -> [VectorMatch] { try await base.query(query) }
    func stats() async throws -> IndexStats { try await base.stats() }
}

/// An index whose `fetch` waits until `gate` is true, so a test can look at a verify while it runs.
struct GatedIndex: VectorIndex {
    let base: any VectorIndex
    let gate: VerifyGate

    var dimension: Int { base.dimension }
    func upsert(_ records: [VectorRecord]) async throws { try await base.upsert(records) }
    func delete(ids: [String]) async throws { try await base.delete(ids: ids) }
    func delete(idPrefix prefix: String) async throws { try await base.delete(idPrefix: prefix) }
    func fetch(ids: [String]) async throws -> [VectorRecord] {
        while !gate.open.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        return try await base.fetch(ids: ids)
    }
    func listIDs(prefix: String) async throws -> [String] { try await base.listIDs(prefix: prefix) }
    func query(_ query: VectorQuery) async throws -> [VectorMatch] { try await base.query(query) }
    func stats() async throws -> IndexStats { try await base.stats() }
    func updateMetadata(_ updates: [MetadataUpdate]) async throws { try await base.updateMetadata(updates) }
}

final class VerifyGate: Sendable {
    let open = Mutex(false)
}
