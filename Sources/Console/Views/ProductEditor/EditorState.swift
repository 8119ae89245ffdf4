import Catalog
import Operations

/// The product form: a new product or an edit, and after a save the change's sync progress.
public struct EditorState: ViewPayload {
    public var productID: ProductID?
    /// The row as loaded (nil for a new product): what "unsaved edits" compares with.
    public var original: Product?
    public var form: Form
    public var saving: Int?
    public var loading: Int?
    public var sync: SyncTracking?

    public init(product: Product?) {
        productID = product?.id
        original = product
        form = EditorState.makeForm(product)
    }

    static func makeForm(_ product: Product?) -> Form {
        Form(fields: [
            .init(name: "name", label: "Name", input: .line(TextField(product?.name ?? ""))),
            .init(name: "sku", label: "SKU", input: .line(TextField(product?.sku ?? ""))),
            .init(name: "price", label: "Price", input: .line(TextField(product.map { $0.price.decimalString } ?? ""))),
            .init(name: "last_updated", label: "Updated", input: .line(TextField(product?.lastUpdated?.description ?? ""))),
            .init(name: "description", label: "Description", input: .text(TextEditor(product?.description ?? ""))),
        ])
    }

    /// Whether the form differs from the row it was loaded from.
    public var isDirty: Bool { form.values != EditorState.makeForm(original).values }
}

/// A saved change followed to the index.
public struct SyncTracking: Hashable, Sendable {
    public var productID: ProductID
    /// The change's seq, once the first poll has read it.
    public var changeSequence: Int64?
    public var savedAt: Duration
    public var stage: SyncStage = .saved
    /// When each stage was first seen, from the save.
    public var reached: [SyncStage: Duration] = [:]
    public var pending: Int?
    public var lastPoll: Duration?
    public var gaveUp = false
    /// Why the last poll got no answer ("index not ready yet"): shown beside the trail,
    /// never as a failed save; polling goes on, more slowly.
    public var note: String?
}

extension ConsoleState {
    /// The form open in the editor (nil when no editor is open).
    public var editor: EditorState? {
        get { views[EditorState.self] }
        set { views[EditorState.self] = newValue }
    }
}
