import Catalog
import Operations
import Search

/// What the console needs from the rest of the system, through the seam protocols. The
/// effect runner calls these off the main thread; each only awaits (blocking C calls run
/// on the clients' own threads).
public protocol ConsoleServices: Sendable {
    func search(_ request: SearchRequest) async throws -> SearchResult
    var store: any ProductStore { get }
    /// The seq of the product's latest change (after a save), nil if none is recorded.
    func changeSequence(of id: ProductID) async throws -> Int64?
    /// How far the change `changeSequence` of a product has got.
    func syncStage(of id: ProductID, changeSequence: Int64) async throws -> SyncStage
    /// Products whose latest change is in the index, of all products.
    func indexProgress() async throws -> IndexProgress

    /// Depth and settings of the jobs queue and its DLQ: one round trip per queue.
    func queueStats() async throws -> JobQueueStats
    /// The workers' heartbeats and the leader lock.
    func workers() async throws -> WorkerRoster
    /// Up to `limit` dead letters, oldest first, left in the DLQ.
    func deadLetters(limit: Int) async throws -> [QueuedMessage]
    /// Dead letters back to the jobs queue (`ids` nil: all); `progress` gets the running count.
    func redriveDeadLetters(ids: [String]?, progress: @escaping @Sendable (Int) -> Void) async throws -> RedriveSummary
    func deleteDeadLetters(ids: [String]) async throws -> Int
    /// Empties the DLQ; nil when the backend does not say how many it removed.
    func purgeDeadLetters() async throws -> Int?

    /// Whether the sync is paused, who changed it, and the outbox backlog.
    func syncPauseStatus() async throws -> SyncPauseStatus
    /// Pauses or resumes the sync for every worker of the catalog.
    func setSyncPaused(_ paused: Bool) async throws

    /// One product's latest change, stage by stage (the trace view; `refarch-tui trace`).
    func trace(_ target: TraceTarget) async throws -> ProductTrace
}

extension ConsoleServices {
    /// Services without a sync switch (a test double) say so; the console then shows no pause state.
    public func syncPauseStatus() async throws -> SyncPauseStatus {
        throw ConsoleError(summary: "The sync's pause state cannot be read here.")
    }
    public func setSyncPaused(_ paused: Bool) async throws {
        throw ConsoleError(summary: "The sync cannot be paused from here.", remedy: "Use `refarch-tui sync pause` or `sync resume`.")
    }
    public func trace(_ target: TraceTarget) async throws -> ProductTrace {
        throw ConsoleError(summary: "Products cannot be traced here.", remedy: "Use `refarch-tui trace ID`.")
    }
}

extension ConsoleError {
    /// The console's wording of any error: validation problems go beside their fields,
    /// errors that know their remedy keep it, anything else is shown as it describes itself.
    public init(_ error: any Error) {
        switch error {
        case let errors as ProductValidationErrors:
            var fields: [String: String] = [:]
            for problem in errors.problems where fields[problem.field.rawValue] == nil {
                fields[problem.field.rawValue] = problem.description
            }
            self.init(summary: "Not saved: " + errors.problems.map(\.description).joined(separator: " "), fieldProblems: fields)
        case let problem as ProductValidationError:
            self.init(summary: "Not saved: \(problem.description)", fieldProblems: [problem.field.rawValue: problem.description])
        case let error as any UserFacingError:
            self.init(summary: error.summary, remedy: error.remedy)
        case let error as ConsoleError:
            self = error
        case is CancellationError:
            self.init(summary: "Cancelled.")
        default:
            self.init(summary: String(describing: error))
        }
    }
}
