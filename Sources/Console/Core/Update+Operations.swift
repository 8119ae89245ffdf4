import Catalog

/// The operations side of `update`: queue depths and their history, the workers'
/// heartbeats, the dead letters and the background tasks that act on them.
extension ConsoleUpdate {
    // MARK: Refresh

    /// Asks for queue depths and heartbeats when the refresh interval has passed (or at
    /// once with `now`); nothing while the previous answer is still awaited.
    static func refreshOperations(_ s: inout ConsoleState, now force: Bool = false) -> [ConsoleEffect] {
        if !force, let asked = s.queues.requestedAt, s.now - asked < s.refreshInterval { return [] }
        var effects: [ConsoleEffect] = []
        if s.queues.pending == nil {
            let request = s.begin("")  // background: not in the spinner
            s.queues.pending = request
            s.queues.requestedAt = s.now
            effects.append(.loadQueueStats(request: request))
        }
        if s.workers.pending == nil { effects += loadWorkers(&s, background: true) }
        return effects
    }

    static func loadWorkers(_ s: inout ConsoleState, background: Bool = false) -> [ConsoleEffect] {
        guard s.workers.pending == nil else { return [] }
        let request = s.begin(background ? "" : "reading heartbeats")
        s.workers.pending = request
        return [.loadWorkers(request: request)]
    }

    static func loadDeadLetters(_ s: inout ConsoleState) -> [ConsoleEffect] {
        let (id, cancel) = s.replace(\.deadLetters.pending, "reading dead letters")
        return cancel + [.loadDeadLetters(request: id, limit: s.deadLetters.limit)]
    }

    // MARK: Answers

    static func operationsMessage(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect] {
        switch message {
        case let .queueStatsLoaded(request, stats):
            guard s.end(request), s.queues.pending == request else { return [] }
            s.queues.pending = nil
            s.queues.requestedAt = s.now
            let before = s.queues.stats?.deadLetters.total
            s.queues.stats = stats
            s.queues.statsAt = s.now
            s.queues.isStale = false
            if s.loadErrors.removeValue(forKey: .queues) != nil, s.status?.level == .error {
                // The backend answers again: its error goes at once.
                s.status = nil
            }
            s.queues.history.append(QueueSample(at: s.now, jobs: stats.jobs.total, deadLetters: stats.deadLetters.total))
            s.queues.history.removeAll { $0.at < s.now - QueuesState.historyWindow }
            if before == 0, stats.deadLetters.total > 0 {
                let count = stats.deadLetters.total
                s.show(
                    "\(count) message\(count == 1 ? "" : "s") dead-lettered in \(stats.deadLetters.name): :dlq shows why.", .warn,
                    for: .seconds(30))
            }
            // The list follows the DLQ while it is on screen (only when the depth changed:
            // an SQS listing is a receive, not a free read).
            if s.view == .deadLetters, before != nil, before != stats.deadLetters.total, s.deadLetters.pending == nil, s.queueTask == nil {
                return loadDeadLetters(&s)
            }
            return []
        case let .workersLoaded(request, roster):
            guard s.end(request), s.workers.pending == request else { return [] }
            s.workers.pending = nil
            s.workers.roster = roster
            s.workers.isStale = false
            s.loadErrors[.workers] = nil
            s.workers.account(roster, at: s.now)
            clampSelections(&s)
            return []
        case let .deadLettersLoaded(request, messages):
            guard s.end(request), s.deadLetters.pending == request else { return [] }
            s.deadLetters.pending = nil
            s.deadLetters.isStale = false
            s.loadErrors[.deadLetters] = nil
            let rows = messages.map(DeadLetterRow.init)
            if !rows.isEmpty { s.deadLetters.purged = nil }
            s.deadLetters.rows = rows
            s.deadLetters.marked.formIntersection(rows.map(\.message.messageID))
            clampSelections(&s)
            return []
        case let .queueTaskProgressed(request, done):
            if s.queueTask?.request == request { s.queueTask?.done = done }
            return []
        case let .deadLettersRedriven(request, summary):
            guard s.end(request), let task = s.queueTask, task.request == request else { return [] }
            var text =
                "Redrove \(ConsoleView.counted(summary.moved, "message")) from \(task.queue) to \(jobsName(s))."
            if summary.failed > 0 { text += " \(summary.failed) refused by the jobs queue stay in the DLQ." }
            if summary.notFound > 0 { text += " \(summary.notFound) were no longer there." }
            s.show(text, summary.failed > 0 ? .warn : .ok, for: .seconds(10))
            return finishQueueTask(&s)
        case let .deadLettersDeleted(request, count):
            guard s.end(request), let task = s.queueTask, task.request == request else { return [] }
            s.show("Deleted \(count) message\(count == 1 ? "" : "s") from \(task.queue).", .ok, for: .seconds(10))
            return finishQueueTask(&s)
        case let .deadLettersPurged(request, count):
            guard s.end(request), let task = s.queueTask, task.request == request else { return [] }
            s.deadLetters.purged = .init(count: count)
            if let count {
                s.show("Purged \(task.queue): \(ConsoleView.counted(count, "message")) deleted.", .ok, for: .seconds(10))
            } else {
                s.show("Purge of \(task.queue) started: SQS deletes the messages within a minute.", .ok, for: .seconds(10))
            }
            return finishQueueTask(&s)
        default:
            return []
        }
    }

