import Catalog

// Products and search: what the console's Search and Products views and `refarch-tui
// search` ask, and the answers. `SearchService` (target Search) answers over any
// `VectorIndex`; the product store is `Catalog.ProductStore` (Postgres).

/// Products and semantic search, as the console and the CLI ask for them.
public protocol ProductOperations: Sendable {
    /// The catalog's products (list, read, create, update, delete).
    var store: any ProductStore { get }
    /// One page of products nearest in meaning to the request's text, in score order.
    func search(_ request: SearchRequest) async throws -> SearchResult
}

/// A semantic search request, as the console and `refarch-tui search` make it.
public struct SearchRequest: Sendable, Hashable {
    public var query: String
    /// Results per page.
    public var topK: Int
    /// 1-based page of results.
    public var page: Int
    public var minPrice: Price?
    public var maxPrice: Price?

    public init(query: String, topK: Int = 10, page: Int = 1, minPrice: Price? = nil, maxPrice: Price? = nil) {
        self.query = query
        self.topK = topK
        self.page = page
        self.minPrice = minPrice
        self.maxPrice = maxPrice
    }

    /// The metadata filter for the price range, if any (prices are numbers in the index).
    public var priceFilter: MetadataFilter? {
        var parts: [MetadataFilter] = []
        if let minPrice { parts.append(.field("price", .gte(minPrice.doubleValue))) }
        if let maxPrice { parts.append(.field("price", .lte(maxPrice.doubleValue))) }
        switch parts.count {
        case 0: return nil
        case 1: return parts[0]
        default: return .and(parts)
        }
    }
}

/// One product found, with its rank and best chunk score.
public struct SearchHit: Sendable, Hashable {
    public var rank: Int
    public var score: Float
    public var product: Product
    /// True when the query was this product's SKU, or the start of it with no exact match
    /// (shown first whatever its score).
    public var isSKUMatch: Bool

    public init(rank: Int, score: Float, product: Product, isSKUMatch: Bool = false) {
        self.rank = rank
        self.score = score
        self.product = product
        self.isSKUMatch = isSKUMatch
    }
}

/// What a search found and how long it took.
public struct SearchResult: Sendable, Hashable {
    public var request: SearchRequest
    public var hits: [SearchHit]
    /// Products matched before paging (at most what the index returned).
    public var totalMatched: Int
    public var elapsed: Duration

    public init(request: SearchRequest, hits: [SearchHit], totalMatched: Int, elapsed: Duration) {
        self.request = request
        self.hits = hits
        self.totalMatched = totalMatched
        self.elapsed = elapsed
    }
}
