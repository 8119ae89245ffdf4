import Catalog
import Foundation
import Operations

/// The views, by the name `:` jumps to.
public enum ViewID: String, Hashable, Sendable, CaseIterable {
    case search, products, details, editor
    case queues
    case deadLetters = "dlq"
    case deadLetter = "message"
    case workers

    /// The views `tab` cycles through and `:` names (details, the editor and a dead letter's
    /// message are opened from them).
    public static let tabs: [ViewID] = [.search, .products, .queues, .deadLetters, .workers]

    public var title: String {
        switch self {
        case .search: "Search"
        case .products: "Products"
        case .details: "Product"
        case .editor: "Edit"
        case .queues: "Queues"
        case .deadLetters: "DLQ"
        case .deadLetter: "Message"
        case .workers: "Workers"
        }
    }
}

/// A status-bar line and how long it stays.
public struct StatusLine: Hashable, Sendable {
    public enum Level: Hashable, Sendable { case info, ok, warn, error }
    public var text: String
    public var level: Level
    /// When it disappears (console time); nil keeps it until replaced.
    public var expires: Duration?

    public init(text: String, level: Level, expires: Duration? = nil) {
        self.text = text
        self.level = level
        self.expires = expires
    }

    public var role: Role {
        switch level {
        case .info: .text
        case .ok: .ok
        case .warn: .warn
        case .error: .error
        }
    }
}

/// A request that has not been answered yet (for the spinner and to drop stale answers).
public struct InFlight: Hashable, Sendable {
    public var label: String
    public var startedAt: Duration
}

/// What a confirmation does when the user says yes.
public enum ConfirmedAction: Hashable, Sendable {
    case deleteProduct(ProductID)
    case discardEdits
    case quit
    /// Redrive these dead letters (nil: all of them).
    case redriveDeadLetters([String]?)
    case deleteDeadLetters([String])
    case purgeDeadLetters
}

/// A window over the view.
public enum Overlay: Hashable, Sendable {
    /// Every key of the view; scrolls when it does not fit.
    case help(scroll: Int)
    case confirm(ConfirmDialog, ConfirmedAction)
    /// The `:` command line.
    case command(TextField)
    /// The search view's price range (min, max).
    case priceRange(Form)
}

/// Everything the screen shows. `update` changes it; views render it.
public struct ConsoleState: Hashable, Sendable {
    public var size: Size
    public var view: ViewID = .search
    /// Views to return to with `esc`.
    public var stack: [ViewID] = []
    public var search = SearchState()
    public var products = ProductsState()
    public var details: DetailsState?
    public var editor: EditorState?
    public var queues = QueuesState()
    public var deadLetters = DeadLettersState()
    public var deadLetter: DeadLetterDetailState?
    public var workers = WorkersState()
    /// A redrive, delete or purge of dead letters running in the background.
    public var queueTask: QueueTask?
    public var overlay: Overlay?
    /// Loads that failed, by the view they fill (queues: the depths every view's header
    /// shows). Shown in the view's body until the same load succeeds.
    public var loadErrors: [ViewID: ConsoleError] = [:]
    /// When a load last failed (or was retried): failed loads are retried every `refreshInterval`.
    public var loadErrorsAt: Duration?
    public var status: StatusLine?
    public var readOnly: Bool
    public var themeName: String
    /// Theme names in `T` order.
    public var themeNames: [String]
    /// Where the data lives, for the header ("embedded · Postgres").
    public var backendLabel: String
    public var now: Duration = .zero
    public var inFlight: [Int: InFlight] = [:]
    public var nextRequest = 1
    public var indexProgress: IndexProgress?
    public var indexProgressRequest: Int?
    public var indexProgressCheckedAt: Duration?
    public var indexProgressError: ConsoleError?
    public var isQuitting = false
    /// Where the console's log goes (shown on the help overlay): the screen shows one line
    /// per error, the log has the whole story.
    public var logPath: String?
    /// Times (dead letters' receives) are shown in this zone; tests fix it to UTC.
    public var timeZone = TimeZone(identifier: "UTC")!

