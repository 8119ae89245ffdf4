import Operations

/// The database view (`:db`): the database's health as last read, refreshed every interval
/// while shown. When a refresh fails the last good figures stay, marked stale.
public struct DatabaseState: ViewPayload {
    public var status: DatabaseStatus?
    /// The read of the figures on its way.
    public var reading = RequestSlot()
    /// When the figures were last asked for (console time).
    public var requestedAt: Duration?
    /// Console time of the last good figures.
    public var statusAt: Duration?
    public var isStale = false
    /// Lines scrolled off the top.
    public var scroll = 0
    /// The `/` filter over its lists: the largest tables, the longest queries, the lock waits.
    public var filter = ListFilterInput()

    public init() {}
}

/// What the database view asks of the services: the database's health now.
public struct DatabaseStatusRequest: ViewPayload {
    public init() {}
}

extension DatabaseStatus: ViewPayload {}

extension ConsoleState {
    public var database: DatabaseState {
        get { views[DatabaseState.self] ?? DatabaseState() }
        set { views[DatabaseState.self] = newValue }
    }
}
