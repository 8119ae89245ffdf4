import Catalog
import Operations
import TestSupport
import Testing

@testable import Search

@Suite struct SearchServiceTests {
    let embedder = FixedEmbedder()

    func product(_ id: Int64, _ name: String, _ description: String, price: Int64 = 1000, sku: String? = nil) throws -> Product {
        Product(id: ProductID(id), name: name, sku: sku ?? "SKU-\(id)", description: description, price: try Price(cents: price))
    }

    /// Indexes each product as one vector per sentence (chunks), as emu does.
    func setUp(_ products: [Product]) async throws -> (SearchService, InMemoryProductStore, InMemoryVectorIndex) {
        let store = InMemoryProductStore(products)
        let index = InMemoryVectorIndex(dimension: embedder.dimension)
        for p in products {
            let chunks = p.description.split(separator: ".").map { p.name + ". " + $0 }
            let vectors = try await embedder.embed(chunks)
            try await index.upsert(
                vectors.enumerated().map { i, v in
                    VectorRecord(
                        id: "\(p.id)#\(i)", values: v,
                        metadata: ["id": .number(Double(p.id.rawValue)), "price": .number(p.price.doubleValue)])
                })
        }
        return (SearchService(embedder: embedder, index: index, store: store), store, index)
    }

    @Test func resultsComeInScoreOrderOnePerProduct() async throws {
        let (service, _, _) = try await setUp([
            try product(1, "Travel mug", "Keeps coffee hot. Fits cup holders. Leak proof lid"),
            try product(2, "Rain jacket", "Keeps you dry on a hike. Breathable"),
            try product(3, "Coffee grinder", "Grinds coffee beans. Burr mill"),
        ])
        let result = try await service.search(SearchRequest(query: "coffee hot", topK: 10))
        #expect(result.hits.map(\.product.id.rawValue) == [1, 3, 2])
        #expect(result.hits.map(\.rank) == [1, 2, 3])
        #expect(zip(result.hits, result.hits.dropFirst()).allSatisfy { $0.score >= $1.score })
    }

    @Test func productsGoneFromTheStoreAreDropped() async throws {
        let (service, store, _) = try await setUp([
            try product(1, "Travel mug", "Keeps coffee hot"),
            try product(2, "Coffee maker", "Brews coffee"),
        ])
        _ = try await store.delete(id: ProductID(1))
        let result = try await service.search(SearchRequest(query: "coffee"))
        #expect(result.hits.map(\.product.id.rawValue) == [2])
    }

    @Test func anExactSKUComesFirst() async throws {
        let (service, _, _) = try await setUp([
            try product(1, "Travel mug", "Keeps coffee hot"),
            try product(2, "Garden hose", "Waters plants", sku: "HOSE-9"),
        ])
        let result = try await service.search(SearchRequest(query: "HOSE-9"))
        #expect(result.hits.first?.product.id.rawValue == 2)
        #expect(result.hits.first?.isSKUMatch == true)
    }

    @Test func aSKUIsFoundWhateverItsCase() async throws {
        let (service, _, _) = try await setUp([
            try product(1, "Travel mug", "Keeps coffee hot"),
            try product(2, "Thermal tumbler", "Double walled", sku: "KIT-253-FCC"),
            try product(3, "Thermal flask", "Double walled", sku: "KIT-2530-AB"),
        ])
        let result = try await service.search(SearchRequest(query: "kit-253-fcc"))
        #expect(result.hits.first?.product.id.rawValue == 2)
        #expect(result.hits.filter(\.isSKUMatch).map(\.product.id.rawValue) == [2], "an exact match lists no prefix matches")
    }

    @Test("a SKU prefix with no exact match lists the products whose SKU starts with it, in SKU order, first")
    func aSKUPrefixListsItsProducts() async throws {
        let (service, _, _) = try await setUp([
            try product(1, "Travel mug", "Keeps coffee hot"),
            try product(2, "Thermal tumbler", "Double walled", price: 4000, sku: "KIT-253-FCC"),
            try product(3, "Thermal flask", "Double walled", price: 2000, sku: "KIT-2530-AB"),
            try product(4, "Tent", "Sleeps two", sku: "OUT-253"),
        ])
        let result = try await service.search(SearchRequest(query: "kit-25", topK: 10))
        #expect(result.hits.prefix(2).map(\.product.id.rawValue) == [2, 3])
        #expect(result.hits.prefix(2).allSatisfy { $0.isSKUMatch })
        #expect(result.hits.dropFirst(2).allSatisfy { !$0.isSKUMatch })
        #expect(Set(result.hits.map(\.product.id)).count == result.hits.count, "each product once")

        let paged = try await service.search(SearchRequest(query: "KIT-25", topK: 1, page: 2))
        #expect(paged.hits.map(\.product.id.rawValue) == [3])
        let ranged = try await service.search(SearchRequest(query: "KIT-25", topK: 10, maxPrice: try Price(cents: 3000)))
        #expect(ranged.hits.filter(\.isSKUMatch).map(\.product.id.rawValue) == [3])

        // Shorter than four characters: a word as often as a SKU; only an exact SKU counts.
        let short = try await service.search(SearchRequest(query: "kit", topK: 10))
        #expect(short.hits.allSatisfy { !$0.isSKUMatch })
    }

