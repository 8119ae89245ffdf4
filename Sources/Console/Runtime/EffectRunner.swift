import Catalog
import Operations
import Synchronization

/// Runs effects off the main thread and answers each with a message: results, or a
/// failure when the service threw or did not answer within the timeout (so a dead
/// database becomes a status line, never a frozen screen). A cancelled request's answer
/// is never posted.
public final class EffectRunner: Sendable {
    let services: any SystemOperations
    let post: @Sendable (ConsoleMessage) -> Void
    let timeout: Duration
    /// For redrives, deletes and purges of many dead letters.
    let longTimeout: Duration = .seconds(900)
    let logFailure: @Sendable (ConsoleEffect, any Error) -> Void
    private let running = Mutex<[Int: Task<Void, Never>]>([:])

    /// - Parameters:
    ///   - post: delivers a message to the console's loop (from any thread).
    ///   - timeout: how long a request may take before it is reported as failed.
    ///   - logFailure: told every failure with the whole error (the screen shows one line).
    public init(
        services: any SystemOperations, timeout: Duration = .seconds(10),
        logFailure: @escaping @Sendable (ConsoleEffect, any Error) -> Void = { _, _ in },
        post: @escaping @Sendable (ConsoleMessage) -> Void
    ) {
        self.services = services
        self.timeout = timeout
        self.logFailure = logFailure
        self.post = post
    }

    /// Starts `effect` (``ConsoleEffect/quit`` is the runtime's and ignored here).
    public func run(_ effect: ConsoleEffect) {
        let services = self.services
        switch effect {
        case let .search(id, request):
            start(id, effect) { .searchFinished(request: id, try await services.search(request)) }
        case let .loadProducts(id, query):
            start(id, effect) { .productsLoaded(request: id, try await services.store.list(query)) }
        case let .loadProduct(id, productID):
            start(id, effect) { .productLoaded(request: id, try await services.store.product(id: productID)) }
        case let .createProduct(id, product):
            start(id, effect) {
                // Answered at the commit: the sync trail reads the change's seq later, so a
                // slow or unreachable index never turns a written row into a failed save.
                .productSaved(request: id, try await services.store.create(product))
            }
        case let .updateProduct(id, productID, changes):
            start(id, effect) {
                guard let saved = try await services.store.update(id: productID, changes) else {
                    throw ConsoleError(
                        summary: "Product \(productID) no longer exists: someone deleted it.",
                        remedy: "Press esc and reload the list.")
                }
                return .productSaved(request: id, saved)
            }
        case let .deleteProduct(id, productID):
            start(id, effect) { .productDeleted(request: id, productID, existed: try await services.store.delete(id: productID)) }
        case let .loadSyncStage(id, productID, sequence):
            start(id, effect) {
                var known = sequence
                if known == nil { known = try await services.changeSequence(of: productID) }
                guard let sequence = known else {
                    throw ConsoleError(summary: "no change recorded yet", remedy: "The trail keeps looking.")
                }
                return .syncProgressed(
                    request: id, try await services.syncStage(of: productID, changeSequence: sequence), changeSequence: sequence)
            }
        case let .loadIndexProgress(id):
            start(id, effect) { .indexProgressLoaded(request: id, try await services.indexProgress()) }
        case let .loadQueueStats(id):
            start(id, effect) { .queueStatsLoaded(request: id, try await services.queueStats()) }
        case let .loadWorkers(id):
            start(id, effect) { .workersLoaded(request: id, try await services.workers()) }
        case let .loadDeadLetters(id, limit):
            start(id, effect) { .deadLettersLoaded(request: id, try await services.deadLetters(limit: limit)) }
        case let .redriveDeadLetters(id, ids):
            let post = self.post
            start(id, effect) {
                .deadLettersRedriven(
                    request: id, try await services.redriveDeadLetters(ids: ids) { post(.queueTaskProgressed(request: id, done: $0)) })
            }
        case let .deleteDeadLetters(id, ids):
            start(id, effect) { .deadLettersDeleted(request: id, count: try await services.deleteDeadLetters(ids: ids)) }
        case let .purgeDeadLetters(id):
            start(id, effect) { .deadLettersPurged(request: id, count: try await services.purgeDeadLetters()) }
        case let .view(id, view, request):
            start(id, effect) {
                .viewAnswered(request: id, view, try await ConsoleScreens.screen(view).run(request, services: services))
            }
        case let .cancel(id):
            running.withLock { $0.removeValue(forKey: id) }?.cancel()
        case .quit:
            break
        }
    }

    /// Cancels everything still running (on quit).
    public func cancelAll() {
        let tasks = running.withLock { tasks in
            defer { tasks.removeAll() }
            return Array(tasks.values)
        }
        tasks.forEach { $0.cancel() }
    }

    /// Requests still running, for tests and the quit path.
    public var runningCount: Int { running.withLock { $0.count } }

    private func start(_ id: Int, _ effect: ConsoleEffect, _ work: @escaping @Sendable () async throws -> ConsoleMessage) {
        let answered = Answered()
        let post = self.post, timeout = effect.isLongRunning ? longTimeout : self.timeout, logFailure = self.logFailure
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        // The timer answers first if the work hangs; the work's late answer is then dropped.
        let timer = Task {
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled, answered.claim() else { return }
            let error = ConsoleError(
                summary: "No answer after \(Int(seconds)) s: the database or index is not responding.",
                remedy: "The console keeps working; check that Postgres is running, then try again.")
            logFailure(effect, error)
            post(.requestFailed(request: id, error))
        }
        let task = Task { [weak self] in
            let message: ConsoleMessage
            do { message = try await work() } catch {
                if !(error is CancellationError) { logFailure(effect, error) }
                message = .requestFailed(request: id, ConsoleError(describing: error))
            }
            timer.cancel()
            let cancelled = Task.isCancelled
            if !cancelled, answered.claim() { post(message) }
            _ = self?.running.withLock { $0.removeValue(forKey: id) }
        }
        running.withLock { $0[id] = task }
    }
}

/// Whether a request has been answered: the first of the work and the timer wins.
final class Answered: Sendable {
    private let done = Mutex(false)
    func claim() -> Bool {
        done.withLock { done in
            defer { done = true }
            return !done
        }
    }
}
