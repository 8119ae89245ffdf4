import Catalog
import Search

/// Facts that reach `update`, in the past tense: a key was pressed, a search finished.
public enum ConsoleMessage: Hashable, Sendable {
    case keyPressed(Key)
    case resized(Size)
    /// Time since the console started; the only clock `update` sees.
    case ticked(at: Duration)
    case searchFinished(request: Int, SearchResult)
    case productsLoaded(request: Int, ProductPage)
    case productLoaded(request: Int, Product?)
    /// A create or update was committed (answered as soon as Postgres commits: the sync
    /// trail that follows never holds the save up).
    case productSaved(request: Int, Product)
    case productDeleted(request: Int, ProductID, existed: Bool)
    /// How far the product's change `changeSequence` has got (the seq is read on the first poll).
    case syncProgressed(request: Int, SyncStage, changeSequence: Int64)
    case indexProgressLoaded(request: Int, IndexProgress)
    case queueStatsLoaded(request: Int, JobQueueStats)
    case workersLoaded(request: Int, WorkerRoster)
    case deadLettersLoaded(request: Int, [QueuedMessage])
    /// A redrive, delete or purge has done `done` messages so far.
    case queueTaskProgressed(request: Int, done: Int)
    case deadLettersRedriven(request: Int, RedriveSummary)
    case deadLettersDeleted(request: Int, count: Int)
    /// `count` nil: the backend purges asynchronously and does not say how many (SQS).
    case deadLettersPurged(request: Int, count: Int?)
    case requestFailed(request: Int, ConsoleError)
    /// The answer to a view's own request (``ConsoleEffect/view(request:_:_:)``), for that view.
    case viewAnswered(request: Int, ViewID, AnyViewPayload)
    /// SIGTERM, SIGINT or SIGHUP from outside: leave now (the terminal is restored on the way out).
    case stopRequested
}

/// Requests `update` makes of the outside world, in the imperative. They are data, so a
/// test can say "enter in the search box requests this search"; the effect runner does
/// them and answers with a message carrying the same request number.
public enum ConsoleEffect: Hashable, Sendable {
    case search(request: Int, SearchRequest)
    case loadProducts(request: Int, ProductQuery)
    case loadProduct(request: Int, ProductID)
    case createProduct(request: Int, NewProduct)
    case updateProduct(request: Int, ProductID, ProductChanges)
    case deleteProduct(request: Int, ProductID)
    /// How far a saved change has got; `changeSequence` nil: read the product's latest change first.
    case loadSyncStage(request: Int, ProductID, changeSequence: Int64?)
    case loadIndexProgress(request: Int)
    /// Depth of the jobs queue and the DLQ (one round trip per queue).
    case loadQueueStats(request: Int)
    case loadWorkers(request: Int)
    /// Up to `limit` dead letters, without consuming them.
    case loadDeadLetters(request: Int, limit: Int)
    /// Dead letters back to the jobs queue; `ids` nil: all of them.
    case redriveDeadLetters(request: Int, ids: [String]?)
    case deleteDeadLetters(request: Int, ids: [String])
    case purgeDeadLetters(request: Int)
    /// A request a view defines for itself, run by that view's ``ConsoleScreen/run(_:services:)``.
    case view(request: Int, ViewID, AnyViewPayload)
    /// The answer to this request is no longer wanted (a newer search replaced it).
    case cancel(request: Int)
    case quit

    /// Whether this effect runs long (a redrive of thousands): it gets minutes, not seconds.
    public var isLongRunning: Bool {
        switch self {
        case .redriveDeadLetters, .deleteDeadLetters, .purgeDeadLetters: true
        default: false
        }
    }

    /// Whether this effect changes data (refused in read-only mode).
    public var isWrite: Bool {
        switch self {
        case .createProduct, .updateProduct, .deleteProduct, .redriveDeadLetters, .deleteDeadLetters, .purgeDeadLetters: true
        case .view(_, _, let request): request.base.isWrite
        default: false
        }
    }
}

/// How far a saved change has travelled towards search.
public enum SyncStage: Int, Hashable, Sendable, Comparable, CaseIterable {
    /// Committed to the products table.
    case saved
    /// In the outbox (committed with the row, so at once).
    case captured
    /// Pelican put it on the job queue and removed the outbox row.
    case sent
    /// The index holds vectors with this change's seq (or, for a delete, none).
    case indexed

    public static func < (a: SyncStage, b: SyncStage) -> Bool { a.rawValue < b.rawValue }
    public var label: String {
        switch self {
        case .saved: "saved"
        case .captured: "captured"
        case .sent: "sent"
        case .indexed: "indexed"
        }
    }
}

/// How much of the catalog the index holds at its latest version.
public struct IndexProgress: Hashable, Sendable {
    public var indexed: Int
    public var total: Int
    public init(indexed: Int, total: Int) {
        self.indexed = indexed
        self.total = total
    }
    public var isComplete: Bool { indexed >= total }
}

/// An error as the console shows it: one line, what to do, and per-field problems for forms.
public struct ConsoleError: Error, Hashable, Sendable {
    public var summary: String
    public var remedy: String?
    /// Problems by product field (`name`, `sku`, `price`, …), shown beside the fields.
    public var fieldProblems: [String: String]

    public init(summary: String, remedy: String? = nil, fieldProblems: [String: String] = [:]) {
        self.summary = summary
        self.remedy = remedy
        self.fieldProblems = fieldProblems
    }

    public var line: String { remedy.map { "\(summary) \($0)" } ?? summary }
}
