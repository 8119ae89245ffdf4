/// How a product list is ordered.
public enum ProductSort: String, Sendable, CaseIterable, Hashable {
    case id, name, price, updated
}

/// One page of a product listing.
public struct ProductQuery: Sendable, Hashable {
    public var limit: Int
    public var offset: Int
    public var sort: ProductSort
    public var descending: Bool
    /// What the user typed, in ``ProductFilter``'s grammar (`lamp sku:kit price:<20`); a
    /// store throws ``ProductFilterError`` when it does not parse.
    public var filter: String?

    public init(limit: Int = 50, offset: Int = 0, sort: ProductSort = .id, descending: Bool = false, filter: String? = nil) {
        self.limit = limit
        self.offset = offset
        self.sort = sort
        self.descending = descending
        self.filter = filter
    }
}

/// A page of products and how many match in all.
public struct ProductPage: Sendable, Hashable {
    public var products: [Product]
    public var totalCount: Int
    public init(products: [Product], totalCount: Int) {
        self.products = products
        self.totalCount = totalCount
    }
}

/// Reads and writes the product catalog.
///
/// `PostgresProductStore` is the real one; `InMemoryProductStore` in TestSupport is its twin
/// for unit tests. Writes validate first and write nothing when validation fails.
public protocol ProductStore: Sendable {
    func list(_ query: ProductQuery) async throws -> ProductPage
    func product(id: ProductID) async throws -> Product?
    /// The product with this SKU, ignoring case (`kit-253-fcc` finds `KIT-253-FCC`).
    func product(sku: String) async throws -> Product?
    /// Up to `limit` products whose SKU starts with `prefix`, ignoring case, in SKU order (so
    /// an exact match comes first), within the price range when one is given.
    func products(skuPrefix prefix: String, minPrice: Price?, maxPrice: Price?, limit: Int) async throws -> [Product]
    /// Products by id, in no particular order; ids that do not exist are left out.
    func products(ids: [ProductID]) async throws -> [Product]
    func create(_ product: NewProduct) async throws -> Product
    /// Applies the changes and returns the row as stored, or nil when there is no such product.
    func update(id: ProductID, _ changes: ProductChanges) async throws -> Product?
    /// Deletes the product; false when there was none.
    func delete(id: ProductID) async throws -> Bool
    func count() async throws -> Int
}
