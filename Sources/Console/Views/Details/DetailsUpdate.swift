import Catalog

extension ViewID {
    public static let details = ViewID(rawValue: "details")
}

/// One product in full, opened from search or products: scroll, edit, delete.
extension DetailsView: ConsoleScreen {
    public static var id: ViewID { .details }
    public static var title: String { "Product" }
    public static var isTab: Bool { false }
    public static func crumb(_ s: ConsoleState) -> String? { " › Product" }

    public static func bindings(for s: ConsoleState) -> [KeyBinding] { bindings }

    public static func otherKey(_ s: inout ConsoleState, _ key: Key) {
        if s.details != nil { ConsoleUpdate.scroll(&s.details!.scroll, key) }
    }

    public static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect]? {
        switch action {
        case .editSelected:
            guard let product = s.details?.product else { return [] }
            return ProductEditorView.open(&s, product)
        case .deleteSelected:
            guard let product = s.details?.product else { return [] }
            ProductsView.confirmDelete(&s, product)
            return []
        default:
            return nil
        }
    }

    public static func received(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect]? {
        switch message {
        case let .productSaved(_, product):
            if s.details?.product.id == product.id { s.details?.product = product }
            return nil
        default:
            return nil
        }
    }

    public static func closed(_ s: inout ConsoleState) { s.details = nil }
}
