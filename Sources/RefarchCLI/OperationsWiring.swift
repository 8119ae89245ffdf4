import Catalog
import Embeddings
import Foundation
import Operations
import Postgres
import PostgresCatalog
import Search
import Sync
import Synchronization
import UserFacing

/// The console's operations (``SystemOperations``), wired from the configured backends: the
/// product store, search over the configured index with the model and the index opening in
/// the background, the sync trail, the job queue (SQS or the embedded one) and the workers'
/// heartbeats. Each method is one call into the part that answers it; which backend each
/// part is was chosen by ``makeVectorIndex(context:loadVectors:)`` and ``makeJobQueue(context:)``.
final class LiveOperations: SystemOperations {
    let pool: PostgresPool
    let store: any ProductStore
    let embedder: DeferredEmbedder
    /// Query embeddings kept across searches: paging (`]`) and repeating a query embed it once.
    let queryCache = QueryEmbeddingCache()
    private let opening: Task<OpenedVectorIndex, any Error>
    private let jobQueue: Reopening<OpenedJobQueue>
    private let sync: SyncProgressReader
    private let queues: JobQueueOperations
    private let roster: WorkerRosterReader
    /// The services view's backend, chosen as `services …` chooses it (ECS or the local
    /// workers, read-only wrapped); opened on first use, again after a failure.
    private let serviceOperations: Reopening<OpenedServiceOperations>
    /// The alerts view's backend, chosen as `alerts …` chooses it (SNS, or the embedded
    /// answer): made on first use, not on every refresh (its AWS configuration reads the
    /// credential chain), again after a failure.
    private let alertOperations: Reopening<any AlertOperations>
    /// The database view's reader (Postgres, and RDS when an instance is configured), made
    /// on first use and kept, as `alertOperations` is.
    private let databaseOperations: Reopening<DatabaseStatusReader>
    private let context: CommandContext
    /// The index view's seam: the opened index against the catalog (read-only wrapped).
    private let indexOperations: any IndexOperations

    init(context: CommandContext) {
        self.context = context
        pool = context.makePool(maxConnections: 4)
        store = PostgresProductStore(pool: pool)
        let folder = context.settings.string("model.dir") ?? MiniLMModel.defaultRelativeFolder
        embedder = DeferredEmbedder.miniLM(folder: URL(fileURLWithPath: folder))
        let pool = self.pool
        // The index once `opening` has finished: the sync trail asks without waiting for it.
        let openedIndex = OpenedIndexBox()
        let opening = Task {
            try await pool.withConnection { try await SchemaMigrator.requireCurrent($0) }
            let opened = try await makeVectorIndex(context: context, loadVectors: true)
            openedIndex.value.withLock { $0 = opened }
            return opened
        }
        self.opening = opening
        indexOperations = makeIndexOperations(context: context, pool: pool) { try await opening.value }
        sync = SyncProgressReader(
            pool: pool,
            index: {
                // Answers at once while the index is still opening (loading its vectors), so
                // the trail says so instead of waiting.
                guard let opened = openedIndex.value.withLock({ $0 }) else {
                    throw UserError(summary: "index not ready yet", remedy: "The index is still opening; the trail follows once it is.")
                }
                return opened.index
            },
            progress: OpeningIndexProgress(pool: pool, opened: { try await opening.value }))
        let jobQueue = Reopening { try await makeJobQueue(context: context) }
        self.jobQueue = jobQueue
        queues = JobQueueOperations { try await jobQueue.value().queue }
        roster = WorkerRosterReader(pool: pool)
        serviceOperations = Reopening {
            try await makeServiceOperations(settings: context.settings, cluster: nil, readOnly: context.isReadOnly) { (pool, {}) }
        }
        alertOperations = Reopening { try makeAlertOperations(settings: context.settings, readOnly: context.isReadOnly) }
        databaseOperations = Reopening { makeDatabaseOperations(settings: context.settings, instance: nil, pool: pool) }
    }

    func search(_ request: SearchRequest) async throws -> SearchResult {
        let opened = try await opening.value
        return try await SearchService(embedder: embedder, index: opened.index, store: store, queryCache: queryCache).search(request)
    }

    func changeSequence(of id: ProductID) async throws -> Int64? { try await sync.changeSequence(of: id) }

    func syncStage(of id: ProductID, changeSequence: Int64) async throws -> SyncStage {
        try await sync.syncStage(of: id, changeSequence: changeSequence)
    }

    func indexProgress() async throws -> IndexProgress { try await sync.indexProgress() }

    func syncPauseStatus() async throws -> SyncPauseStatus {
        let status = try await SyncControl(pool: pool).status()
        return SyncPauseStatus(
            paused: status.paused, changedAt: status.changedAt, changedBy: status.changedBy, outboxRows: status.outboxRows)
    }

    func setSyncPaused(_ paused: Bool) async throws {
        let control = SyncControl(pool: pool)
        if paused { try await control.pause(by: SyncControl.actor) } else { try await control.resume(by: SyncControl.actor) }
    }

