import Catalog
import Foundation
import Operations

/// The console's update function: pure and synchronous. It changes the state for a
/// message and returns the effects to run; time arrives only in `ticked(at:)`.
public enum ConsoleUpdate {
    /// The effects to run when the console opens.
    public static func start(_ state: inout ConsoleState) -> [ConsoleEffect] {
        requestIndexProgress(&state) + refreshOperations(&state)
    }

    public static func update(_ state: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect] {
        var effects = dispatch(&state, message)
        // Second guard behind the hidden bindings: nothing that writes leaves in read-only mode.
        if state.readOnly, effects.contains(where: \.isWrite) {
            effects.removeAll(where: \.isWrite)
            state.show("Read-only mode: changes are refused (the console was started with --read-only or REFARCH_READ_ONLY=1).", .error)
        }
        return effects
    }

    static func dispatch(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect] {
        switch message {
        case .keyPressed(let key):
            return keyPressed(&s, key)
        case .resized(let size):
            s.size = size
            clampSelections(&s)
            return []
        case .ticked(let now):
            return ticked(&s, now)
        case .stopRequested:
            s.isQuitting = true
            return [.quit]
        case let .searchFinished(request, result):
            guard s.end(request), s.search.pending == request else { return [] }
            s.search.pending = nil
            s.search.pendingRequest = nil
            s.search.failedRequest = nil
            s.loadErrors[.search] = nil
            s.search.result = result
            s.search.selection = TableSelection()
            return []
        case let .productsLoaded(request, page):
            guard s.end(request), s.products.pending == request else { return [] }
            s.products.pending = nil
            s.products.page = page
            s.loadErrors[.products] = nil
            clampSelections(&s)
            return []
        case let .productLoaded(request, product):
            guard s.end(request), var editor = s.editor, editor.loading == request else { return [] }
            editor.loading = nil
            if let product, !editor.isDirty {
                editor.original = product
                editor.form = EditorState.makeForm(product)
            } else if product == nil {
                s.show("Product \(editor.productID?.description ?? "?") no longer exists; saving creates nothing.", .warn)
            }
            s.editor = editor
            return []
        case let .productSaved(request, product):
            return productSaved(&s, request: request, product: product)
        case let .productDeleted(request, id, existed):
            guard s.end(request) else { return [] }
            s.show(existed ? "Deleted product \(id)." : "Product \(id) was already gone.", existed ? .ok : .warn)
            if s.view == .details, s.details?.product.id == id { goBack(&s) }
            s.search.result?.hits.removeAll { $0.product.id == id }
            return reloadProducts(&s)
        case let .syncProgressed(request, stage, sequence):
            guard s.end(request), var sync = s.editor?.sync, sync.pending == request else { return [] }
            sync.pending = nil
            sync.note = nil
            if sync.changeSequence == nil { sync.changeSequence = sequence }
            if stage > sync.stage { sync.stage = stage }
            for reached in SyncStage.allCases where reached <= sync.stage && sync.reached[reached] == nil {
                sync.reached[reached] = s.now - sync.savedAt
            }
            s.editor?.sync = sync
            if stage == .indexed {
                s.show(
                    "Product \(sync.productID) is searchable: indexed \(formatSeconds(sync.reached[.indexed] ?? .zero)) after the save.",
                    .ok)
            }
            return []
        case let .indexProgressLoaded(request, progress):
            guard s.end(request), s.indexProgressRequest == request else { return [] }
            s.indexProgressRequest = nil
            s.indexProgressError = nil
            s.indexProgress = progress
            return []
        case let .requestFailed(request, error):
            return requestFailed(&s, request: request, error: error)
        case .queueStatsLoaded, .workersLoaded, .deadLettersLoaded, .queueTaskProgressed, .deadLettersRedriven, .deadLettersDeleted,
            .deadLettersPurged:
            return operationsMessage(&s, message)
        }
    }

    // MARK: Time