    /// A failed operations request: the last good figures stay, marked stale, and the
    /// error goes to the status bar. Nil when `request` is not an operations request.
    static func operationsFailed(_ s: inout ConsoleState, request: Int, error: ConsoleError) -> [ConsoleEffect]? {
        if s.queues.pending == request {
            s.queues.pending = nil
            s.queues.requestedAt = s.now
            s.queues.isStale = true
            return loadFailed(&s, .queues, error, "Queue figures are stale")
        }
        if s.workers.pending == request {
            s.workers.pending = nil
            s.workers.isStale = true
            // The queue's error (same backend, same cause) already speaks for both in the status bar.
            let repeated = s.loadErrors[.workers] == error
            s.loadErrors[.workers] = error
            if s.view == .workers, !repeated { s.show("Heartbeats are stale: \(error.summary)", .error, for: .seconds(15)) }
            return []
        }
        if s.deadLetters.pending == request {
            s.deadLetters.pending = nil
            s.deadLetters.isStale = true
            return loadFailed(&s, .deadLetters, error, "Dead letters not read")
        }
        if let task = s.queueTask, task.request == request {
            s.show("\(task.kind.verb) \(task.queue) stopped after \(task.done): \(error.line)", .error, for: .seconds(20))
            return finishQueueTask(&s)
        }
        return nil
    }

    static func finishQueueTask(_ s: inout ConsoleState) -> [ConsoleEffect] {
        s.queueTask = nil
        s.deadLetters.marked = []
        var effects = refreshOperations(&s, now: true)
        if s.deadLetters.rows != nil || s.view == .deadLetters { effects += loadDeadLetters(&s) }
        if s.view == .deadLetter { goBack(&s) }
        return effects
    }

    // MARK: Keys and actions

    static func deadLettersFilterKey(_ s: inout ConsoleState, _ key: Key) -> [ConsoleEffect] {
        filterKey(&s, key, field: \.deadLetters.filterField) { s, text in
            s.deadLetters.filter = text
            s.deadLetters.selection = TableSelection()
            return []
        }
    }

