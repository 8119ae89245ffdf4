import Catalog
import Operations

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
