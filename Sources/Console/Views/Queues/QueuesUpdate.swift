import Catalog

extension ViewID {
    public static let queues = ViewID(rawValue: "queues")
}

/// The queues view's update: depths refreshed every interval whatever view is open (the
/// header shows them everywhere), their history, and a redrive of every dead letter.
extension QueuesView: ConsoleScreen {
    public static var id: ViewID { .queues }
    public static var title: String { "Queues" }
    public static var loadErrorTitle: String? { "Queue figures not read" }

    public static func prepare(_ s: inout ConsoleState) { s.queues = QueuesState() }

    public static func bindings(for s: ConsoleState) -> [KeyBinding] { bindings }

    public static func hasData(_ s: ConsoleState) -> Bool { s.queues.stats != nil }

    /// The depths that matter from any view: a growing DLQ is seen at once.
    public static func headerFacts(_ s: ConsoleState) -> [(String, Role)] {
        guard let stats = s.queues.stats else { return [] }
        var facts: [(String, Role)] = [
            ("jobs \(ConsoleView.grouped(stats.jobs.total))", .muted),
            ("DLQ \(ConsoleView.grouped(stats.deadLetters.total))", stats.deadLetters.total > 0 ? .error : .muted),
        ]
        if s.queues.isStale { facts.append(("stale", .warn)) }
        return facts
    }

    public static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect]? {
        switch action {
        case .open: return ConsoleUpdate.switchTo(&s, .deadLetters)
        case .refresh: return refresh(&s, now: true)
        case .redrive: return DeadLettersView.act(&s, action, on: nil)
        default: return nil
        }
    }

    public static func ticked(_ s: inout ConsoleState) -> [ConsoleEffect] { refresh(&s) }

    public static func received(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect]? {
        guard case let .queueStatsLoaded(request, stats) = message else { return nil }
        guard s.end(request), s.queues.reading.settle(request) else { return [] }
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
        let since = s.now - QueuesState.historyWindow
        s.queues.history.removeAll { $0.at < since }
        if before == 0, stats.deadLetters.total > 0 {
            let count = stats.deadLetters.total
            s.show(
                "\(count) message\(count == 1 ? "" : "s") dead-lettered in \(stats.deadLetters.name): :dlq shows why.", .warn,
                for: .seconds(30))
        }
        // The list follows the DLQ while it is on screen (only when the depth changed:
        // an SQS listing is a receive, not a free read).
        if s.view == .deadLetters, before != nil, before != stats.deadLetters.total, !s.deadLetters.reading.isInFlight, s.queueTask == nil {
            return DeadLettersView.load(&s)
        }
        return []
    }

    /// A failed refresh: the last good figures stay, marked stale.
    public static func failed(_ s: inout ConsoleState, request: Int, error: ConsoleError) -> [ConsoleEffect]? {
        guard s.queues.reading.settle(request) else { return nil }
        s.queues.requestedAt = s.now
        s.queues.isStale = true
        return ConsoleUpdate.loadFailed(&s, .queues, error, "Queue figures are stale")
    }

    // MARK: Refresh

    /// Asks for queue depths and heartbeats when the refresh interval has passed (or at
    /// once with `now`); nothing while the previous answer is still awaited.
    static func refresh(_ s: inout ConsoleState, now force: Bool = false) -> [ConsoleEffect] {
        if !force, let asked = s.queues.requestedAt, s.now - asked < s.refreshInterval { return [] }
        var effects: [ConsoleEffect] = []
        if let request = s.ask(\.queues.reading, "") {  // background: not in the spinner
            s.queues.requestedAt = s.now
            effects.append(.loadQueueStats(request: request))
        }
        return effects + WorkersView.load(&s, background: true)
    }

    static func jobsName(_ s: ConsoleState) -> String { s.queues.stats?.jobs.name ?? "the jobs queue" }
    static func deadLettersName(_ s: ConsoleState) -> String { s.queues.stats?.deadLetters.name ?? "the dead-letter queue" }
}
