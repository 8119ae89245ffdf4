import Catalog
import Foundation
import HTTP
import TestSupport
import Testing

@testable import Pinecone

@Suite("PineconeIndex against the Pinecone test server")
struct PineconeIndexTests {
    @Test("open describes the index: dimension and data-plane host come from the control plane")
    func openDescribes() async throws {
        let fixture = try PineconeFixture(dimension: 8)
        defer { fixture.server.stop() }
        let index = try await fixture.open()
        #expect(index.dimension == 8)
        try await index.upsert([VectorRecord(id: "1#0", values: [1, 0, 0, 0, 0, 0, 0, 0])])
        let describes = fixture.server.received.filter { $0.index == nil && $0.path == "/indexes/\(PineconeFixture.indexName)" }
        #expect(describes.count == 1)
        #expect(fixture.dataRequests("/vectors/upsert").count == 1)
    }

    @Test("every request carries the Api-Key and the pinned API version")
    func headers() async throws {
        let fixture = try PineconeFixture()
        defer { fixture.server.stop() }
        let index = try await fixture.open()
        _ = try await index.stats()
        _ = try await index.listIDs(prefix: "1#")
        let received = fixture.server.received
        #expect(received.count == 3)
        for request in received {
            #expect(request.request.headers["api-key"] == fixture.server.apiKey)
            #expect(request.request.headers["x-pinecone-api-version"] == "2026-04")
        }
    }

    @Test("upsert then fetch round-trips values and metadata; ids with # are percent-encoded")
    func upsertFetch() async throws {
        let fixture = try PineconeFixture(dimension: 4)
        defer { fixture.server.stop() }
        let index = try await fixture.open()
        let records = [
            VectorRecord(
                id: "42#0", values: [0.25, -0.5, 1, 0.125],
                metadata: [
                    "id": .number(42), "name": .string("Trail \"Jacket\""), "price": .number(19.99), "tags": .strings(["a", "b"]),
                    "in_stock": .bool(true),
                ]),
            VectorRecord(id: "42#1", values: [1, 2, 3, 4]),
            VectorRecord(id: "43#0", values: [0, 0, 0, 1e-5], metadata: ["id": .number(43)]),
        ]
        try await index.upsert(records)
        let upsert = try #require(fixture.dataRequests("/vectors/upsert").first?.json?.objectValue)
        #expect(upsert["namespace"] == .string("products"))
        guard case .array(let sent)? = upsert["vectors"] else { Issue.record("no vectors array"); return }
        #expect(sent.map { $0.objectValue?["id"] } == [.string("42#0"), .string("42#1"), .string("43#0")])
        #expect(sent[1].objectValue?["metadata"] == nil, "empty metadata is left out, never sent as null")

        let fetched = try await index.fetch(ids: ["43#0", "missing#0", "42#0", "42#1", "42#0"])
        #expect(fetched == [records[2], records[0], records[1]])
        let target = try #require(fixture.dataRequests("/vectors/fetch").first?.request.target)
        #expect(target.contains("ids=43%230"))
        #expect(target.contains("ids=missing%230"))
        #expect(target.contains("namespace=products"))
        #expect(!target.contains("#"))
        #expect(fixture.server.records(index: PineconeFixture.indexName, namespace: "products").count == 3)
    }

