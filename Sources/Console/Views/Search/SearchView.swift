import Catalog
import Foundation
import Operations

/// The search view (the default): a query, then ranked results with score, name, SKU,
/// price and a one-line snippet.
public enum SearchView {
    public static let queryBindings: [KeyBinding] = [
        KeyBinding([.enter], "search", "Search for what you typed, in your own words (an exact SKU is found too)", .submit),
        KeyBinding([.escape, .down], "results", "Move to the results", .back),
        KeyBinding([.character(":")], "view", "In an empty box: jump to a view by name (:queues, :dlq, …)", .edit, isHidden: true),
        KeyBinding(
            [.control("w"), .control("u")], "delete word/line", "Delete the word before the cursor / everything before it", .edit,
            isHidden: true),
        KeyBinding([.home, .end], "start/end", "Cursor to the start or end (also ctrl-a, ctrl-e)", .edit, isHidden: true),
    ]

    public static let resultBindings: [KeyBinding] = [
        KeyBinding([.enter], "details", "Show the selected product with its full description", .open),
        KeyBinding([.character("/")], "search", "Type a new query", .focusInput),
        KeyBinding([.character("]")], "next page", "Next page of results", .nextPage),
        KeyBinding([.character("[")], "prev page", "Previous page of results", .previousPage),
        KeyBinding([.character("$")], "price", "Limit results to a price range", .priceRange),
        KeyBinding([.character("e")], "edit", "Edit the selected product", .editSelected, isWrite: true),
        KeyBinding([.character("r")], "rerun", "Run the search again", .refresh, isHidden: true),
        KeyBinding([.up, .down, .pageUp, .pageDown], "move", "Move the selection (also j, k, g, G)", .edit, isHidden: true),
    ]

    static let columns: [TableColumn] = [
        TableColumn("#", .fixed(3), alignRight: true, priority: 3),
        TableColumn("SCORE", .fixed(5), alignRight: true, priority: 2),
        TableColumn("NAME", .flexible(min: 14, weight: 3, max: 48), priority: 4),
        TableColumn("SKU", .flexible(min: 10, weight: 1, max: 20), priority: 1),
        TableColumn("PRICE", .fixed(10), alignRight: true, priority: 2),
        TableColumn("DESCRIPTION", .flexible(min: 16, weight: 4), priority: 0),
    ]

    static func tableRect(_ s: ConsoleState) -> Rect { s.body.splitTop(2).rest }

    public static func render(_ s: ConsoleState, into grid: inout CellGrid) {
        let body = s.body
        let (top, rest) = body.splitTop(1)
        let label = " Search › "
        grid.write(label, x: top.x, y: top.y, role: .accent)
        let fieldWidth = top.width - label.displayWidth - 1
        s.search.query.render(
            into: &grid, rect: Rect(x: top.x + label.displayWidth, y: top.y, width: fieldWidth, height: 1),
            focused: s.search.focus == .query, placeholder: "what are you looking for? e.g. something to keep coffee hot")
        let summaryRow = rest.splitTop(1).top
        grid.write(summary(s), x: summaryRow.x + 1, y: summaryRow.y, role: .muted, maxWidth: summaryRow.width - 2)
        let tableRect = SearchView.tableRect(s)
        guard let result = s.search.result else {
            if s.search.pending == nil, s.loadErrors[.search] == nil, s.loadErrors[.queues] == nil {
                let hint = [
                    "Type what you are looking for and press enter.",
                    "Results are ranked by meaning, not by matching words: try “a gift for someone who loves hiking”.",
                ]
                for (i, line) in hint.enumerated() {
                    grid.write(line, x: tableRect.x + 2, y: tableRect.y + 1 + i, role: .muted, maxWidth: tableRect.width - 4)
                }
            }
            return
        }
        if result.hits.isEmpty {
            grid.write(
                "No products match “\(result.request.query)”\(priceText(s).map { " at \($0)" } ?? "").", x: tableRect.x + 2,
                y: tableRect.y + 1, role: .warn, maxWidth: tableRect.width - 4)
            return
        }
        let rows = result.hits.map { hit in
            [
                String(hit.rank), String(format: "%.3f", hit.score), hit.product.name, hit.product.sku, hit.product.price.description,
                snippet(hit.product.description),
            ]
        }
        var columns = Self.columns
        columns[4].width = .fixed(Table.widthToFit(rows, column: 4, title: "PRICE", minimum: 10))
        Table(columns: columns, rows: rows).render(
            into: &grid, rect: tableRect, selection: s.search.selection,
            focused: s.search.focus == .results)
    }