    @Test("a query with a space is never taken for a SKU (SKUs have none), so it is not looked up")
    func aQueryWithSpacesIsNotASKU() async throws {
        // Written around the store's validation, as an old reference database might hold it.
        let (service, _, _) = try await setUp([try product(1, "Garden hose", "Waters plants", sku: "HOSE 9")])
        let result = try await service.search(SearchRequest(query: "HOSE 9"))
        #expect(result.hits.allSatisfy { !$0.isSKUMatch })
    }

    @Test func emptyOrBlankQueriesDoNothing() async throws {
        let (service, _, _) = try await setUp([try product(1, "Mug", "Coffee")])
        #expect(try await service.search(SearchRequest(query: "")).hits.isEmpty)
        #expect(try await service.search(SearchRequest(query: "   \t")).hits.isEmpty)
    }

    @Test func pagesAndPriceRange() async throws {
        let products = try (1...9).map { try product(Int64($0), "Coffee mug \($0)", "Coffee mug number \($0)", price: Int64($0) * 1000) }
        let (service, _, _) = try await setUp(products)
        let first = try await service.search(SearchRequest(query: "coffee mug", topK: 4, page: 1))
        let second = try await service.search(SearchRequest(query: "coffee mug", topK: 4, page: 2))
        #expect(first.hits.count == 4)
        #expect(second.hits.count == 4)
        #expect(Set(first.hits.map(\.product.id)).isDisjoint(with: second.hits.map(\.product.id)))
        #expect(second.hits.first?.rank == 5)
        let ranged = try await service.search(
            SearchRequest(
                query: "coffee mug", topK: 10,
                minPrice: try Price(cents: 3000), maxPrice: try Price(cents: 5000)))
        #expect(Set(ranged.hits.map(\.product.id.rawValue)) == [3, 4, 5])
    }

    @Test("paging and repeating a query embed it once; a new query, or another model, embeds")
    func repeatedQueriesComeFromTheCache() async throws {
        let products = try (1...9).map { try product(Int64($0), "Coffee mug \($0)", "Coffee mug number \($0)") }
        let (plain, store, index) = try await setUp(products)
        let counting = CountingEmbedder(embedder)
        let cache = QueryEmbeddingCache(capacity: 8)
        let service = SearchService(embedder: counting, index: index, store: store, queryCache: cache)
        let first = try await service.search(SearchRequest(query: "coffee mug", topK: 4, page: 1))
        #expect(counting.calls == 1)
        let second = try await service.search(SearchRequest(query: "coffee mug", topK: 4, page: 2))
        let again = try await service.search(SearchRequest(query: " coffee mug ", topK: 4, page: 1))
        #expect(counting.calls == 1, "page 2 and the repeated query must not embed again")
        #expect(again.hits == first.hits)
        #expect(second.hits.first?.rank == 5)
        // The cached vector gives the same results as embedding afresh.
        #expect(try await plain.search(SearchRequest(query: "coffee mug", topK: 4, page: 2)).hits == second.hits)
        _ = try await service.search(SearchRequest(query: "tea mug"))
        #expect(counting.calls == 2)
        // Same text, another model: its own entry.
        let other = SearchService(embedder: FixedEmbedder(dimension: 32), index: index, store: store, queryCache: cache)
        _ = try? await other.search(SearchRequest(query: "coffee mug"))
        #expect(cache.count == 3)
        #expect(cache.hitsAndMisses == (hits: 2, misses: 3))
    }

    @Test("the query cache holds at most its capacity and drops the least recently used")
    func theQueryCacheIsBounded() {
        let cache = QueryEmbeddingCache(capacity: 3)
        for n in 0..<3 { cache.store([Float(n)], model: "m", text: "q\(n)") }
        #expect(cache.vector(model: "m", text: "q0") == [0])  // q0 used: q1 is now the oldest
        cache.store([3], model: "m", text: "q3")
        #expect(cache.count == 3)
        #expect(cache.vector(model: "m", text: "q1") == nil)
        #expect(cache.vector(model: "m", text: "q0") == [0])
        #expect(cache.vector(model: "m", text: "q3") == [3])
        #expect(cache.vector(model: "other", text: "q3") == nil)
        for n in 0..<100 { cache.store([Float(n)], model: "m", text: "many \(n)") }
        #expect(cache.count == 3)
        #expect(cache.vector(model: "m", text: "many 99") == [99])
    }
}