    @Test("query results equal a brute-force cosine computation, with and without a filter")
    func queryMatchesBruteForce() async throws {
        let fixture = try PineconeFixture(dimension: 16)
        defer { fixture.server.stop() }
        var random = SeededRandom(seed: 7)
        var records: [VectorRecord] = []
        for i in 0..<60 {
            let metadata: Metadata = [
                "id": .number(Double(i)), "price": .number(Double(i % 20) * 5), "color": .string(i % 3 == 0 ? "red" : "blue"),
            ]
            records.append(VectorRecord(id: "\(i)#0", values: random.vector(16), metadata: metadata))
        }
        let index = try await fixture.open()
        try await index.upsert(records)
        let filterJSON = #"{"price": {"$gte": 20, "$lt": 70}, "color": {"$in": ["red"]}}"#
        let filter = try MetadataFilter(json: filterJSON)
        for (queryNumber, useFilter) in [(0, false), (1, true), (2, false), (3, true)] {
            let vector = random.vector(16)
            let matches = try await index.query(VectorQuery(vector: vector, topK: 10, filter: useFilter ? filter : nil))
            let expected = records.filter { !useFilter || filter.matches($0.metadata) }
                .map { (id: $0.id, score: cosine(vector, $0.values), metadata: $0.metadata) }
                .sorted { $0.score > $1.score }
                .prefix(10)
            #expect(matches.map(\.id) == expected.map(\.id), "query \(queryNumber)")
            for (match, reference) in zip(matches, expected) {
                #expect(abs(Double(match.score) - reference.score) < 1e-5)
                #expect(match.metadata == reference.metadata)
            }
        }
        // The filter went to the server as Pinecone JSON.
        let bodies = fixture.dataRequests("/query").compactMap { $0.json }
        #expect(bodies.count == 4)
        #expect(bodies[1].objectValue?["filter"] == filter.jsonValue)
        #expect(bodies[1].objectValue?["topK"] == .number(10))
        #expect(bodies[1].objectValue?["includeMetadata"] == .bool(true))
        #expect(bodies[0].objectValue?["filter"] == nil)

        let bare = try await index.query(VectorQuery(vector: records[5].values, topK: 1, includeMetadata: false))
        #expect(bare.map(\.id) == ["5#0"])
        #expect(bare.first?.metadata == nil)
    }

    @Test("a 5,000-vector upsert is split into requests within 1,000 records and 2 MB each")
    func largeUpsertIsSplit() async throws {
        let fixture = try PineconeFixture(dimension: 384)
        defer { fixture.server.stop() }
        var random = SeededRandom(seed: 42)
        var records: [VectorRecord] = []
        for i in 0..<5_000 {
            let metadata: Metadata = ["id": .number(Double(i / 3)), "name": .string("product \(i / 3)")]
            records.append(VectorRecord(id: "\(i / 3)#\(i % 3)", values: random.vector(384), metadata: metadata))
        }
        let index = try await fixture.open()
        try await index.upsert(records)
        let requests = fixture.dataRequests("/vectors/upsert")
        #expect(requests.count > 5, "384 random floats are ~4 KB of JSON a record: the byte budget must split, not only the count")
        // Decoded with a narrow type: a JSONValue tree of 2 MB of floats takes seconds in a debug build.
        struct Body: Decodable {
            struct Vector: Decodable { let id: String }
            let namespace: String
            let vectors: [Vector]
        }
        var sent: [String] = []
        for request in requests {
            #expect(request.request.body.count <= 2_000_000)
            let body = try JSONDecoder().decode(Body.self, from: Data(request.request.body))
            #expect(body.namespace == "products")
            #expect((1...1_000).contains(body.vectors.count))
            sent += body.vectors.map(\.id)
        }
        #expect(sent == records.map(\.id), "every record sent once, in order")
        #expect(fixture.server.records(index: PineconeFixture.indexName, namespace: "products").count == 5_000)
        let stats = try await index.stats()
        #expect(stats.totalVectorCount == 5_000)
    }

    @Test("small records are split by count: 2,500 go in requests of at most 1,000")
    func upsertSplitByCount() async throws {
        let fixture = try PineconeFixture(dimension: 2)
        defer { fixture.server.stop() }
        let records = (0..<2_500).map { VectorRecord(id: "\($0)#0", values: [1, Float($0)]) }
        let index = try await fixture.open()
        try await index.upsert(records)
        let counts = fixture.dataRequests("/vectors/upsert").map { request -> Int in
            guard case .array(let vectors)? = request.json?.objectValue?["vectors"] else { return -1 }
            return vectors.count
        }
        #expect(counts == [1_000, 1_000, 500])
    }

