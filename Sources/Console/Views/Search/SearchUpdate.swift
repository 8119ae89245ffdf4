import Catalog
import Foundation
import Operations
import Search

extension ViewID {
    public static let search = ViewID(rawValue: "search")
}

/// The search view's update: the query box, the results, paging and the price range.
extension SearchView: ConsoleScreen {
    public static var id: ViewID { .search }
    public static var title: String { "Search" }
    public static var loadErrorTitle: String? { "Search failed" }
    public static var showsBackendErrorWhenEmpty: Bool { true }

    public static func prepare(_ s: inout ConsoleState) { s.search = SearchState() }

    public static func bindings(for s: ConsoleState) -> [KeyBinding] {
        s.search.focus == .query ? queryBindings : resultBindings
    }

    public static func globalBindings(for s: ConsoleState) -> [KeyBinding] {
        s.search.focus == .query ? GlobalBindings.whileTyping : GlobalBindings.all
    }

    /// The other mode's keys (search box or results), so `?` shows both.
    public static func extraHelpSections(for s: ConsoleState) -> [(String, [KeyBinding])] {
        var seen = Set(ConsoleUpdate.bindings(for: s))
        let other = KeyBinding.visible(s.search.focus == .query ? resultBindings : queryBindings, readOnly: s.readOnly)
            .filter { seen.insert($0).inserted }
        return [(s.search.focus == .query ? "Search results" : "Search box", other)]
    }

    public static func hasData(_ s: ConsoleState) -> Bool { s.search.result != nil }

