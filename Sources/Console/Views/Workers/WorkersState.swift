import Catalog
import Foundation
import Operations

/// The workers view: heartbeat rows and the leader lock.
public struct WorkersState: ViewPayload {
    public var roster: WorkerRoster?
    public var isStale = false
    /// The read of the heartbeats on its way.
    public var readingRoster = RequestSlot()
    public var selection = TableSelection()
    /// Processed counts last seen per emu (kind/id), to turn counters into a running total
    /// that survives restarts (a counter that went down started again from zero).
    public var lastProcessed: [String: Int64] = [:]
    /// Messages emu workers processed since the console started.
    public var processedTotal: Int64 = 0
    /// The running total at each roster read in the last minute (console time, total).
    public var processedHistory: [ProcessedSample] = []
    /// The sync's pause switch as last read (nil until read, or where it cannot be).
    public var pause: SyncPauseStatus?
    /// The background read of the switch in flight.
    public var readingPause = RequestSlot()
    /// A pause or resume the user confirmed, in flight.
    public var changingPause = RequestSlot()

    public init() {}

    /// The switch's read on its way, if any (for tests).
    public var pausePending: Int? { readingPause.request }
    /// The pause or resume on its way, if any (for tests).
    public var pauseChange: Int? { changingPause.request }

    /// Adds what each emu processed since the last roster to the running total.
    mutating func account(_ roster: WorkerRoster, at now: Duration) {
        for worker in roster.workers where worker.kind == "emu" {
            let key = "emu/\(worker.id)"
            if let last = lastProcessed[key] {
                processedTotal += worker.processed >= last ? worker.processed - last : worker.processed
            }
            lastProcessed[key] = worker.processed
        }
        processedHistory.append(ProcessedSample(at: now, total: processedTotal))
        processedHistory.removeAll { $0.at < now - .seconds(60) }
    }

    /// Messages processed per minute over the last minute (nil until two reads at least
    /// four seconds apart exist).
    public var throughputPerMinute: Double? {
        guard let first = processedHistory.first, let last = processedHistory.last, last.at - first.at >= .seconds(4) else { return nil }
        return Double(last.total - first.total) / (last.at - first.at).seconds * 60
    }
}

/// The emus' running processed total at one roster read.
public struct ProcessedSample: Hashable, Sendable {
    public var at: Duration
    public var total: Int64
    public init(at: Duration, total: Int64) {
        self.at = at
        self.total = total
    }
}

extension ConsoleState {
    public var workers: WorkersState {
        get { views[WorkersState.self] ?? WorkersState() }
        set { views[WorkersState.self] = newValue }
    }
}
