import Catalog

/// The details of one product, opened from search or the products list.
public struct DetailsState: ViewPayload {
    public var product: Product
    public var score: Float?
    public var scroll = 0
    public init(product: Product, score: Float? = nil) {
        self.product = product
        self.score = score
    }
}

extension ConsoleState {
    /// The product open in the details view.
    public var details: DetailsState? {
        get { views[DetailsState.self] }
        set { views[DetailsState.self] = newValue }
    }
}
