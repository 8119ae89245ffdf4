import Catalog
import Logging
import Operations

/// Semantic search over the catalog: embed the query, take the nearest vectors, group the
/// chunks by product, read the products back from Postgres, return them in score order.
///
/// Products the index still has but the store no longer has are dropped, not shown; a
/// query that is a SKU (ignoring case) puts that product first, and one that only starts
/// SKUs puts those products first. Works on any `VectorIndex`.
/// Query embeddings are kept in a small ``QueryEmbeddingCache``, so paging and repeating a
/// query embed it once; copies of a service share its cache, and a caller that makes a new
/// service per search (the console) passes one cache to keep.
public struct SearchService: Sendable {
    let embedder: any Embedder
    let queryCache: QueryEmbeddingCache?
    let index: any VectorIndex
    let store: any ProductStore
    let logger: Logger
    /// Vectors fetched per product wanted: a long description has several chunks.
    let chunkOverfetch: Int

    public init(
        embedder: any Embedder, index: any VectorIndex, store: any ProductStore,
        chunkOverfetch: Int = 3, queryCache: QueryEmbeddingCache? = QueryEmbeddingCache(),
        logger: Logger = Logger(label: "refarch.search")
    ) {
        self.embedder = embedder
        self.queryCache = queryCache
        self.index = index
        self.store = store
        self.chunkOverfetch = max(1, chunkOverfetch)
        self.logger = logger
    }

    public func search(_ request: SearchRequest) async throws -> SearchResult {
        let clock = ContinuousClock()
        let start = clock.now
        let text = request.query.trimmingSpaces()
        guard !text.isEmpty, request.topK > 0, request.page > 0 else {
            return SearchResult(request: request, hits: [], totalMatched: 0, elapsed: clock.now - start)
        }
        let wanted = request.topK * request.page
        async let skuLookup = skuMatches(for: text, request: request, limit: wanted)
        guard let vector = try await queryVector(text) else {
            return SearchResult(request: request, hits: [], totalMatched: 0, elapsed: clock.now - start)
        }
        let matches = try await index.query(
            VectorQuery(
                vector: vector, topK: min(10_000, wanted * chunkOverfetch),
                filter: request.priceFilter, includeMetadata: true))
        // Group chunks by product: the best chunk's score is the product's.
        var best: [ProductID: Float] = [:]
        var order: [ProductID] = []
        for match in matches {
            guard let id = Self.productID(of: match) else { continue }
            if let seen = best[id] {
                best[id] = max(seen, match.score)
            } else {
                best[id] = match.score
                order.append(id)
            }
        }
        var ranked = order.sorted { (best[$0]!, $1.rawValue) > (best[$1]!, $0.rawValue) }
        let skuHits = try await skuLookup
        let skuIDs = Set(skuHits.map(\.id))
        ranked.removeAll { skuIDs.contains($0) }
        ranked.insert(contentsOf: skuHits.map(\.id), at: 0)
        let pageIDs = Array(ranked.dropFirst((request.page - 1) * request.topK).prefix(request.topK))
        let products = Dictionary(try await store.products(ids: pageIDs).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var hits: [SearchHit] = []
        for id in pageIDs {
            guard let product = products[id] else { continue }  // deleted since it was indexed
            hits.append(
                SearchHit(
                    rank: (request.page - 1) * request.topK + hits.count + 1, score: best[id] ?? 1,
                    product: product, isSKUMatch: skuIDs.contains(id)))
        }
        let elapsed = clock.now - start
        logger.debug("Search answered", metadata: ["results": "\(hits.count)", "elapsed_ms": "\(elapsed)"])
        return SearchResult(request: request, hits: hits, totalMatched: ranked.count, elapsed: elapsed)
    }

    /// The query's embedding: from the cache, or embedded (and cached).
    func queryVector(_ text: String) async throws -> [Float]? {
        let model = embedder.modelID
        if let cached = queryCache?.vector(model: model, text: text) { return cached }
        guard let vector = try await embedder.embed([text]).first else { return nil }
        queryCache?.store(vector, model: model, text: text)
        return vector
    }

    /// The shortest query taken as a SKU prefix. Shorter ones (`kit`, `mug`) are more often
    /// words than SKUs, and a seeded SKU's first three letters are its category's, which would
    /// list a twentieth of the catalog ahead of the semantic results.
    public static let minimumSKUPrefixLength = 4

    /// Products the query names by SKU, ignoring case, to show first: the exact match if
    /// there is one; else, for a query of at least ``minimumSKUPrefixLength`` characters, up
    /// to `limit` products whose SKU starts with it, in SKU order. A SKU has no spaces: a
    /// query with one is never looked up, so the lookup takes no core from the query's
    /// embedding on a small machine.
    func skuMatches(for text: String, request: SearchRequest, limit: Int) async throws -> [Product] {
        guard !text.contains(where: { $0 == " " || $0 == "\t" }) else { return [] }
        if text.count < Self.minimumSKUPrefixLength {
            guard let product = try await store.product(sku: text),
                request.priceFilter.map({ $0.matches(["price": .number(product.price.doubleValue)]) }) ?? true
            else { return [] }
            return [product]
        }
        // One indexed query: in SKU order an exact match sorts before every longer SKU it starts.
        let found = try await store.products(skuPrefix: text, minPrice: request.minPrice, maxPrice: request.maxPrice, limit: limit)
        if let first = found.first, first.sku.lowercased() == text.lowercased() { return [first] }
        return found
    }

    /// The product a vector belongs to: metadata `id`, else the id's `<productId>#` prefix.
    static func productID(of match: VectorMatch) -> ProductID? {
        if case .number(let n)? = match.metadata?["id"] { return ProductID(Int64(n)) }
        if case .string(let s)? = match.metadata?["id"], let n = Int64(s) { return ProductID(n) }
        let prefix = match.id.split(separator: "#", maxSplits: 1).first.map(String.init) ?? match.id
        return Int64(prefix).map { ProductID($0) }
    }
}