    func queueStats() async throws -> JobQueueStats { try await queues.queueStats() }

    func deadLetters(limit: Int) async throws -> [QueuedMessage] { try await queues.deadLetters(limit: limit) }

    func redriveDeadLetters(ids: [String]?, progress: @escaping @Sendable (Int) -> Void) async throws -> RedriveSummary {
        try await queues.redriveDeadLetters(ids: ids, progress: progress)
    }

    func deleteDeadLetters(ids: [String]) async throws -> Int { try await queues.deleteDeadLetters(ids: ids) }

    func purgeDeadLetters() async throws -> Int? { try await queues.purgeDeadLetters() }

    func workers() async throws -> WorkerRoster { try await roster.workers() }

    func trace(_ target: TraceTarget) async throws -> ProductTrace {
        let opened = try await opening.value
        let search = SearchService(embedder: embedder, index: opened.index, store: store, queryCache: queryCache)
        return try await makeProductTracer(
            context: context, pool: pool, store: store, queue: try await jobQueue.value().queue, index: opened, search: search
        ).trace(target)
    }

    var backendName: String { servicesRunOnECS(settings: context.settings, cluster: nil) ? "ecs" : "embedded" }

    func listServices() async throws -> ServiceList { try await serviceOperations.value().operations.listServices() }

    func tasks(of service: ServiceReference) async throws -> [ServiceTask] {
        try await serviceOperations.value().operations.tasks(of: service)
    }

    func containers(ofTask taskID: String, in service: ServiceReference) async throws -> [TaskContainer] {
        try await serviceOperations.value().operations.containers(ofTask: taskID, in: service)
    }

    func logs(of service: ServiceReference, _ request: LogTailRequest) async throws -> LogTail {
        try await serviceOperations.value().operations.logs(of: service, request)
    }

    func scale(_ service: ServiceReference, to desired: Int) async throws -> ServiceChange {
        try await serviceOperations.value().operations.scale(service, to: desired)
    }

    func forceNewDeployment(_ service: ServiceReference) async throws -> ServiceChange {
        try await serviceOperations.value().operations.forceNewDeployment(service)
    }

    func rollBack(_ service: ServiceReference) async throws -> ServiceChange {
        try await serviceOperations.value().operations.rollBack(service)
    }

    func alertOverview() async throws -> AlertOverview { try await alertOperations.value().alertOverview() }
    func subscribeToAlerts(_ endpoint: AlertEndpoint) async throws -> AlertSubscription {
        try await alertOperations.value().subscribeToAlerts(endpoint)
    }
    func unsubscribeFromAlerts(subscriptionARN: String) async throws -> AlertSubscription {
        try await alertOperations.value().unsubscribeFromAlerts(subscriptionARN: subscriptionARN)
    }

    func databaseStatus() async throws -> DatabaseStatus { try await databaseOperations.value().databaseStatus() }

    func indexStatus(countingProducts: Bool) async throws -> IndexStatus {
        try await indexOperations.indexStatus(countingProducts: countingProducts)
    }

    func verifyIndex(progress: @escaping @Sendable (IndexVerifyProgress) -> Void) async throws -> IndexVerifyRecord {
        try await indexOperations.verifyIndex(progress: progress)
    }

    func repairIndex() async throws -> IndexRepair { try await indexOperations.repairIndex() }

    func reindexAll() async throws -> Int { try await indexOperations.reindexAll() }

    func close() async {
        opening.cancel()
        if let opened = try? await opening.value { await opened.close() }
        if let queue = await jobQueue.current() { await queue.close() }
        if let services = await serviceOperations.current() { await services.close() }
        await pool.close()
    }
}

/// The index's progress once it has opened, counted the way its backend counts.
struct OpeningIndexProgress: IndexProgressReading {
    let pool: PostgresPool
    let opened: @Sendable () async throws -> OpenedVectorIndex

    func indexProgress() async throws -> IndexProgress {
        try await opened().progress(pool).indexProgress()
    }
}

/// The vector index once opened (nil before).
final class OpenedIndexBox: Sendable {
    let value = Mutex<OpenedVectorIndex?>(nil)
}

/// A value opened on first use and opened again after a failure: the console starts
/// without waiting for the queue, and a queue that was unreachable at first is found once
/// it answers.
actor Reopening<Value: Sendable> {
    private let open: @Sendable () async throws -> Value
    private var opening: Task<Value, any Error>?

    init(_ open: @escaping @Sendable () async throws -> Value) { self.open = open }

    func value() async throws -> Value {
        let task = opening ?? Task { try await open() }
        opening = task
        do { return try await task.value } catch {
            if opening == task { opening = nil }
            throw error
        }
    }

    /// The value if it was opened, for closing.
    func current() async -> Value? {
        guard let opening else { return nil }
        return try? await opening.value
    }
}
