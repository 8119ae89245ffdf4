/// Whether the sync is paused (`refarch-tui sync pause|resume`), as the console shows it in
/// the header and the workers view. The state lives in Postgres, so every worker obeys it.
public struct SyncPauseStatus: Hashable, Sendable {
    public var paused: Bool
    /// When the state last changed (ISO 8601, UTC; empty if never).
    public var changedAt: String
    /// Who changed it last (user@host; empty if never).
    public var changedBy: String
    /// Changes waiting in the outbox (they accumulate while paused).
    public var outboxRows: Int

    public init(paused: Bool, changedAt: String = "", changedBy: String = "", outboxRows: Int = 0) {
        self.paused = paused
        self.changedAt = changedAt
        self.changedBy = changedBy
        self.outboxRows = outboxRows
    }
}
