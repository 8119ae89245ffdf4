import Catalog

extension ViewID {
    public static let deadLetters = ViewID(rawValue: "dlq")
}

/// The dead letters view's update: listing without consuming, marks, the `/` filter, and
/// the redrive, delete and purge tasks (also started from the queues and message views),
/// each named with its queue and count before it runs.
extension DeadLettersView: ConsoleScreen {
    public static var id: ViewID { .deadLetters }
    public static var title: String { "DLQ" }
    public static var loadErrorTitle: String? { "Dead letters not read" }

    public static func prepare(_ s: inout ConsoleState) { s.deadLetters = DeadLettersState() }

    public static func bindings(for s: ConsoleState) -> [KeyBinding] { s.deadLetters.filterField != nil ? filterBindings : bindings }

    public static func globalBindings(for s: ConsoleState) -> [KeyBinding] {
        s.deadLetters.filterField != nil ? GlobalBindings.whileTyping : GlobalBindings.all
    }

    public static func hasData(_ s: ConsoleState) -> Bool { s.deadLetters.rows != nil }

    public static func inputKey(_ s: inout ConsoleState, _ key: Key) -> [ConsoleEffect]? {
        guard s.deadLetters.filterField != nil else { return nil }
        return ConsoleUpdate.listFilterKey(&s, key, filter: \.deadLetters.listFilter, columns: columnNames) { s in
            s.deadLetters.selection = TableSelection()
            return []
        }
    }

    public static func otherKey(_ s: inout ConsoleState, _ key: Key) {
        s.deadLetters.selection.handle(key, rowCount: s.shownDeadLetters.count, visible: visibleRows(s))
    }

