import Catalog

/// The products view: one page of the catalog.
public struct ProductsState: ViewPayload {
    /// `limit` is the rows the window shows (set at each load).
    public var query = ProductQuery(limit: 50)
    public var page: ProductPage?
    public var selection = TableSelection()
    /// The `/` filter while it is being typed.
    public var filter: TextField?
    public var pending: Int?
    public init() {}
}

extension ConsoleState {
    public var products: ProductsState {
        get { views[ProductsState.self] ?? ProductsState() }
        set { views[ProductsState.self] = newValue }
    }
}
