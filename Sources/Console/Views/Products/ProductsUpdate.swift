import Catalog
import Foundation
import UserFacing

extension ViewID {
    public static let products = ViewID(rawValue: "products")
}

/// The products view's update: paging, sorting, the `/` filter, and deleting a product
/// (also asked from the details view).
extension ProductsView: ConsoleScreen {
    public static var id: ViewID { .products }
    public static var title: String { "Products" }
    public static var loadErrorTitle: String? { "Products not loaded" }
    public static var showsBackendErrorWhenEmpty: Bool { true }

    public static func prepare(_ s: inout ConsoleState) { s.products = ProductsState() }

    public static func bindings(for s: ConsoleState) -> [KeyBinding] { s.products.filter != nil ? filterBindings : bindings }

    public static func globalBindings(for s: ConsoleState) -> [KeyBinding] {
        s.products.filter != nil ? GlobalBindings.whileTyping : GlobalBindings.all
    }

    public static func hasData(_ s: ConsoleState) -> Bool { s.products.page != nil }

    public static func inputKey(_ s: inout ConsoleState, _ key: Key) -> [ConsoleEffect]? {
        guard s.products.filter != nil else { return nil }
        return ConsoleUpdate.filterKey(&s, key, field: \.products.filter) { s, text in
            // Checked here, not by the store: a bad column or price leaves the input open to fix.
            do { _ = try ProductFilter(parsing: text) } catch {
                s.products.filter = TextField(text ?? "")
                s.show(UserError(error).description, .warn, for: .seconds(15))
                return []
            }
            s.products.query.filter = text
            s.products.query.offset = 0
            s.products.selection = TableSelection()
            return load(&s)
        }
    }

    public static func otherKey(_ s: inout ConsoleState, _ key: Key) {
        s.products.selection.handle(key, rowCount: s.products.page?.products.count ?? 0, visible: visibleRows(s))
    }

    public static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect]? {
        switch action {
        case .open:
            guard let product = selectedProduct(s) else { return [] }
            s.details = DetailsState(product: product)
            ConsoleUpdate.push(&s, .details)
            return []
        case .focusInput:
            s.products.filter = TextField(s.products.query.filter ?? "")
            return []
        case .back:
            // esc shows the whole catalog again (as the other lists clear their filter), then goes back.
            guard let filter = s.products.query.filter, !filter.isEmpty else { return nil }
            s.products.query.filter = nil
            s.products.query.offset = 0
            s.products.selection = TableSelection()
            return load(&s)
        case .nextPage, .previousPage:
            let forward = action == .nextPage
            let q = s.products.query
            let total = s.products.page?.totalCount ?? 0
            let offset = q.offset + (forward ? q.limit : -q.limit)
            guard offset >= 0, offset < max(total, 1) else {
                s.show(forward ? "This is the last page." : "This is the first page.", .info, for: .seconds(2))
                return []
            }
            s.products.query.offset = offset
            s.products.selection = TableSelection()
            return load(&s)
        case .refresh:
            return load(&s)
        case .editSelected:
            guard let product = selectedProduct(s) else { return [] }
            return ProductEditorView.open(&s, product)
        case TraceView.openAction:
            return TraceView.openProduct(&s, selectedProduct(s))
        case .newProduct:
            return ProductEditorView.open(&s, nil)
        case .deleteSelected:
            guard let product = selectedProduct(s) else { return [] }
            confirmDelete(&s, product)
            return []
        case .nextSort:
            let all = ProductSort.allCases
            let i = all.firstIndex(of: s.products.query.sort) ?? 0
            s.products.query.sort = all[(i + 1) % all.count]
            s.products.query.offset = 0
            // A new order starts at its first row.
            s.products.selection = TableSelection()
            return load(&s)
        case .reverseSort:
            s.products.query.descending.toggle()
            s.products.query.offset = 0
            s.products.selection = TableSelection()
            return load(&s)
        default:
            return nil
        }
    }

    public static func confirmed(_ s: inout ConsoleState, _ action: ConfirmedAction) -> [ConsoleEffect]? {
        guard case .deleteProduct(let id) = action else { return nil }
        let request = s.begin("deleting")
        return [.deleteProduct(request: request, id)]
    }

    public static func opened(_ s: inout ConsoleState) -> [ConsoleEffect] {
        s.products.page == nil && !s.products.loading.isInFlight ? load(&s) : []
    }

    public static func received(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect]? {
        switch message {
        case let .productsLoaded(request, page):
            guard s.end(request), s.products.loading.settle(request) else { return [] }
            s.products.page = page
            s.loadErrors[.products] = nil
            ConsoleUpdate.clampSelections(&s)
            return []
        case let .productDeleted(request, id, existed):
            guard s.end(request) else { return [] }
            s.show(existed ? "Deleted product \(id)." : "Product \(id) was already gone.", existed ? .ok : .warn)
            if s.view == .details, s.details?.product.id == id { ConsoleUpdate.goBack(&s) }
            return reload(&s)
        default:
            return nil
        }
    }

    public static func failed(_ s: inout ConsoleState, request: Int, error: ConsoleError) -> [ConsoleEffect]? {
        guard s.products.loading.settle(request) else { return nil }
        return ConsoleUpdate.loadFailed(&s, .products, error, "Products not loaded")
    }

    public static func retryFailedLoad(_ s: inout ConsoleState) -> [ConsoleEffect] {
        s.products.loading.isInFlight ? [] : load(&s)
    }

    public static func clampSelection(_ s: inout ConsoleState) {
        s.products.selection.clamp(rowCount: s.products.page?.products.count ?? 0, visible: visibleRows(s))
    }

    // MARK: Requests

    static func load(_ s: inout ConsoleState) -> [ConsoleEffect] {
        // A page is as many rows as the window shows.
        s.products.query.limit = max(1, visibleRows(s))
        let (id, cancel) = s.replace(\.products.loading, "loading products")
        return cancel + [.loadProducts(request: id, s.products.query)]
    }

    /// Loads the page again if it was ever loaded (after a write: totals and rows change).
    static func reload(_ s: inout ConsoleState) -> [ConsoleEffect] {
        s.products.page == nil && s.view != .products ? [] : load(&s)
    }

    static func confirmDelete(_ s: inout ConsoleState, _ product: Product) {
        s.overlay = .confirm(
            ConfirmDialog(
                title: "Delete product",
                message: "Delete product \(product.id) “\(product.name)” (\(product.sku))? It also leaves search.",
                confirmLabel: "delete", isDestructive: true), .deleteProduct(product.id))
    }

    static func selectedProduct(_ s: ConsoleState) -> Product? {
        guard let products = s.products.page?.products, products.indices.contains(s.products.selection.selected) else { return nil }
        return products[s.products.selection.selected]
    }

    static func visibleRows(_ s: ConsoleState) -> Int { Table.visibleRows(height: tableRect(s).height) }
}