    static func summary(_ s: ConsoleState) -> String {
        var parts: [String] = []
        if let pending = s.search.pendingRequest {
            parts.append("searching for “\(pending.query)”…")
        } else if let result = s.search.result, let first = result.hits.first?.rank, let last = result.hits.last?.rank {
            // Search ranks by meaning, so there is no true total: say what is on screen and
            // whether more can be asked for, never a count that grows while paging.
            parts.append("\(first == 1 ? "top \(last)" : "results \(first)–\(last)") for “\(result.request.query)”")
            parts.append(hasMore(result) ? "page \(result.request.page) · ] for more" : "page \(result.request.page), the last")
            parts.append("took \(formatMilliseconds(result.elapsed))")
        } else if let result = s.search.result {
            parts.append("no results for “\(result.request.query)”\(result.request.page > 1 ? " on page \(result.request.page)" : "")")
            parts.append("took \(formatMilliseconds(result.elapsed))")
        }
        if let price = priceText(s) { parts.append("price \(price)") }
        return parts.joined(separator: " · ")
    }

    /// Whether a next page can hold results: the index matched more than the pages so far.
    static func hasMore(_ result: SearchResult) -> Bool { result.totalMatched > result.request.page * result.request.topK }

    static func priceText(_ s: ConsoleState) -> String? {
        switch (s.search.minPrice, s.search.maxPrice) {
        case (nil, nil): nil
        case let (low?, nil): "from \(low)"
        case let (nil, high?): "up to \(high)"
        case let (low?, high?): "\(low)–\(high)"
        }
    }

    /// The description on one line, no longer than the widest screen shows (it is cut to
    /// the column later; this keeps a long description from being walked on every frame).
    static func snippet(_ text: String) -> String {
        let head = text.utf8.count > 600 ? String(text.prefix(600)) : text
        // Line breaks are bytes 0x0A–0x0D or non-ASCII (U+0085, U+2028, U+2029).
        guard head.utf8.contains(where: { (0x0A...0x0D).contains($0) || $0 >= 0x80 }) else { return head }
        return head.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// Sized to its hint and any error, up to the window; the hint wraps when the window is narrow.
    static func renderPriceRange(_ form: Form, into grid: inout CellGrid, in area: Rect) {
        let hintText = "Empty means no limit. Write prices like 12, 12.50 or $1,200."
        let keys = "tab next field · enter apply · esc cancel"
        let errorWidth = form.fields.compactMap(\.error).map { form.labelWidth + ("✗ " + $0).displayWidth }.max() ?? 0
        let width = min(area.width - 2, max(hintText.displayWidth, keys.displayWidth, errorWidth, 30) + 4)
        let hint = TextWrap.lines(hintText, width: width - 4)
        let formHeight = form.fields.count * 2
        let rect = area.centred(width: width, height: hint.count + formHeight + 4)
        Box.render(into: &grid, rect: rect, title: "Price range")
        let inner = rect.inset(dx: 2, dy: 1)
        for (i, line) in hint.enumerated() { grid.write(line, x: inner.x, y: inner.y + i, role: .muted, maxWidth: inner.width) }
        form.render(into: &grid, rect: Rect(x: inner.x, y: inner.y + hint.count + 1, width: inner.width, height: formHeight))
        grid.write(keys, x: inner.x, y: rect.maxY - 2, role: .muted, maxWidth: inner.width)
    }
}

/// "12.4 ms": a search's time for people.
func formatMilliseconds(_ duration: Duration) -> String {
    let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    return ms < 10 ? String(format: "%.1f ms", ms) : String(format: "%.0f ms", ms)
}
