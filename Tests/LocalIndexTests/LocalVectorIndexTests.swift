import Catalog
import Foundation
import Logging
import Postgres
import PostgresCatalog
import TestSupport
import Testing

@testable import LocalIndex

let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// A migrated schema and a local index open on it.
func withLocalIndex(dimension: Int = 16, _ body: (LocalVectorIndex, PostgresConfiguration) async throws -> Void) async throws {
    try await TestDatabase.withSchema { config in
        let conn = try await PostgresConnection.connect(config)
        _ = try await SchemaMigrator.migrate(conn, logger: quiet)
        await conn.close()
        let index = try await LocalVectorIndex.open(configuration: config, dimension: dimension, threads: 2, logger: quiet)
        do {
            try await body(index, config)
            await index.close()
        } catch {
            await index.close()
            throw error
        }
    }
}

func records(_ vectors: [(String, [Float])], price: (Int) -> Double = { Double($0) }) -> [VectorRecord] {
    vectors.enumerated().map { i, v in
        VectorRecord(id: v.0, values: v.1, metadata: ["price": .number(price(i)), "name": .string("item \(i)")])
    }
}

/// Waits (up to `timeout`) until `condition` holds, checking every 10 ms. The default is
/// generous on purpose: how fast a reader follows is measured in `make bench-pipeline`
/// (freshness p50/p99), not asserted here, where a loaded CI machine would make it flaky.
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct LocalVectorIndexTests {
    @Test func upsertQueryFetchDeleteAndStats() async throws {
        try await withLocalIndex { index, _ in
            let vectors = randomVectors(500, dim: 16, seed: 11)
            try await index.upsert(records(vectors))
            try await index.catchUp()
            #expect(try await index.loadedCount == 500)
            #expect(
                try await index.stats() == IndexStats(dimension: 16, metric: "cosine", totalVectorCount: 500, namespaces: ["products": 500])
            )

            let q = vectors[42].1
            let top = try await index.query(VectorQuery(vector: q, topK: 5))
            #expect(top.first?.id == "42#0")
            #expect(top.first?.metadata == ["price": .number(42), "name": .string("item 42")])
            #expect(sameTopK(top, bruteForce(q, vectors), k: 5))

            let fetched = try await index.fetch(ids: ["7#0", "nope"])
            #expect(fetched.map(\.id) == ["7#0"])
            #expect(fetched.first?.values == vectors[7].1)

            try await index.delete(ids: ["42#0"])
            try await index.catchUp()
            let after = try await index.query(VectorQuery(vector: q, topK: 1))
            #expect(after.first?.id != "42#0")
            #expect(try await index.stats().totalVectorCount == 499)
        }
    }

    @Test func filtersAndPrefixDeletes() async throws {
        try await withLocalIndex { index, _ in
            let vectors = (0..<30).map { i in ("\(i / 3)#\(i % 3)", randomVectors(1, dim: 16, seed: UInt64(i))[0].1) }
            try await index.upsert(records(vectors) { Double($0 % 10) })
            #expect(try await index.listIDs(prefix: "1#") == ["1#0", "1#1", "1#2"])
            try await index.delete(idPrefix: "1#")
            try await index.catchUp()
            #expect(try await index.listIDs(prefix: "1#").isEmpty)
            #expect(try await index.loadedCount == 27)
            let cheap = try await index.query(
                VectorQuery(vector: vectors[0].1, topK: 30, filter: try MetadataFilter(json: #"{"price": {"$lt": 3}}"#)))
            let expected = vectors.enumerated().filter { $0.offset % 10 < 3 && !$0.element.0.hasPrefix("1#") }.map(\.element.0)
            #expect(Set(cheap.map(\.id)) == Set(expected))
            await #expect(throws: LocalIndexError.emptyPrefix) { try await index.delete(idPrefix: "") }
        }
    }

    @Test("listing and deleting by prefix: a product's chunks through its index, odd ids by text, nothing else")
    func prefixesOfProductsAndOddIDs() async throws {
        try await withLocalIndex { index, _ in
            let ids = ["4#0", "4#1", "42#0", "42#abc", "042#1", "4x", "7#0"]
            try await index.upsert(records(ids.enumerated().map { ($0.element, randomVectors(1, dim: 16, seed: UInt64($0.offset))[0].1) }))
            let listed = try await index.listIDs(prefixes: ["4#", "42#", "4", "9#"])
            #expect(listed["4#"] == ["4#0", "4#1"])
            #expect(listed["42#"] == ["42#0", "42#abc"], "an id that is not <product>#<chunk> is still found by its text")
            #expect(listed["4"] == ["4#0", "4#1", "42#0", "42#abc", "4x"])
            #expect(listed["9#"] == [])
            #expect(try await index.listIDs(prefix: "042#") == ["042#1"])
            try await index.delete(idPrefix: "42#")
            #expect(try await index.listIDs(prefix: "4") == ["4#0", "4#1", "4x"])
            #expect(try await index.listIDs(prefix: "042#") == ["042#1"], "042#1 has product_id 42 but is not a chunk of 42")
        }
    }

    @Test func badInputIsRefusedWithClearErrors() async throws {
        try await withLocalIndex { index, _ in
            await #expect(throws: LocalIndexError.dimensionMismatch(expected: 16, found: 3)) {
                try await index.upsert([VectorRecord(id: "a", values: [1, 2, 3])])
            }
            await #expect(throws: LocalIndexError.zeroVector(id: "z")) {
                try await index.upsert([VectorRecord(id: "z", values: [Float](repeating: 0, count: 16))])
            }
            await #expect(throws: LocalIndexError.dimensionMismatch(expected: 16, found: 2)) {
                _ = try await index.query(VectorQuery(vector: [1, 0]))
            }
            let stats = try await index.stats()
            #expect(stats.totalVectorCount == 0)
        }
    }

    @Test("updating metadata merges keys, leaves the vector bytes alone, skips unknown ids, and readers follow it")
    func metadataUpdatesKeepTheVectors() async throws {
        try await withLocalIndex { index, _ in
            let vectors = randomVectors(3, dim: 16, seed: 7)
            try await index.upsert(records(vectors))
            let before = try await index.fetch(ids: ["0#0", "1#0"])
            try await index.updateMetadata([
                MetadataUpdate(id: "0#0", metadata: ["price": .number(99.5), "seq": .number(7)]),
                MetadataUpdate(id: "nope#0", metadata: ["price": .number(1)]),
            ])
            let after = try await index.fetch(ids: ["0#0", "1#0"])
            #expect(after.map { $0.values.map(\.bitPattern) } == before.map { $0.values.map(\.bitPattern) })
            #expect(after[0].metadata == ["price": .number(99.5), "seq": .number(7), "name": .string("item 0")])
            #expect(after[1].metadata == before[1].metadata)
            #expect(try await index.listIDs(prefix: "").count == 3)
            #expect(
                try await index.fetchMetadata(ids: ["0#0", "2#0", "nope#0"]) == [
                    "0#0": after[0].metadata, "2#0": ["price": .number(2), "name": .string("item 2")],
                ])
            // Emu's read before a metadata change leaves the vectors out: it updates the column.
            #expect(try await index.fetchStored(ids: ["0#0", "nope#0"]) == ["0#0": StoredVector(metadata: after[0].metadata)])
            // The in-memory matrix follows (a filter on the new price finds it).
            try await index.catchUp()
            #expect(try await index.loadedMetadata(id: "0#0")?["price"] == .number(99.5))
            let cheap = try await index.query(
                VectorQuery(vector: vectors[0].1, topK: 3, filter: try MetadataFilter(.object(["price": .object(["$gt": .number(50)])]))))
            #expect(cheap.map(\.id) == ["0#0"])
        }
    }

    @Test func aSecondReaderSeesWritesThroughNotifyWithinOneSecond() async throws {
        try await withLocalIndex { writer, config in
            let reader = try await LocalVectorIndex.open(configuration: config, dimension: 16, threads: 1, logger: quiet)
            let vectors = randomVectors(20, dim: 16, seed: 99)
            try await writer.upsert(records(vectors))
            // No explicit catch-up: the reader must follow by itself.
            let loaded = try await eventually { try await reader.loadedCount == 20 }
            #expect(loaded)
            try await writer.upsert([VectorRecord(id: "3#0", values: vectors[5].1, metadata: ["price": .number(1)])])
            try await writer.delete(ids: ["4#0"])
            let followed = try await eventually {
                let hit = try await reader.query(VectorQuery(vector: vectors[5].1, topK: 2)).map(\.id)
                let count = try await reader.loadedCount
                return Set(hit) == ["3#0", "5#0"] && count == 19
            }
            #expect(followed)
            await reader.close()
        }
    }

    @Test func writersToTwoCatalogsDoNotWaitForEachOther() async throws {
        try await withLocalIndex { first, firstConfig in
            try await withLocalIndex { second, _ in
                // Hold the first catalog's write lock, as a long write to it would.
                let holder = try await PostgresConnection.connect(firstConfig)
                try await holder.execute("BEGIN")
                try await holder.execute(LocalVectorIndex.writeLockSQL)
                let blocked = Task { try await first.upsert(records([("a#0", [Float](repeating: 1, count: 16))])) }
                let free = Task { try await second.upsert(records([("b#0", [Float](repeating: 1, count: 16))])) }
                // Polled rather than awaited, so a regression fails here instead of hanging.
                let secondWrote = try await eventually(timeout: .seconds(60)) {
                    try await second.fetch(ids: ["b#0"]).count == 1
                }
                let firstWroteMeanwhile = try await first.fetch(ids: ["a#0"]).count == 1
                try await holder.execute("COMMIT")
                await holder.close()
                try await blocked.value
                try await free.value
                #expect(secondWrote, "a write to the second catalog waited for the first catalog's lock")
                #expect(!firstWroteMeanwhile, "the first catalog's write did not wait for its own lock")
                #expect(try await first.fetch(ids: ["a#0"]).count == 1)
            }
        }
    }

    @Test func aReaderLoadsWhatIsAlreadyThere() async throws {
        try await withLocalIndex { writer, config in
            let vectors = randomVectors(2_000, dim: 16, seed: 5)
            try await writer.upsert(records(vectors))
            let reader = try await LocalVectorIndex.open(configuration: config, dimension: 16, threads: 2, logger: quiet)
            #expect(try await reader.loadedCount == 2_000)
            let q = randomVectors(1, dim: 16, seed: 77)[0].1
            #expect(sameTopK(try await reader.query(VectorQuery(vector: q, topK: 10)), bruteForce(q, vectors), k: 10))
            await reader.close()
        }
    }
}