    @Test("list follows pagination across several pages, in byte order")
    func listPagination() async throws {
        let fixture = try PineconeFixture(dimension: 2)
        defer { fixture.server.stop() }
        let wanted = (0..<35).map { "7#\($0)" }
        fixture.server.seed(
            index: PineconeFixture.indexName, namespace: "products",
            (wanted + ["70#0", "8#0", "6#0"]).map { VectorRecord(id: $0, values: [1, 1]) })
        let index = try await PineconeIndex.open(configuration: fixture.configuration(listPageSize: 10))
        let ids = try await index.listIDs(prefix: "7#")
        #expect(ids == wanted.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        let lists = fixture.dataRequests("/vectors/list")
        #expect(lists.count == 4)
        #expect(lists[0].queryItems.contains { $0.name == "paginationToken" } == false)
        #expect(lists.dropFirst().allSatisfy { $0.queryItems.contains { $0.name == "paginationToken" } })
        #expect(lists.allSatisfy { $0.queryItems.contains { $0 == ("prefix", "7#") } && $0.request.target.contains("prefix=7%23") })
        #expect(lists.allSatisfy { $0.queryItems.contains { $0 == ("limit", "10") } })
        let everything = try await index.listIDs(prefix: "")
        #expect(everything.count == 38)
    }

    @Test("delete by prefix removes exactly one product's chunks")
    func deleteByPrefix() async throws {
        let fixture = try PineconeFixture(dimension: 2)
        defer { fixture.server.stop() }
        let ids = ["4#0", "4#1", "42#0", "42#1", "42#2", "420#0", "142#0", "42"]
        fixture.server.seed(index: PineconeFixture.indexName, namespace: "products", ids.map { VectorRecord(id: $0, values: [1, 0]) })
        fixture.server.seed(index: PineconeFixture.indexName, namespace: "other", [VectorRecord(id: "42#0", values: [1, 0])])
        let index = try await fixture.open()
        try await index.delete(idPrefix: "42#")
        let left = fixture.server.records(index: PineconeFixture.indexName, namespace: "products").keys.sorted()
        #expect(left == ["142#0", "4#0", "4#1", "42", "420#0"])
        #expect(fixture.server.records(index: PineconeFixture.indexName, namespace: "other").count == 1)
        let deletes = fixture.dataRequests("/vectors/delete").compactMap { $0.json }
        #expect(deletes == [.object(["namespace": .string("products"), "ids": .array(["42#0", "42#1", "42#2"].map { .string($0) })])])
        await #expect(throws: PineconeError.self) { try await index.delete(idPrefix: "") }
    }

