import Catalog
import Operations

/// The products view: the catalog a page at a time, sorted and filtered, with new, edit
/// and delete.
public enum ProductsView {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.enter], "details", "Show the selected product", .open),
        KeyBinding(
            [.character("/")], "filter",
            "Filter the catalog: text in name, SKU or description, or column:value (sku:kit, price:<20, price:10-20, id:42)",
            .focusInput),
        KeyBinding([.character("s")], "sort", "Sort by the next column (id, name, price, updated)", .nextSort),
        KeyBinding([.character("S")], "reverse", "Reverse the sort order", .reverseSort),
        KeyBinding([.character("]")], "next page", "Next page", .nextPage),
        KeyBinding([.character("[")], "prev page", "Previous page", .previousPage),
        KeyBinding([.character("n")], "new", "Add a product", .newProduct, isWrite: true),
        KeyBinding([.character("e")], "edit", "Edit the selected product", .editSelected, isWrite: true),
        KeyBinding([.character("d")], "delete", "Delete the selected product (asks first)", .deleteSelected, isDestructive: true),
        TraceView.openBinding,
        KeyBinding([.character("r")], "reload", "Load the page again", .refresh, isHidden: true),
        KeyBinding([.up, .down, .pageUp, .pageDown], "move", "Move the selection (also j, k, g, G)", .edit, isHidden: true),
    ]

    public static let filterBindings: [KeyBinding] = [
        KeyBinding([.enter], "apply", "Show only products matching every word (empty shows all)", .submit),
        KeyBinding([.escape], "cancel", "Leave the filter as it was", .back),
    ]

    static let columns: [TableColumn] = [
        TableColumn("ID", .fixed(6), alignRight: true, priority: 3),
        TableColumn("NAME", .flexible(min: 14, weight: 3, max: 56), priority: 4),
        TableColumn("SKU", .flexible(min: 10, weight: 1, max: 20), priority: 2),
        TableColumn("PRICE", .fixed(10), alignRight: true, priority: 2),
        TableColumn("UPDATED", .fixed(10), priority: 1),
        // Only on wide windows: it takes what the capped columns leave.
        TableColumn("DESCRIPTION", .flexible(min: 30, weight: 0), priority: 0),
    ]

    static func sortColumn(_ sort: ProductSort) -> Int {
        switch sort {
        case .id: 0
        case .name: 1
        case .price: 3
        case .updated: 4
        }
    }

    /// The rows, less one column on the right for the scroll mark.
    static func tableRect(_ s: ConsoleState) -> Rect {
        let rest = s.body.splitTop(2).rest
        return Rect(x: rest.x, y: rest.y, width: rest.width - 1, height: rest.height)
    }

    public static func render(_ s: ConsoleState, into grid: inout CellGrid) {
        let top = s.body.splitTop(1).top
        let state = s.products
        if let filter = state.filter {
            let label = " Filter › "
            grid.write(label, x: top.x, y: top.y, role: .accent)
            filter.render(
                into: &grid, rect: Rect(x: top.x + label.displayWidth, y: top.y, width: top.width - label.displayWidth - 1, height: 1),
                focused: true, placeholder: "text in name, SKU or description")
        } else {
            grid.write(" Products", x: top.x, y: top.y, role: .accent)
            var parts: [String] = []
            if let page = state.page {
                // The rows on screen, in the whole list: "17–50 of 10,000".
                let visible = Table.visibleRows(height: tableRect(s).height)
                let first = page.products.isEmpty ? 0 : state.query.offset + state.selection.top + 1
                let last = state.query.offset + min(page.products.count, state.selection.top + visible)
                parts.append("\(first)–\(last) of \(ConsoleView.grouped(page.totalCount))")
            } else if state.pending != nil {
                parts.append("loading…")
            }
            parts.append("sorted by \(state.query.sort.rawValue) \(state.query.descending ? "▼" : "▲")")
            if let filter = state.query.filter { parts.append("filter “\(filter)”") }
            grid.write(parts.joined(separator: " · "), x: top.x + 11, y: top.y, role: .muted, maxWidth: top.width - 12)
        }
        let tableRect = ProductsView.tableRect(s)
        guard let page = state.page else { return }
        if page.products.isEmpty {
            let text =
                state.query.filter.map { "No product matches “\($0)”. Press / to change the filter." }
                ?? "The catalog is empty. Press n to add a product."
            grid.write(text, x: tableRect.x + 2, y: tableRect.y + 1, role: .muted, maxWidth: tableRect.width - 4)
            return
        }
        let rows = page.products.map { p in
            [p.id.description, p.name, p.sku, p.price.description, p.lastUpdated?.description ?? "", SearchView.snippet(p.description)]
        }
        var columns = Self.columns
        columns[3].width = .fixed(Table.widthToFit(rows, column: 3, title: "PRICE", minimum: 10))
        Table(columns: columns, rows: rows, sortColumn: sortColumn(state.query.sort), sortDescending: state.query.descending)
            .render(into: &grid, rect: tableRect, selection: state.selection, focused: state.filter == nil)
        let visible = Table.visibleRows(height: tableRect.height)
        ScrollMark.render(
            into: &grid, rect: Rect(x: tableRect.maxX, y: tableRect.y + 1, width: 1, height: visible),
            first: state.query.offset + state.selection.top, shown: min(visible, page.products.count), total: page.totalCount)
    }
}