    static func ticked(_ s: inout ConsoleState, _ now: Duration) -> [ConsoleEffect] {
        s.now = now
        if let expires = s.status?.expires, now >= expires { s.status = nil }
        var effects = requestIndexProgress(&s) + refreshOperations(&s) + retryFailedLoad(&s)
        if var sync = s.editor?.sync, sync.stage < .indexed, !sync.gaveUp, sync.pending == nil {
            if now - sync.savedAt > .seconds(120) {
                sync.gaveUp = true
                s.show(
                    "Product \(sync.productID) is not indexed 2 minutes after the save: are the workers running (refarch-tui run-local)?",
                    .warn, for: nil)
            } else if sync.lastPoll.map({ now - $0 >= (sync.note == nil ? .milliseconds(100) : .seconds(1)) }) ?? true {
                let request = s.begin("following the change")
                sync.pending = request
                sync.lastPoll = now
                effects.append(.loadSyncStage(request: request, sync.productID, changeSequence: sync.changeSequence))
            }
            s.editor?.sync = sync
        }
        return effects
    }

    /// While the current view shows a failed load, asks again every refresh interval, so a
    /// recovered backend clears the error at once.
    static func retryFailedLoad(_ s: inout ConsoleState) -> [ConsoleEffect] {
        guard s.loadErrors[s.view] != nil, let failedAt = s.loadErrorsAt, s.now - failedAt >= s.refreshInterval else { return [] }
        s.loadErrorsAt = s.now
        switch s.view {
        case .search:
            guard s.search.pending == nil, let request = s.search.failedRequest else { return [] }
            return runSearch(&s, query: request.query, page: request.page)
        case .products:
            return s.products.pending == nil ? loadProducts(&s) : []
        case .deadLetters:
            return s.deadLetters.pending == nil ? loadDeadLetters(&s) : []
        default:
            return []  // queues and workers refresh on their own
        }
    }

    static func requestIndexProgress(_ s: inout ConsoleState) -> [ConsoleEffect] {
        guard s.indexProgressRequest == nil else { return [] }
        let interval = (s.indexProgress?.isComplete ?? false) ? s.indexProgressInterval * 5 : s.indexProgressInterval
        if let checked = s.indexProgressCheckedAt, s.now - checked < interval { return [] }
        let request = s.begin("index progress")
        // Index progress is background information: not shown in the spinner.
        s.inFlight[request]?.label = ""
        s.indexProgressRequest = request
        s.indexProgressCheckedAt = s.now
        return [.loadIndexProgress(request: request)]
    }

    // MARK: Keys

    static func keyPressed(_ s: inout ConsoleState, _ key: Key) -> [ConsoleEffect] {
        if let overlay = s.overlay { return overlayKey(&s, overlay, key) }
        if s.isTooSmall { return key == .character("q") || key == .control("c") ? perform(&s, .quit) : [] }
        // Views with a focused input take typing first; only a few keys stay global.
        switch s.view {
        case .search where s.search.focus == .query:
            return searchQueryKey(&s, key)
        case .products where s.products.filter != nil:
            return productsFilterKey(&s, key)
        case .deadLetters where s.deadLetters.filterField != nil:
            return deadLettersFilterKey(&s, key)
        case .editor:
            return editorKey(&s, key)
        default:
            break
        }
        // `.edit` bindings only document keys (movement, editing) handled below.
        if let action = KeyBinding.action(for: key, in: bindings(for: s)), action != .edit, action != .submit {
            return perform(&s, action)
        }
        // Movement keys in lists.
        switch s.view {
        case .search:
            let count = s.search.result?.hits.count ?? 0
            if key == .up, s.search.selection.selected == 0 {
                s.search.focus = .query
                return []
            }
            s.search.selection.handle(key, rowCount: count, visible: searchVisibleRows(s))
        case .products:
            s.products.selection.handle(key, rowCount: s.products.page?.products.count ?? 0, visible: productsVisibleRows(s))
        case .details:
            if s.details != nil { scroll(&s.details!.scroll, key) }
        case .editor, .queues:
            break
        case .deadLetters:
            s.deadLetters.selection.handle(key, rowCount: s.deadLetters.visibleRows.count, visible: deadLettersVisibleRows(s))
        case .deadLetter:
            if s.deadLetter != nil { scroll(&s.deadLetter!.scroll, key) }
        case .workers:
            s.workers.selection.handle(key, rowCount: s.workers.roster?.workers.count ?? 0, visible: workersVisibleRows(s))
        }
        return []
    }