    /// Marks, redrive, delete and purge: each names its queue and count before it runs.
    static func deadLetterAction(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect] {
        if action == .toggleMark {
            guard let row = selectedDeadLetter(s) else { return [] }
            let id = row.message.messageID
            if s.deadLetters.marked.remove(id) == nil { s.deadLetters.marked.insert(id) }
            s.deadLetters.selection.handle(.down, rowCount: s.deadLetters.visibleRows.count, visible: deadLettersVisibleRows(s))
            return []
        }
        if let task = s.queueTask {
            s.show("Wait for the running task to finish: \(task.line(now: s.now))", .warn)
            return []
        }
        let queue = deadLettersName(s)
        let total = s.queues.stats?.deadLetters.total
        // The messages an action applies to: this one, the marked ones, or (nil) all.
        let chosen: [String]?
        switch s.view {
        case .deadLetter: chosen = s.deadLetter.map { [$0.row.message.messageID] }
        case .deadLetters:
            chosen =
                s.deadLetters.marked.isEmpty
                ? nil
                : s.deadLetters.visibleRows.map(\.message.messageID).filter {
                    s.deadLetters.marked.contains($0)
                }
        default: chosen = nil
        }
        func count(_ n: Int) -> String { ConsoleView.counted(n, "message") }
        func gone(_ n: Int?) -> String { n == 1 ? "It is gone for good." : "They are gone for good." }
        switch action {
        case .redrive:
            if let chosen {
                s.overlay = .confirm(
                    ConfirmDialog(
                        title: "Redrive", message: "Redrive \(count(chosen.count)) from \(queue) to \(jobsName(s))?",
                        confirmLabel: "redrive",
                        isDestructive: false), .redriveDeadLetters(chosen))
            } else if total == 0 || (total == nil && s.deadLetters.rows?.isEmpty == true) {
                s.show("\(queue) is empty: nothing to redrive.", .info)
            } else {
                s.overlay = .confirm(
                    ConfirmDialog(
                        title: "Redrive",
                        message: "Redrive \(total.map { "all \(count($0))" } ?? "every message") from \(queue) to \(jobsName(s))?",
                        confirmLabel: "redrive", isDestructive: false), .redriveDeadLetters(nil))
            }
        case .deleteMessages:
            guard let ids = chosen ?? selectedDeadLetter(s).map({ [$0.message.messageID] }) else {
                s.show("No message selected: \(queue) lists none.", .info)
                return []
            }
            s.overlay = .confirm(
                ConfirmDialog(
                    title: "Delete", message: "Delete \(count(ids.count)) from \(queue)? \(gone(ids.count))", confirmLabel: "delete",
                    isDestructive: true), .deleteDeadLetters(ids))
        case .purge:
            if total == 0 || (total == nil && s.deadLetters.rows?.isEmpty == true) {
                s.show("\(queue) is already empty: nothing to purge.", .warn)
                return []
            }
            s.overlay = .confirm(
                ConfirmDialog(
                    title: "Purge",
                    message:
                        "Purge \(total.map { $0 == 1 ? "the 1 message" : "all \(count($0))" } ?? "every message") from \(queue)? \(gone(total))",
                    confirmLabel: "purge", isDestructive: true), .purgeDeadLetters)
        default:
            break
        }
        return []
    }

    static func startQueueTask(_ s: inout ConsoleState, _ action: ConfirmedAction) -> [ConsoleEffect] {
        let queue = deadLettersName(s)
        let total = s.queues.stats?.deadLetters.total
        switch action {
        case .redriveDeadLetters(let ids):
            let request = s.begin("")
            s.queueTask = QueueTask(kind: .redrive, request: request, queue: queue, total: ids?.count ?? total, startedAt: s.now)
            return [.redriveDeadLetters(request: request, ids: ids)]
        case .deleteDeadLetters(let ids):
            let request = s.begin("")
            s.queueTask = QueueTask(kind: .delete, request: request, queue: queue, total: ids.count, startedAt: s.now)
            return [.deleteDeadLetters(request: request, ids: ids)]
        case .purgeDeadLetters:
            let request = s.begin("")
            s.queueTask = QueueTask(kind: .purge, request: request, queue: queue, total: total, startedAt: s.now)
            return [.purgeDeadLetters(request: request)]
        default:
            return []
        }
    }

    // MARK: Helpers

    static func selectedDeadLetter(_ s: ConsoleState) -> DeadLetterRow? {
        let rows = s.deadLetters.visibleRows
        return rows.indices.contains(s.deadLetters.selection.selected) ? rows[s.deadLetters.selection.selected] : nil
    }

    static func deadLettersName(_ s: ConsoleState) -> String { s.queues.stats?.deadLetters.name ?? "the dead-letter queue" }
    static func jobsName(_ s: ConsoleState) -> String { s.queues.stats?.jobs.name ?? "the jobs queue" }

    static func deadLettersVisibleRows(_ s: ConsoleState) -> Int { Table.visibleRows(height: DeadLettersView.tableRect(s).height) }
    static func workersVisibleRows(_ s: ConsoleState) -> Int { Table.visibleRows(height: WorkersView.tableRect(s).height) }
}