    public static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect]? {
        switch action {
        case .open:
            guard let row = selectedRow(s) else { return [] }
            s.deadLetter = DeadLetterDetailState(row)
            ConsoleUpdate.push(&s, .deadLetter)
            return []
        case .focusInput:
            s.deadLetters.listFilter.startEditing()
            return []
        case .back:
            // esc on a filtered list shows it whole again (a tab: nothing to go back to).
            guard ConsoleUpdate.clearListFilter(&s, \.deadLetters.listFilter) else { return nil }
            s.deadLetters.selection = TableSelection()
            return []
        case .refresh:
            return load(&s)
        case .toggleMark:
            guard let row = selectedRow(s) else { return [] }
            let id = row.message.messageID
            if s.deadLetters.marked.remove(id) == nil { s.deadLetters.marked.insert(id) }
            s.deadLetters.selection.handle(.down, rowCount: s.shownDeadLetters.count, visible: visibleRows(s))
            return []
        case .redrive, .deleteMessages, .purge:
            // The marked messages, or (none marked) all of them.
            let marked =
                s.deadLetters.marked.isEmpty
                ? nil : s.shownDeadLetters.map(\.message.messageID).filter { s.deadLetters.marked.contains($0) }
            return act(&s, action, on: marked)
        default:
            return nil
        }
    }

    public static func confirmed(_ s: inout ConsoleState, _ action: ConfirmedAction) -> [ConsoleEffect]? {
        let queue = QueuesView.deadLettersName(s)
        let total = s.queues.stats?.deadLetters.total
        let request: Int
        switch action {
        case .redriveDeadLetters(let ids):
            request = s.begin("")
            s.queueTask = QueueTask(kind: .redrive, request: request, queue: queue, total: ids?.count ?? total, startedAt: s.now)
            return [.redriveDeadLetters(request: request, ids: ids)]
        case .deleteDeadLetters(let ids):
            request = s.begin("")
            s.queueTask = QueueTask(kind: .delete, request: request, queue: queue, total: ids.count, startedAt: s.now)
            return [.deleteDeadLetters(request: request, ids: ids)]
        case .purgeDeadLetters:
            request = s.begin("")
            s.queueTask = QueueTask(kind: .purge, request: request, queue: queue, total: total, startedAt: s.now)
            return [.purgeDeadLetters(request: request)]
        default:
            return nil
        }
    }

    public static func opened(_ s: inout ConsoleState) -> [ConsoleEffect] { s.deadLetters.reading.isInFlight ? [] : load(&s) }

    public static func received(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect]? {
        switch message {
        case let .deadLettersLoaded(request, messages):
            guard s.end(request), s.deadLetters.reading.settle(request) else { return [] }
            s.deadLetters.isStale = false
            s.loadErrors[.deadLetters] = nil
            let rows = messages.map(DeadLetterRow.init)
            if !rows.isEmpty { s.deadLetters.purged = nil }
            s.deadLetters.rows = rows
            s.deadLetters.marked.formIntersection(rows.map(\.message.messageID))
            ConsoleUpdate.clampSelections(&s)
            return []
        case let .queueTaskProgressed(request, done):
            if s.queueTask?.request == request { s.queueTask?.done = done }
            return []
        case let .deadLettersRedriven(request, summary):
            guard s.end(request), let task = s.queueTask, task.request == request else { return [] }
            var text =
                "Redrove \(ConsoleView.counted(summary.moved, "message")) from \(task.queue) to \(QueuesView.jobsName(s))."
            if summary.failed > 0 { text += " \(summary.failed) refused by the jobs queue stay in the DLQ." }
            if summary.notFound > 0 { text += " \(summary.notFound) were no longer there." }
            s.show(text, summary.failed > 0 ? .warn : .ok, for: .seconds(10))
            return finishTask(&s)
        case let .deadLettersDeleted(request, count):
            guard s.end(request), let task = s.queueTask, task.request == request else { return [] }
            s.show("Deleted \(count) message\(count == 1 ? "" : "s") from \(task.queue).", .ok, for: .seconds(10))
            return finishTask(&s)
        case let .deadLettersPurged(request, count):
            guard s.end(request), let task = s.queueTask, task.request == request else { return [] }
            s.deadLetters.purged = .init(count: count)
            if let count {
                s.show("Purged \(task.queue): \(ConsoleView.counted(count, "message")) deleted.", .ok, for: .seconds(10))
            } else {
                s.show("Purge of \(task.queue) started: SQS deletes the messages within a minute.", .ok, for: .seconds(10))
            }
            return finishTask(&s)
        default:
            return nil
        }
    }

    public static func failed(_ s: inout ConsoleState, request: Int, error: ConsoleError) -> [ConsoleEffect]? {
        if s.deadLetters.reading.settle(request) {
            s.deadLetters.isStale = true
            return ConsoleUpdate.loadFailed(&s, .deadLetters, error, "Dead letters not read")
        }
        if let task = s.queueTask, task.request == request {
            s.show("\(task.kind.verb) \(task.queue) stopped after \(task.done): \(error.line)", .error, for: .seconds(20))
            return finishTask(&s)
        }
        return nil
    }

    public static func retryFailedLoad(_ s: inout ConsoleState) -> [ConsoleEffect] { s.deadLetters.reading.isInFlight ? [] : load(&s) }

    public static func clampSelection(_ s: inout ConsoleState) {
        s.deadLetters.selection.clamp(rowCount: s.shownDeadLetters.count, visible: visibleRows(s))
    }

    // MARK: Requests and tasks

    static func load(_ s: inout ConsoleState) -> [ConsoleEffect] {
        let (id, cancel) = s.replace(\.deadLetters.reading, "reading dead letters")
        return cancel + [.loadDeadLetters(request: id, limit: s.deadLetters.limit)]
    }

    static func finishTask(_ s: inout ConsoleState) -> [ConsoleEffect] {
        s.queueTask = nil
        s.deadLetters.marked = []
        var effects = QueuesView.refresh(&s, now: true)
        if s.deadLetters.rows != nil || s.view == .deadLetters { effects += load(&s) }
        if s.view == .deadLetter { ConsoleUpdate.goBack(&s) }
        return effects
    }

    /// Redrive, delete and purge: each names its queue and count and asks before it runs.
    /// - Parameter chosen: the messages it applies to (nil: all; delete: the selected one).
    static func act(_ s: inout ConsoleState, _ action: ConsoleAction, on chosen: [String]?) -> [ConsoleEffect] {
        if let task = s.queueTask {
            s.show("Wait for the running task to finish: \(task.line(now: s.now))", .warn)
            return []
        }
        let queue = QueuesView.deadLettersName(s), jobs = QueuesView.jobsName(s)
        let total = s.queues.stats?.deadLetters.total
        func count(_ n: Int) -> String { ConsoleView.counted(n, "message") }
        func gone(_ n: Int?) -> String { n == 1 ? "It is gone for good." : "They are gone for good." }
        switch action {
        case .redrive:
            if let chosen {
                s.overlay = .confirm(
                    ConfirmDialog(
                        title: "Redrive", message: "Redrive \(count(chosen.count)) from \(queue) to \(jobs)?", confirmLabel: "redrive",
                        isDestructive: false), .redriveDeadLetters(chosen))
            } else if total == 0 || (total == nil && s.deadLetters.rows?.isEmpty == true) {
                s.show("\(queue) is empty: nothing to redrive.", .info)
            } else {
                s.overlay = .confirm(
                    ConfirmDialog(
                        title: "Redrive",
                        message: "Redrive \(total.map { "all \(count($0))" } ?? "every message") from \(queue) to \(jobs)?",
                        confirmLabel: "redrive", isDestructive: false), .redriveDeadLetters(nil))
            }
        case .deleteMessages:
            guard let ids = chosen ?? selectedRow(s).map({ [$0.message.messageID] }) else {
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

    static func selectedRow(_ s: ConsoleState) -> DeadLetterRow? {
        let rows = s.shownDeadLetters
        return rows.indices.contains(s.deadLetters.selection.selected) ? rows[s.deadLetters.selection.selected] : nil
    }

    static func visibleRows(_ s: ConsoleState) -> Int { Table.visibleRows(height: tableRect(s).height) }
}