    /// The bindings of the current view (its own, then the global ones), as read-only mode leaves them.
    public static func bindings(for s: ConsoleState) -> [KeyBinding] {
        let own: [KeyBinding]
        switch s.view {
        case .search: own = s.search.focus == .query ? SearchView.queryBindings : SearchView.resultBindings
        case .products: own = s.products.filter != nil ? ProductsView.filterBindings : ProductsView.bindings
        case .details: own = DetailsView.bindings
        case .editor: own = ProductEditorView.bindings
        case .queues: own = QueuesView.bindings
        case .deadLetters: own = s.deadLetters.filterField != nil ? DeadLettersView.filterBindings : DeadLettersView.bindings
        case .deadLetter: own = DeadLetterView.bindings
        case .workers: own = WorkersView.bindings
        }
        let global: [KeyBinding]
        switch s.view {
        case .editor: global = GlobalBindings.whileEditing
        case .search where s.search.focus == .query: global = GlobalBindings.whileTyping
        case .products where s.products.filter != nil: global = GlobalBindings.whileTyping
        case .deadLetters where s.deadLetters.filterField != nil: global = GlobalBindings.whileTyping
        default: global = GlobalBindings.all
        }
        return KeyBinding.visible(own + global, readOnly: s.readOnly)
    }

    static func searchQueryKey(_ s: inout ConsoleState, _ key: Key) -> [ConsoleEffect] {
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
            return KeyBinding.action(for: key, in: GlobalBindings.all).map { perform(&s, $0) } ?? []
        case .character(":") where s.search.query.text.isEmpty:
            // No query starts with a colon: in an empty box it is the view command line, as everywhere.
            return perform(&s, .commandLine)
        default:
            s.search.query.handle(key)
            return []
        }
    }

    static func productsFilterKey(_ s: inout ConsoleState, _ key: Key) -> [ConsoleEffect] {
        filterKey(&s, key, field: \.products.filter) { s, text in
            s.products.query.filter = text
            s.products.query.offset = 0
            s.products.selection = TableSelection()
            return loadProducts(&s)
        }
    }

    /// Keys while a list's `/` filter is typed: enter applies the trimmed text (nil when
    /// empty), esc leaves the filter as it was, tab and ctrl-c still do what they do
    /// everywhere, and every other key edits.
    static func filterKey(
        _ s: inout ConsoleState, _ key: Key, field: WritableKeyPath<ConsoleState, TextField?>,
        apply: (inout ConsoleState, String?) -> [ConsoleEffect]
    ) -> [ConsoleEffect] {
        switch key {
        case .enter:
            let text = s[keyPath: field]?.text.trimmingCharacters(in: .whitespaces) ?? ""
            s[keyPath: field] = nil
            return apply(&s, text.isEmpty ? nil : text)
        case .escape:
            s[keyPath: field] = nil
            return []
        case .function(1):
            return perform(&s, .help)
        case .tab, .backTab, .control("c"):
            s[keyPath: field] = nil
            return KeyBinding.action(for: key, in: GlobalBindings.all).map { perform(&s, $0) } ?? []
        default:
            s[keyPath: field]?.handle(key)
            return []
        }
    }

    /// Scroll keys of the views that show one long text (a product, a dead letter).
    static func scroll(_ offset: inout Int, _ key: Key) {
        switch key {
        case .down, .character("j"): offset += 1
        case .up, .character("k"): offset = max(0, offset - 1)
        case .pageDown: offset += 10
        case .pageUp: offset = max(0, offset - 10)
        default: break
        }
    }

    static func editorKey(_ s: inout ConsoleState, _ key: Key) -> [ConsoleEffect] {
        guard var editor = s.editor else { return [] }
        switch key {
        case .control("s"):
            return perform(&s, .save)
        case .function(1):
            return perform(&s, .help)
        case .escape:
            return perform(&s, .back)
        case .control("c"):
            return perform(&s, .quit)
        default:
            if s.readOnly {
                if case .character = key {
                    s.show("Read-only mode: this product cannot be changed.", .warn)
                } else {
                    editor.form.handle(key)
                }
                s.editor = editor
                return []
            }
            editor.form.handle(key)
            let layout = ProductEditorView.formRect(s)
            editor.form.scrollToCursor(width: layout.width - editor.form.labelWidth, height: editor.form.textRows(height: layout.height))
            s.editor = editor
            return []
        }
    }

    static func overlayKey(_ s: inout ConsoleState, _ overlay: Overlay, _ key: Key) -> [ConsoleEffect] {
        switch overlay {
        case .help(let scroll):
            let last = ConsoleView.helpScrollLimit(s)
            switch key {
            case .escape, .character("?"), .function(1), .character("q"), .enter: s.overlay = nil
            case .down, .character("j"): s.overlay = .help(scroll: min(last, scroll + 1))
            case .up, .character("k"): s.overlay = .help(scroll: max(0, scroll - 1))
            case .pageDown, .character(" "): s.overlay = .help(scroll: min(last, scroll + 10))
            case .pageUp: s.overlay = .help(scroll: max(0, scroll - 10))
            default: break
            }
            return []
        case .confirm(_, let action):
            switch key {
            case .character("y"), .character("Y"), .enter:
                s.overlay = nil
                return confirmed(&s, action)
            case .character("n"), .character("N"), .escape, .character("q"):
                s.overlay = nil
                return []
            default:
                return []
            }
        case .command(var field):
            switch key {
            case .enter:
                s.overlay = nil
                return command(&s, field.text)
            case .escape:
                s.overlay = nil
                return []
            case .tab:
                // Complete a view name.
                let typed = field.text.trimmingCharacters(in: .whitespaces).lowercased()
                if let match = commandNames.first(where: { $0.hasPrefix(typed) }) { field.set(match) }
                s.overlay = .command(field)
                return []
            default:
                field.handle(key)
                s.overlay = .command(field)
                return []
            }
        case .priceRange(var form):
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
    }

    static let commandNames = ViewID.tabs.map(\.rawValue) + ["quit"]

    static func command(_ s: inout ConsoleState, _ text: String) -> [ConsoleEffect] {
        let name = text.trimmingCharacters(in: .whitespaces).lowercased()
        if name == "q" || name == "quit" { return perform(&s, .quit) }
        guard let view = ViewID.tabs.first(where: { $0.rawValue == name || ($0.rawValue.hasPrefix(name) && !name.isEmpty) }) else {
            if name.isEmpty { return [] }
            s.show("No view named \"\(name)\": try :\(ViewID.tabs.map(\.rawValue).joined(separator: ", :")) or :quit.", .error)
            return []
        }
        return switchTo(&s, view)
    }

    // MARK: Actions

    static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect] {
        switch action {
        case .quit:
            if let editor = s.editor, editor.isDirty {
                s.overlay = .confirm(
                    ConfirmDialog(
                        title: "Unsaved edits", message: "Quit and discard the unsaved edits to \(editorSubject(editor))?",
                        confirmLabel: "quit", isDestructive: true), .quit)
                return []
            }
            s.isQuitting = true
            return [.quit]
        case .help:
            s.overlay = .help(scroll: 0)
            return []
        case .back:
            if s.view == .editor, let editor = s.editor, editor.isDirty {
                s.overlay = .confirm(
                    ConfirmDialog(
                        title: "Unsaved edits", message: "Discard the unsaved edits to \(editorSubject(editor))?",
                        confirmLabel: "discard", isDestructive: true), .discardEdits)
                return []
            }
            // esc only ever goes back: out of an input (handled there), then to the previous
            // view. At the root of Search it does nothing, so a `:` typed next opens the
            // command line instead of landing in the query.
            goBack(&s)
            return []
        case .nextView, .previousView:
            let current = ViewID.tabs.firstIndex(of: s.stack.first ?? s.view) ?? 0
            let step = action == .nextView ? 1 : ViewID.tabs.count - 1
            return switchTo(&s, ViewID.tabs[(current + step) % ViewID.tabs.count])
        case .commandLine:
            s.overlay = .command(TextField())
            return []
        case .cycleTheme:
            guard let i = s.themeNames.firstIndex(of: s.themeName), !s.themeNames.isEmpty else {
                s.themeName = s.themeNames.first ?? s.themeName
                return []
            }
            s.themeName = s.themeNames[(i + 1) % s.themeNames.count]
            s.show("Theme: \(s.themeName)", .info, for: .seconds(3))
            return []
        case .open:
            switch s.view {
            case .search:
                guard let hit = selectedHit(s) else { return [] }
                s.details = DetailsState(product: hit.product, score: hit.score)
                push(&s, .details)
            case .products:
                guard let product = selectedProduct(s) else { return [] }
                s.details = DetailsState(product: product)
                push(&s, .details)
            case .queues:
                return switchTo(&s, .deadLetters)
            case .deadLetters:
                guard let row = selectedDeadLetter(s) else { return [] }
                s.deadLetter = DeadLetterDetailState(row)
                push(&s, .deadLetter)
            default: break
            }
            return []
        case .focusInput:
            switch s.view {
            case .search: s.search.focus = .query
            case .products: s.products.filter = TextField(s.products.query.filter ?? "")
            case .deadLetters: s.deadLetters.filterField = TextField(s.deadLetters.filter ?? "")
            default: break
            }
            return []
        case .nextPage, .previousPage:
            let forward = action == .nextPage
            switch s.view {
            case .search:
                guard let result = s.search.result else { return [] }
                let page = result.request.page + (forward ? 1 : -1)
                guard page >= 1, !forward || SearchView.hasMore(result) else {
                    s.show(forward ? "This is the last page." : "This is the first page.", .info, for: .seconds(2))
                    return []
                }
                return runSearch(&s, query: result.request.query, page: page)
            case .products:
                let q = s.products.query
                let total = s.products.page?.totalCount ?? 0
                let offset = q.offset + (forward ? q.limit : -q.limit)
                guard offset >= 0, offset < max(total, 1) else {
                    s.show(forward ? "This is the last page." : "This is the first page.", .info, for: .seconds(2))
                    return []
                }
                s.products.query.offset = offset
                s.products.selection = TableSelection()
                return loadProducts(&s)
            default: return []
            }
        case .refresh:
            switch s.view {
            case .search:
                guard let request = s.search.result?.request else { return [] }
                return runSearch(&s, query: request.query, page: request.page)
            case .products: return loadProducts(&s)
            case .queues: return refreshOperations(&s, now: true)
            case .workers: return loadWorkers(&s)
            case .deadLetters: return loadDeadLetters(&s)
            default: return []
            }
        case .priceRange:
            s.overlay = .priceRange(
                Form(fields: [
                    .init(name: "min", label: "Lowest price", input: .line(TextField(s.search.minPrice?.decimalString ?? ""))),
                    .init(name: "max", label: "Highest price", input: .line(TextField(s.search.maxPrice?.decimalString ?? ""))),
                ]))
            return []
        case .editSelected:
            let product: Product?
            switch s.view {
            case .search: product = selectedHit(s)?.product
            case .products: product = selectedProduct(s)
            case .details: product = s.details?.product
            default: product = nil
            }
            guard let product else { return [] }
            return openEditor(&s, product)
        case .newProduct:
            return openEditor(&s, nil)
        case .deleteSelected:
            guard let product = s.view == .details ? s.details?.product : selectedProduct(s) else { return [] }
            s.overlay = .confirm(
                ConfirmDialog(
                    title: "Delete product",
                    message: "Delete product \(product.id) “\(product.name)” (\(product.sku))? It also leaves search.",
                    confirmLabel: "delete", isDestructive: true), .deleteProduct(product.id))
            return []
        case .nextSort:
            let all = ProductSort.allCases
            let i = all.firstIndex(of: s.products.query.sort) ?? 0
            s.products.query.sort = all[(i + 1) % all.count]
            s.products.query.offset = 0
            // A new order starts at its first row.
            s.products.selection = TableSelection()
            return loadProducts(&s)
        case .reverseSort:
            s.products.query.descending.toggle()
            s.products.query.offset = 0
            s.products.selection = TableSelection()
            return loadProducts(&s)
        case .save:
            return save(&s)
        case .toggleMark, .redrive, .deleteMessages, .purge:
            return deadLetterAction(&s, action)
        case .submit, .edit:
            return []
        }
    }

    static func confirmed(_ s: inout ConsoleState, _ action: ConfirmedAction) -> [ConsoleEffect] {
        switch action {
        case .deleteProduct(let id):
            let request = s.begin("deleting")
            return [.deleteProduct(request: request, id)]
        case .discardEdits:
            s.editor = nil
            goBack(&s)
            return []
        case .quit:
            s.isQuitting = true
            return [.quit]
        case .redriveDeadLetters, .deleteDeadLetters, .purgeDeadLetters:
            return startQueueTask(&s, action)
        }
    }

    // MARK: Navigation

    static func push(_ s: inout ConsoleState, _ view: ViewID) {
        s.stack.append(s.view)
        s.view = view
    }

    static func goBack(_ s: inout ConsoleState) {
        let leaving = s.view
        guard let previous = s.stack.popLast() else { return }
        s.view = previous
        if leaving == .editor { s.editor = nil }
        if leaving == .details { s.details = nil }
        if leaving == .deadLetter { s.deadLetter = nil }
    }

    static func switchTo(_ s: inout ConsoleState, _ view: ViewID) -> [ConsoleEffect] {
        if let editor = s.editor, editor.isDirty, s.view == .editor || s.stack.contains(.editor) {
            s.show("Save (ctrl-s) or discard (esc) the edits to \(editorSubject(editor)) first.", .warn)
            return []
        }
        s.stack = []
        s.details = nil
        s.editor = nil
        s.deadLetter = nil
        s.view = view
        if view == .products, s.products.page == nil, s.products.pending == nil { return loadProducts(&s) }
        if view == .deadLetters, s.deadLetters.pending == nil { return loadDeadLetters(&s) }
        if view == .workers, s.workers.roster == nil, s.workers.pending == nil { return loadWorkers(&s) }
        return []
    }

    static func openEditor(_ s: inout ConsoleState, _ product: Product?) -> [ConsoleEffect] {
        if s.readOnly {
            s.show("Read-only mode: products cannot be created or edited.", .error)
            return []
        }
        var editor = EditorState(product: product)
        editor.form.focus = 0
        var effects: [ConsoleEffect] = []
        if let product {
            // Edit the row as it is now, not as a search result remembered it.
            let request = s.begin("loading product")
            editor.loading = request
            effects.append(.loadProduct(request: request, product.id))
        }
        s.editor = editor
        push(&s, .editor)
        return effects
    }

    // MARK: Requests

    static func runSearch(_ s: inout ConsoleState, query: String, page: Int) -> [ConsoleEffect] {
        // A page is as many results as the window shows.
        s.search.pageSize = max(1, searchVisibleRows(s))
        let request = SearchRequest(
            query: query, topK: s.search.pageSize, page: page, minPrice: s.search.minPrice, maxPrice: s.search.maxPrice)
        let (id, cancel) = s.replace(\.search.pending, "searching")
        s.search.pendingRequest = request
        return cancel + [.search(request: id, request)]
    }

    static func loadProducts(_ s: inout ConsoleState) -> [ConsoleEffect] {
        // A page is as many rows as the window shows.
        s.products.query.limit = max(1, productsVisibleRows(s))
        let (id, cancel) = s.replace(\.products.pending, "loading products")
        return cancel + [.loadProducts(request: id, s.products.query)]
    }

    static func reloadProducts(_ s: inout ConsoleState) -> [ConsoleEffect] {
        s.products.page == nil && s.view != .products ? [] : loadProducts(&s)
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

    static func save(_ s: inout ConsoleState) -> [ConsoleEffect] {
        guard var editor = s.editor, editor.saving == nil else { return [] }
        let values = editor.form.values
        var problems: [String: String] = [:]
        var price: Price?
        let priceText = values["price", default: ""].trimmingCharacters(in: .whitespaces)
        if priceText.isEmpty {
            if editor.original == nil { problems["price"] = "price is required." }
        } else {
            do { price = try Price(parsing: priceText) } catch { problems["price"] = error.description }
        }
        var date: LocalDate?
        let dateText = values["last_updated", default: ""].trimmingCharacters(in: .whitespaces)
        if !dateText.isEmpty {
            date = LocalDate(parsing: dateText)
            if date == nil { problems["last_updated"] = "“\(dateText)” is not a date; write it as YYYY-MM-DD." }
        }
        let name = values["name", default: ""], sku = values["sku", default: ""], description = values["description", default: ""]
        var effect: ConsoleEffect?
        if let original = editor.original {
            do {
                let changes = try ProductChanges(
                    name: name == original.name ? nil : name, sku: sku == original.sku ? nil : sku,
                    description: description == original.description ? nil : description,
                    price: price == original.price ? nil : price,
                    lastUpdated: date == original.lastUpdated ? nil : date)
                if problems.isEmpty {
                    if changes.isEmpty {
                        s.show("Nothing to save: the form matches product \(original.id).", .info)
                        return []
                    }
                    effect = .updateProduct(request: 0, original.id, changes)
                }
            } catch {
                for problem in error.problems where problems[problem.field.rawValue] == nil {
                    problems[problem.field.rawValue] = problem.description
                }
            }
        } else {
            do {
                let product = try NewProduct(
                    name: name, sku: sku, description: description, price: price ?? (try! Price(cents: 0)),
                    lastUpdated: date)
                if problems.isEmpty { effect = .createProduct(request: 0, product) }
            } catch {
                for problem in error.problems where problems[problem.field.rawValue] == nil {
                    problems[problem.field.rawValue] = problem.description
                }
            }
        }
        editor.form.setErrors(problems)
        guard problems.isEmpty, let effect else {
            if let first = editor.form.fields.firstIndex(where: { $0.error != nil }) { editor.form.focus = first }
            s.editor = editor
            let count = problems.count
            s.show("Not saved: \(count) field\(count == 1 ? " needs" : "s need") fixing (marked ✗).", .error)
            return []
        }
        let request = s.begin("saving")
        editor.saving = request
        s.editor = editor
        switch effect {
        case .updateProduct(_, let id, let changes): return [.updateProduct(request: request, id, changes)]
        case .createProduct(_, let product): return [.createProduct(request: request, product)]
        default: return []
        }
    }

    static func productSaved(_ s: inout ConsoleState, request: Int, product: Product) -> [ConsoleEffect] {
        guard s.end(request), var editor = s.editor, editor.saving == request else { return [] }
        let wasNew = editor.original == nil
        editor.saving = nil
        editor.original = product
        editor.productID = product.id
        let focus = editor.form.focus
        editor.form = EditorState.makeForm(product)
        editor.form.focus = focus
        var sync = SyncTracking(productID: product.id, savedAt: s.now)
        sync.reached[.saved] = .zero
        editor.sync = sync
        s.editor = editor
        s.show(wasNew ? "Created product \(product.id)." : "Saved product \(product.id).", .ok)
        // Keep the other views' copies current.
        if let i = s.search.result?.hits.firstIndex(where: { $0.product.id == product.id }) { s.search.result?.hits[i].product = product }
        if s.details?.product.id == product.id { s.details?.product = product }
        return reloadProducts(&s) + ticked(&s, s.now)
    }

    static func requestFailed(_ s: inout ConsoleState, request: Int, error: ConsoleError) -> [ConsoleEffect] {
        guard s.end(request) else { return [] }
        if s.search.pending == request {
            s.search.pending = nil
            s.search.failedRequest = s.search.pendingRequest
            s.search.pendingRequest = nil
            return loadFailed(&s, .search, error, "Search failed")
        }
        if s.products.pending == request {
            s.products.pending = nil
            return loadFailed(&s, .products, error, "Products not loaded")
        }
        if let effects = operationsFailed(&s, request: request, error: error) { return effects }
        if s.indexProgressRequest == request {
            s.indexProgressRequest = nil
            // Once per cause: a retry every few seconds must not push newer notices away.
            if s.indexProgressError != error { s.show("Index progress unavailable: \(error.summary)", .warn) }
            s.indexProgressError = error
            return []
        }
        if var editor = s.editor {
            if editor.saving == request {
                editor.saving = nil
                editor.form.setErrors(error.fieldProblems)
                if let first = editor.form.fields.firstIndex(where: { $0.error != nil }) { editor.form.focus = first }
            }
            if editor.loading == request { editor.loading = nil }
            if editor.sync?.pending == request {
                // The row is saved whatever the index says: the trail notes why it cannot
                // follow the change yet and keeps polling.
                editor.sync?.pending = nil
                editor.sync?.note = error.summary
                s.editor = editor
                return []
            }
            s.editor = editor
        }
        s.show(error.line, .error, for: .seconds(15))
        return []
    }

    /// A failed load: the error and its remedy go to the view's body (until the load
    /// succeeds); the status bar gets one line, once, not on every retry.
    static func loadFailed(_ s: inout ConsoleState, _ view: ViewID, _ error: ConsoleError, _ what: String) -> [ConsoleEffect] {
        let repeated = s.loadErrors[view] == error
        s.loadErrors[view] = error
        s.loadErrorsAt = s.now
        if !repeated { s.show("\(what): \(error.summary)", .error, for: .seconds(15)) }
        return []
    }

    // MARK: Helpers

    static func selectedHit(_ s: ConsoleState) -> SearchHit? {
        guard let hits = s.search.result?.hits, hits.indices.contains(s.search.selection.selected) else { return nil }
        return hits[s.search.selection.selected]
    }

    static func selectedProduct(_ s: ConsoleState) -> Product? {
        guard let products = s.products.page?.products, products.indices.contains(s.products.selection.selected) else { return nil }
        return products[s.products.selection.selected]
    }

    static func editorSubject(_ editor: EditorState) -> String {
        editor.original.map { "product \($0.id) “\($0.name)”" } ?? "the new product"
    }

    static func searchVisibleRows(_ s: ConsoleState) -> Int { Table.visibleRows(height: SearchView.tableRect(s).height) }
    static func productsVisibleRows(_ s: ConsoleState) -> Int { Table.visibleRows(height: ProductsView.tableRect(s).height) }

    static func clampSelections(_ s: inout ConsoleState) {
        s.search.selection.clamp(rowCount: s.search.result?.hits.count ?? 0, visible: searchVisibleRows(s))
        s.products.selection.clamp(rowCount: s.products.page?.products.count ?? 0, visible: productsVisibleRows(s))
        s.deadLetters.selection.clamp(rowCount: s.deadLetters.visibleRows.count, visible: deadLettersVisibleRows(s))
        s.workers.selection.clamp(rowCount: s.workers.roster?.workers.count ?? 0, visible: workersVisibleRows(s))
    }
}

/// "0.42 s", "12 ms": elapsed times for people.
public func formatSeconds(_ duration: Duration) -> String {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
    return String(format: "%.2f s", seconds)
}