    public static func inputKey(_ s: inout ConsoleState, _ key: Key) -> [ConsoleEffect]? {
        guard s.search.focus == .query else { return nil }
        switch key {
        case .enter:
            let text = s.search.query.text.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return [] }
            s.search.focus = .results
            return runSearch(&s, query: text, page: 1)
        case .escape, .down:
            if s.search.result != nil { s.search.focus = .results }
            return []
        case .tab, .backTab, .control("c"), .function(1):
            return ConsoleUpdate.globalKey(&s, key)
        case .character(":") where s.search.query.text.isEmpty:
            // No query starts with a colon: in an empty box it is the view command line, as everywhere.
            return ConsoleUpdate.perform(&s, .commandLine)
        default:
            s.search.query.handle(key)
            return []
        }
    }

    public static func otherKey(_ s: inout ConsoleState, _ key: Key) {
        if key == .up, s.search.selection.selected == 0 {
            s.search.focus = .query
            return
        }
        s.search.selection.handle(key, rowCount: s.search.result?.hits.count ?? 0, visible: visibleRows(s))
    }

    public static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect]? {
        switch action {
        case .open:
            guard let hit = selectedHit(s) else { return [] }
            s.details = DetailsState(product: hit.product, score: hit.score)
            ConsoleUpdate.push(&s, .details)
            return []
        case .focusInput:
            s.search.focus = .query
            return []
        case .nextPage, .previousPage:
            let forward = action == .nextPage
            guard let result = s.search.result else { return [] }
            let page = result.request.page + (forward ? 1 : -1)
            guard page >= 1, !forward || hasMore(result) else {
                s.show(forward ? "This is the last page." : "This is the first page.", .info, for: .seconds(2))
                return []
            }
            return runSearch(&s, query: result.request.query, page: page)
        case .refresh:
            guard let request = s.search.result?.request else { return [] }
            return runSearch(&s, query: request.query, page: request.page)
        case .priceRange:
            s.overlay = .priceRange(
                Form(fields: [
                    .init(name: "min", label: "Lowest price", input: .line(TextField(s.search.minPrice?.decimalString ?? ""))),
                    .init(name: "max", label: "Highest price", input: .line(TextField(s.search.maxPrice?.decimalString ?? ""))),
                ]))
            return []
        case .editSelected:
            guard let product = selectedHit(s)?.product else { return [] }
            return ProductEditorView.open(&s, product)
        case TraceView.openAction:
            return TraceView.openProduct(&s, selectedHit(s)?.product)
        default:
            return nil
        }
    }

    public static func received(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect]? {
        switch message {
        case let .searchFinished(request, result):
            guard s.end(request), s.search.searching.settle(request) else { return [] }
            s.search.pendingRequest = nil
            s.search.failedRequest = nil
            s.loadErrors[.search] = nil
            s.search.result = result
            s.search.selection = TableSelection()
            return []
        case let .productDeleted(_, id, _):
            // Products owns the answer; the result list forgets the row too.
            s.search.result?.hits.removeAll { $0.product.id == id }
            return nil
        case let .productSaved(_, product):
            if let i = s.search.result?.hits.firstIndex(where: { $0.product.id == product.id }) {
                s.search.result?.hits[i].product = product
            }
            return nil
        default:
            return nil
        }
    }

    public static func failed(_ s: inout ConsoleState, request: Int, error: ConsoleError) -> [ConsoleEffect]? {
        guard s.search.searching.settle(request) else { return nil }
        s.search.failedRequest = s.search.pendingRequest
        s.search.pendingRequest = nil
        return ConsoleUpdate.loadFailed(&s, .search, error, "Search failed")
    }

    public static func retryFailedLoad(_ s: inout ConsoleState) -> [ConsoleEffect] {
        guard !s.search.searching.isInFlight, let request = s.search.failedRequest else { return [] }
        return runSearch(&s, query: request.query, page: request.page)
    }

    public static func clampSelection(_ s: inout ConsoleState) {
        s.search.selection.clamp(rowCount: s.search.result?.hits.count ?? 0, visible: visibleRows(s))
    }

    // MARK: Requests

    static func runSearch(_ s: inout ConsoleState, query: String, page: Int) -> [ConsoleEffect] {
        // A page is as many results as the window shows.
        s.search.pageSize = max(1, visibleRows(s))
        let request = SearchRequest(
            query: query, topK: s.search.pageSize, page: page, minPrice: s.search.minPrice, maxPrice: s.search.maxPrice)
        let (id, cancel) = s.replace(\.search.searching, "searching")
        s.search.pendingRequest = request
        return cancel + [.search(request: id, request)]
    }

    /// Keys of the price-range dialog.
    static func priceRangeKey(_ s: inout ConsoleState, _ form: Form, _ key: Key) -> [ConsoleEffect] {
        var form = form
        switch key {
        case .escape:
            s.overlay = nil
            return []
        case .enter where form.focus == form.fields.count - 1, .control("s"):
            return applyPriceRange(&s, form)
        default:
            form.handle(key)
            s.overlay = .priceRange(form)
            return []
        }
    }

    static func applyPriceRange(_ s: inout ConsoleState, _ form: Form) -> [ConsoleEffect] {
        var form = form
        var errors: [String: String] = [:]
        func parse(_ name: String) -> Price? {
            let text = form.value(name).trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return nil }
            do { return try Price(parsing: text) } catch {
                errors[name] = error.description
                return nil
            }
        }
        let low = parse("min"), high = parse("max")
        if let low, let high, low > high { errors["max"] = "the highest price is below the lowest." }
        guard errors.isEmpty else {
            form.setErrors(errors)
            s.overlay = .priceRange(form)
            return []
        }
        s.overlay = nil
        s.search.minPrice = low
        s.search.maxPrice = high
        guard let request = s.search.result?.request ?? s.search.pendingRequest else { return [] }
        return runSearch(&s, query: request.query, page: 1)
    }

    // MARK: Helpers

    static func selectedHit(_ s: ConsoleState) -> SearchHit? {
        guard let hits = s.search.result?.hits, hits.indices.contains(s.search.selection.selected) else { return nil }
        return hits[s.search.selection.selected]
    }

    static func visibleRows(_ s: ConsoleState) -> Int { Table.visibleRows(height: tableRect(s).height) }
}
