import Catalog

/// The products view: one page of the catalog.
public struct ProductsState: ViewPayload {
    /// `limit` is the rows the window shows (set at each load).
    public var query = ProductQuery(limit: 50)
    public var page: ProductPage?
    public var selection = TableSelection()
    /// The `/` filter while it is being typed.
    public var filter: TextField?
    /// The page's load on its way.
    public var loading = RequestSlot()
    public init() {}

    /// The request on its way, if any (for the view and tests).
    public var pending: Int? { loading.request }
}

extension ConsoleState {
    public var products: ProductsState {
        get { views[ProductsState.self] ?? ProductsState() }
        set { views[ProductsState.self] = newValue }
    }
}