    /// How often the status bar's index progress is refreshed.
    public var indexProgressInterval: Duration = .seconds(2)
    /// How often queue depths (shown on every view) and the workers' heartbeats are refreshed.
    public var refreshInterval: Duration = .seconds(2)

    public init(
        size: Size, readOnly: Bool = false, themeName: String = "default", themeNames: [String] = ["default"],
        backendLabel: String = "embedded"
    ) {
        self.size = size
        self.readOnly = readOnly
        self.themeName = themeName
        self.themeNames = themeNames
        self.backendLabel = backendLabel
    }

    /// The smallest terminal the console draws in.
    public static let minimumSize = Size(columns: 60, rows: 12)
    public var isTooSmall: Bool { size.columns < Self.minimumSize.columns || size.rows < Self.minimumSize.rows }

    /// The rectangle between the header and the hint and status lines.
    public var body: Rect { Rect(x: 0, y: 1, width: size.columns, height: size.rows - 3) }

    /// Starts a request: a new number, remembered until answered.
    public mutating func begin(_ label: String) -> Int {
        let id = nextRequest
        nextRequest += 1
        inFlight[id] = InFlight(label: label, startedAt: now)
        return id
    }

    /// Starts a request that replaces the one `pending` names (a newer search, a reload):
    /// the older one is ended and the returned effects cancel it.
    public mutating func replace(_ pending: WritableKeyPath<ConsoleState, Int?>, _ label: String) -> (request: Int, cancel: [ConsoleEffect])
    {
        var cancel: [ConsoleEffect] = []
        if let older = self[keyPath: pending] {
            _ = end(older)
            cancel.append(.cancel(request: older))
        }
        let request = begin(label)
        self[keyPath: pending] = request
        return (request, cancel)
    }

    /// Ends a request; false when it was not awaited (cancelled or replaced), so its answer is dropped.
    public mutating func end(_ request: Int) -> Bool { inFlight.removeValue(forKey: request) != nil }

    public mutating func show(_ text: String, _ level: StatusLine.Level, for duration: Duration? = .seconds(6)) {
        status = StatusLine(text: text, level: level, expires: duration.map { now + $0 })
    }

    /// Whether the screen for `other` would be the same as for this state: equal, or
    /// differing only in the clock while nothing on screen shows the time (idle ticks).
    public func drawsTheSame(as other: ConsoleState) -> Bool {
        guard !wantsFastTicks, !other.wantsFastTicks else { return self == other }
        var a = self, b = other
        a.now = .zero
        b.now = .zero
        return a == b
    }

    /// Whether time-driven changes are due soon (spinner, sync progress, a status to expire),
    /// so the runtime ticks fast; otherwise it ticks once a second.
    public var wantsFastTicks: Bool {
        !inFlight.isEmpty || status?.expires != nil || (editor?.sync.map { $0.stage != .indexed && !$0.gaveUp } ?? false)
    }
}

/// The search view: the query, the last result and the selection in it.
public struct SearchState: Hashable, Sendable {
    public enum Focus: Hashable, Sendable { case query, results }
    public var query = TextField()
    public var focus: Focus = .query
    public var result: SearchResult?
    public var selection = TableSelection()
    public var minPrice: Price?
    public var maxPrice: Price?
    /// The request in flight, if any.
    public var pending: Int?
    public var pendingRequest: SearchRequest?
    /// The search that failed, run again while its error is shown.
    public var failedRequest: SearchRequest?
    /// Results per page: the rows the window shows (set at each search).
    public var pageSize = 20
    public init() {}
}

/// The details of one product, opened from search or the products list.
public struct DetailsState: Hashable, Sendable {
    public var product: Product
    public var score: Float?
    public var scroll = 0
    public init(product: Product, score: Float? = nil) {
        self.product = product
        self.score = score
    }
}

/// The products view: one page of the catalog.
public struct ProductsState: Hashable, Sendable {
    /// `limit` is the rows the window shows (set at each load).
    public var query = ProductQuery(limit: 50)
    public var page: ProductPage?
    public var selection = TableSelection()
    /// The `/` filter while it is being typed.
    public var filter: TextField?
    public var pending: Int?
    public init() {}
}

/// The product form: a new product or an edit, and after a save the change's sync progress.
public struct EditorState: Hashable, Sendable {
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
