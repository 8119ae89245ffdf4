import Catalog
import Foundation
import Operations

extension ViewID {
    public static let editor = ViewID(rawValue: "editor")
}

/// The product form's update: typing, validation and the save, then the change followed
/// to the index (the sync trail) without ever holding the save up.
extension ProductEditorView: ConsoleScreen {
    public static var id: ViewID { .editor }
    public static var title: String { "Edit" }
    public static var isTab: Bool { false }
    public static func crumb(_ s: ConsoleState) -> String? { s.editor?.original == nil ? " › New" : " › Edit" }

    public static func bindings(for s: ConsoleState) -> [KeyBinding] { bindings }
    public static func globalBindings(for s: ConsoleState) -> [KeyBinding] { GlobalBindings.whileEditing }

    public static func unsavedWork(_ s: ConsoleState) -> String? {
        guard let editor = s.editor, editor.isDirty else { return nil }
        return subject(editor)
    }

    public static func wantsFastTicks(_ s: ConsoleState) -> Bool {
        s.editor?.sync.map { $0.stage != .indexed && !$0.gaveUp } ?? false
    }

    /// Every key goes to the form but save, help, back and quit.
    public static func inputKey(_ s: inout ConsoleState, _ key: Key) -> [ConsoleEffect]? {
        guard var editor = s.editor else { return nil }
        switch key {
        case .control("s"):
            return ConsoleUpdate.perform(&s, .save)
        case .function(1):
            return ConsoleUpdate.perform(&s, .help)
        case .escape:
            return ConsoleUpdate.perform(&s, .back)
        case .control("c"):
            return ConsoleUpdate.perform(&s, .quit)
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
            let layout = formRect(s)
            editor.form.scrollToCursor(width: layout.width - editor.form.labelWidth, height: editor.form.textRows(height: layout.height))
            s.editor = editor
            return []
        }
    }

    public static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect]? {
        switch action {
        case .save:
            return save(&s)
        case .back:
            guard let editor = s.editor, editor.isDirty else { return nil }
            s.overlay = .confirm(
                ConfirmDialog(
                    title: "Unsaved edits", message: "Discard the unsaved edits to \(subject(editor))?",
                    confirmLabel: "discard", isDestructive: true), .discardEdits)
            return []
        default:
            return nil
        }
    }

    public static func confirmed(_ s: inout ConsoleState, _ action: ConfirmedAction) -> [ConsoleEffect]? {
        guard action == .discardEdits else { return nil }
        s.editor = nil
        ConsoleUpdate.goBack(&s)
        return []
    }

    public static func closed(_ s: inout ConsoleState) { s.editor = nil }

    /// Polls the trail of a saved change until it is indexed (or two minutes pass).
    public static func ticked(_ s: inout ConsoleState) -> [ConsoleEffect] {
        guard var sync = s.editor?.sync, sync.stage < .indexed, !sync.gaveUp, sync.pending == nil else { return [] }
        var effects: [ConsoleEffect] = []
        if s.now - sync.savedAt > .seconds(120) {
            sync.gaveUp = true
            s.show(
                "Product \(sync.productID) is not indexed 2 minutes after the save: are the workers running (refarch-tui run-local)?",
                .warn, for: nil)
        } else if sync.lastPoll.map({ s.now - $0 >= (sync.note == nil ? .milliseconds(100) : .seconds(1)) }) ?? true {
            let request = s.begin("following the change")
            sync.pending = request
            sync.lastPoll = s.now
            effects.append(.loadSyncStage(request: request, sync.productID, changeSequence: sync.changeSequence))
        }
        s.editor?.sync = sync
        return effects
    }

    public static func received(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect]? {
        switch message {
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
            return saved(&s, request: request, product: product)
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
        default:
            return nil
        }
    }

    public static func failed(_ s: inout ConsoleState, request: Int, error: ConsoleError) -> [ConsoleEffect]? {
        guard var editor = s.editor else { return nil }
        if editor.sync?.pending == request {
            // The row is saved whatever the index says: the trail notes why it cannot
            // follow the change yet and keeps polling.
            editor.sync?.pending = nil
            editor.sync?.note = error.summary
            s.editor = editor
            return []
        }
        guard editor.saving == request || editor.loading == request else { return nil }
        if editor.saving == request {
            editor.saving = nil
            editor.form.setErrors(error.fieldProblems)
            if let first = editor.form.fields.firstIndex(where: { $0.error != nil }) { editor.form.focus = first }
        }
        if editor.loading == request { editor.loading = nil }
        s.editor = editor
        return ConsoleUpdate.showFailure(&s, error)
    }

    // MARK: Open and save

    /// Opens the form on `product` (nil: a new one), reloading the row as it is now.
    static func open(_ s: inout ConsoleState, _ product: Product?) -> [ConsoleEffect] {
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
        ConsoleUpdate.push(&s, .editor)
        return effects
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

    static func saved(_ s: inout ConsoleState, request: Int, product: Product) -> [ConsoleEffect] {
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
        return ProductsView.reload(&s) + ConsoleUpdate.ticked(&s, s.now)
    }

    static func subject(_ editor: EditorState) -> String {
        editor.original.map { "product \($0.id) “\($0.name)”" } ?? "the new product"
    }
}
