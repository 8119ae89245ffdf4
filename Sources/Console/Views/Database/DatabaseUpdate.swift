import Operations

extension ViewID {
    public static let database = ViewID(rawValue: "db")
}

/// The database view's update: opened by `:db` over the current view (esc goes back),
/// refreshed every interval while shown (as the queues view is), `r` at once.
extension DatabaseView: ConsoleScreen {
    public static var id: ViewID { .database }
    public static var title: String { "Database" }
    public static var isTab: Bool { false }
    public static var commandUsage: String? { "db" }
    public static var loadErrorTitle: String? { "Database figures not read" }

    public static func crumb(_ s: ConsoleState) -> String? { " › Database" }

    public static func bindings(for s: ConsoleState) -> [KeyBinding] { s.database.filter.field != nil ? filterBindings : bindings }

    public static func globalBindings(for s: ConsoleState) -> [KeyBinding] {
        s.database.filter.field != nil ? GlobalBindings.whileTyping : GlobalBindings.all
    }

    /// The `/` input takes typing while it is open.
    public static func inputKey(_ s: inout ConsoleState, _ key: Key) -> [ConsoleEffect]? {
        guard s.database.filter.field != nil else { return nil }
        return ConsoleUpdate.listFilterKey(&s, key, filter: \.database.filter, columns: filterColumnNames) { s in
            s.database.scroll = 0
            return []
        }
    }

    public static func hasData(_ s: ConsoleState) -> Bool { s.database.status != nil }

    public static func command(_ s: inout ConsoleState, arguments: String) -> [ConsoleEffect] {
        if s.view != .database { ConsoleUpdate.push(&s, .database) }
        return load(&s)
    }

    public static func otherKey(_ s: inout ConsoleState, _ key: Key) { ConsoleUpdate.scroll(&s.database.scroll, key) }

    public static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect]? {
        switch action {
        case .refresh:
            return load(&s)
        case .focusInput:
            s.database.filter.startEditing()
            return []
        case .back:
            // esc shows the lists whole again, then goes back.
            guard ConsoleUpdate.clearListFilter(&s, \.database.filter) else { return nil }
            s.database.scroll = 0
            return []
        default:
            return nil
        }
    }

    public static func ticked(_ s: inout ConsoleState) -> [ConsoleEffect] {
        guard s.view == .database, !s.database.reading.isInFlight else { return [] }
        if let asked = s.database.requestedAt, s.now - asked < s.refreshInterval { return [] }
        return load(&s, background: true)
    }

    public static func closed(_ s: inout ConsoleState) {
        // An answer still on its way is dropped: the new state's slot does not await it.
        s.database = DatabaseState()
        s.loadErrors[.database] = nil
    }

    public static func received(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect]? {
        guard case let .viewAnswered(request, _, payload) = message else { return nil }
        guard s.end(request), s.database.reading.settle(request), let status = payload.as(DatabaseStatus.self) else { return [] }
        s.database.requestedAt = s.now
        s.database.status = status
        s.database.statusAt = s.now
        s.database.isStale = false
        s.loadErrors[.database] = nil
        return []
    }

    /// A failed refresh: the last good figures stay, marked stale.
    public static func failed(_ s: inout ConsoleState, request: Int, error: ConsoleError) -> [ConsoleEffect]? {
        guard s.database.reading.settle(request) else { return nil }
        s.database.requestedAt = s.now
        s.database.isStale = true
        return ConsoleUpdate.loadFailed(&s, .database, error, "Database figures are stale")
    }

    public static func run(_ request: AnyViewPayload, services: any SystemOperations) async throws -> AnyViewPayload {
        guard request.as(DatabaseStatusRequest.self) != nil else {
            throw ConsoleError(summary: "Database cannot run \(request).", remedy: "This is a bug in the console: please report it.")
        }
        return AnyViewPayload(try await services.databaseStatus())
    }

    /// Asks for the figures (again), unless an answer is on its way.
    static func load(_ s: inout ConsoleState, background: Bool = false) -> [ConsoleEffect] {
        s.database.requestedAt = s.now
        guard let request = s.ask(\.database.reading, background ? "" : "reading the database's health") else { return [] }
        return [.view(request: request, .database, AnyViewPayload(DatabaseStatusRequest()))]
    }
}