    @Test("updating metadata sends one /vectors/update with setMetadata per record; values stay, other keys stay")
    func updateMetadata() async throws {
        let fixture = try PineconeFixture(dimension: 2)
        defer { fixture.server.stop() }
        let stored = (0..<20).map {
            VectorRecord(id: "\($0)#0", values: [Float($0) + 0.1, 1], metadata: ["sku": .string("S\($0)"), "price": .number(1)])
        }
        fixture.server.seed(index: PineconeFixture.indexName, namespace: "products", stored)
        let index = try await fixture.open()
        try await index.updateMetadata((0..<12).map { MetadataUpdate(id: "\($0)#0", metadata: ["price": .number(Double($0) + 2.5)]) })
        let records = fixture.server.records(index: PineconeFixture.indexName, namespace: "products")
        for n in 0..<20 {
            let record = try #require(records["\(n)#0"])
            #expect(record.values == stored[n].values)
            #expect(record.metadata == ["sku": .string("S\(n)"), "price": .number(n < 12 ? Double(n) + 2.5 : 1)])
        }
        let updates = fixture.dataRequests("/vectors/update").compactMap(\.json)
        #expect(updates.count == 12)
        #expect(
            updates.contains(
                .object(["id": .string("3#0"), "namespace": .string("products"), "setMetadata": .object(["price": .number(5.5)])])))
        #expect(try await index.fetchMetadata(ids: ["3#0", "99#0"]) == ["3#0": ["sku": .string("S3"), "price": .number(5.5)]])
        // The read emu makes before a metadata-only change brings the values (Pinecone's fetch
        // always does), so emu can write the change back as an upsert.
        #expect(
            try await index.fetchStored(ids: ["3#0", "99#0"]) == [
                "3#0": StoredVector(metadata: ["sku": .string("S3"), "price": .number(5.5)], values: stored[3].values)
            ])
    }

    @Test("fetch and delete by ids send at most 1,000 ids a request")
    func idBatches() async throws {
        let fixture = try PineconeFixture(dimension: 2)
        defer { fixture.server.stop() }
        let ids = (0..<2_345).map { "\($0)#0" }
        fixture.server.seed(index: PineconeFixture.indexName, namespace: "products", ids.map { VectorRecord(id: $0, values: [0, 1]) })
        let index = try await fixture.open()
        let fetched = try await index.fetch(ids: ids)
        #expect(fetched.map(\.id) == ids)
        #expect(fixture.dataRequests("/vectors/fetch").map { $0.queryItems.filter { $0.name == "ids" }.count } == [1_000, 1_000, 345])
        try await index.delete(ids: Array(ids.dropLast(5)))
        let sizes = fixture.dataRequests("/vectors/delete").map { request -> Int in
            guard case .array(let list)? = request.json?.objectValue?["ids"] else { return -1 }
            return list.count
        }
        #expect(sizes == [1_000, 1_000, 340])
        #expect(
            fixture.server.records(index: PineconeFixture.indexName, namespace: "products").keys.sorted() == Array(ids.suffix(5)).sorted())
    }

    @Test("stats reads describe_index_stats: dimension, metric, totals per namespace")
    func stats() async throws {
        let fixture = try PineconeFixture(dimension: 3)
        defer { fixture.server.stop() }
        let seven = (0..<7).map { VectorRecord(id: "\($0)#0", values: [1, 2, 3]) }
        fixture.server.seed(index: PineconeFixture.indexName, namespace: "products", seven)
        fixture.server.seed(index: PineconeFixture.indexName, namespace: "other", [VectorRecord(id: "x", values: [1, 2, 3])])
        let index = try await fixture.open()
        let stats = try await index.stats()
        #expect(stats == IndexStats(dimension: 3, metric: "cosine", totalVectorCount: 8, namespaces: ["products": 7, "other": 1]))
    }

    @Test("PINECONE_HOST skips the control plane; the dimension comes from the stats")
    func dataPlaneOverride() async throws {
        let fixture = try PineconeFixture(dimension: 5)
        defer { fixture.server.stop() }
        let host = try #require(fixture.server.dataPlaneURL(index: PineconeFixture.indexName))
        let index = try await PineconeIndex.open(configuration: fixture.configuration(index: nil, dataPlaneHost: host))
        #expect(index.dimension == 5)
        try await index.upsert([VectorRecord(id: "1#0", values: [1, 2, 3, 4, 5])])
        #expect(fixture.server.received.allSatisfy { $0.index != nil })
    }

    @Test("a 404 from a described host makes the client describe the index once more")
    func reDescribeOn404() async throws {
        let fixture = try PineconeFixture(dimension: 2)
        defer { fixture.server.stop() }
        let index = try await fixture.open()
        try await index.upsert([VectorRecord(id: "1#0", values: [1, 0])])
        try fixture.server.relocate(index: PineconeFixture.indexName)
        try await index.upsert([VectorRecord(id: "2#0", values: [0, 1])])
        #expect(fixture.server.records(index: PineconeFixture.indexName, namespace: "products").count == 2)
        let describes = fixture.server.received.filter { $0.index == nil }
        #expect(describes.count == 2)
        // The new host is cached: no third describe.
        _ = try await index.stats()
        #expect(fixture.server.received.filter { $0.index == nil }.count == 2)
        #expect(fixture.sleeps.delays.isEmpty)
    }
}

extension JSONValue {
    var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }
}
