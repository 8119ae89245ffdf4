import Catalog

/// Queue depths as the console last saw them, and their history for the sparklines.
///
/// The header shows the jobs and DLQ depth on every view, so this refreshes whatever view
/// is open. When a refresh fails the last good figures stay, marked stale.
public struct QueuesState: ViewPayload {
    public var stats: JobQueueStats?
    /// Console time of the last good figures.
    public var statsAt: Duration?
    /// The last refresh failed: what is shown is older than it looks.
    public var isStale = false
    /// The read of the depths on its way.
    public var reading = RequestSlot()
    /// When the last refresh was asked for or answered: the next one is due an interval
    /// later, so a slow backend is not asked again the moment it answers.
    public var requestedAt: Duration?
    /// One sample per refresh, the last ``QueuesState/historyWindow`` of them.
    public var history: [QueueSample] = []

    /// How far back the sparklines look.
    public static let historyWindow: Duration = .seconds(600)

    public init() {}

    /// The request on its way, if any (for the view and tests).
    public var pending: Int? { reading.request }
}

/// One refresh's depths, for the sparklines.
public struct QueueSample: Hashable, Sendable {
    /// Console time.
    public var at: Duration
    public var jobs: Int
    public var deadLetters: Int

    public init(at: Duration, jobs: Int, deadLetters: Int) {
        self.at = at
        self.jobs = jobs
        self.deadLetters = deadLetters
    }
}

extension ConsoleState {
    public var queues: QueuesState {
        get { views[QueuesState.self] ?? QueuesState() }
        set { views[QueuesState.self] = newValue }
    }
}
