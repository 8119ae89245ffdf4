import Catalog
import Foundation
import Operations

/// Queue depths as the console last saw them, and their history for the sparklines.
///
/// The header shows the jobs and DLQ depth on every view, so this refreshes whatever view
/// is open. When a refresh fails the last good figures stay, marked stale.
public struct QueuesState: Hashable, Sendable {
    public var stats: JobQueueStats?
    /// Console time of the last good figures.
    public var statsAt: Duration?
    /// The last refresh failed: what is shown is older than it looks.
    public var isStale = false
    public var pending: Int?
    /// When the last refresh was asked for or answered: the next one is due an interval
    /// later, so a slow backend is not asked again the moment it answers.
    public var requestedAt: Duration?
    /// One sample per refresh, the last ``QueuesState/historyWindow`` of them.
    public var history: [QueueSample] = []

    /// How far back the sparklines look.
    public static let historyWindow: Duration = .seconds(600)

    public init() {}
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

/// The dead letters view: messages listed without consuming them, marks, a filter.
public struct DeadLettersState: Hashable, Sendable {
    /// Rows as listed (nil until the first load).
    public var rows: [DeadLetterRow]?
    public var selection = TableSelection()
    /// Message ids marked with space; actions apply to these.
    public var marked: Set<String> = []
    /// The `/` filter while it is being typed.
    public var filterField: TextField?
    /// The applied filter: rows containing this text (id, product, op, reason or body).
    public var filter: String?
    public var pending: Int?
    public var isStale = false
    /// How many messages one load lists.
    public var limit = 200
    /// The last purge from this console, until a dead letter arrives again: the empty
    /// list then says it was purged, not that nothing was ever dead-lettered.
    public var purged: Purge?

    public struct Purge: Hashable, Sendable {
        /// nil: the backend did not say how many (SQS).
        public var count: Int?
    }

    public init() {}

    /// The rows the filter lets through.
    public var visibleRows: [DeadLetterRow] {
        guard let rows else { return [] }
        guard let filter, !filter.isEmpty else { return rows }
        let needle = filter.lowercased()
        return rows.filter { $0.searchText.contains(needle) }
    }
}

/// A dead letter as the table shows it: the message, and what its body says.
public struct DeadLetterRow: Hashable, Sendable {
    public var message: QueuedMessage
    /// The product id from the body, when it can be read.
    public var productID: String
    /// upsert, delete (or the reference shape's action); "?" when the body is unreadable.
    public var operation: String
    /// Lower-cased text the filter searches.
    var searchText: String

    public init(_ message: QueuedMessage) {
        self.message = message
        let fields = DeadLetterRow.fields(of: message.body)
        productID = fields.id ?? "?"
        operation = fields.op ?? "?"
        searchText = [message.messageID, productID, operation, message.deadLetterReason ?? "", message.body].joined(separator: "\n")
            .lowercased()
    }

    /// The product id and operation of a v1 message or the reference pelican's shape, read
    /// leniently: a dead letter is often a message that does not decode.
    static func fields(of body: String) -> (id: String?, op: String?) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return (nil, nil) }
        func text(_ value: Any?) -> String? {
            switch value {
            case let string as String: string
            case let number as NSNumber: number.stringValue
            default: nil
            }
        }
        if let op = text(object["op"]) { return (text(object["id"]), op) }
        if let action = text(object["action"]) {
            let row = (object["new"] as? [String: Any]) ?? (object["old"] as? [String: Any])
            return (text(row?["id"]), action.lowercased())
        }
        return (text(object["id"]), nil)
    }
}

/// One dead letter in full: its attributes and its body, pretty-printed when it is JSON.
public struct DeadLetterDetailState: Hashable, Sendable {
    public var row: DeadLetterRow
    /// The body as shown: indented JSON, or the text as it came.
    public var bodyLines: [String]
    public var scroll = 0

    public init(_ row: DeadLetterRow) {
        self.row = row
        if let object = try? JSONSerialization.jsonObject(with: Data(row.message.body.utf8), options: [.fragmentsAllowed]),
            JSONSerialization.isValidJSONObject(object),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        {
            bodyLines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        } else {
            bodyLines = row.message.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
    }
}

/// The workers view: heartbeat rows and the leader lock.
public struct WorkersState: Hashable, Sendable {
    public var roster: WorkerRoster?
    public var isStale = false
    public var pending: Int?
    public var selection = TableSelection()
    /// Processed counts last seen per emu (kind/id), to turn counters into a running total
    /// that survives restarts (a counter that went down started again from zero).
    public var lastProcessed: [String: Int64] = [:]
    /// Messages emu workers processed since the console started.
    public var processedTotal: Int64 = 0
    /// The running total at each roster read in the last minute (console time, total).
    public var processedHistory: [ProcessedSample] = []

    public init() {}

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

/// A redrive, delete or purge of dead letters in progress.
public struct QueueTask: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case redrive, delete, purge

        var verb: String {
            switch self {
            case .redrive: "Redriving"
            case .delete: "Deleting"
            case .purge: "Purging"
            }
        }
    }

    public var kind: Kind
    public var request: Int
    /// The queue it acts on.
    public var queue: String
    /// Messages it will act on, when known.
    public var total: Int?
    public var done = 0
    public var startedAt: Duration

    public init(kind: Kind, request: Int, queue: String, total: Int?, startedAt: Duration) {
        self.kind = kind
        self.request = request
        self.queue = queue
        self.total = total
        self.startedAt = startedAt
    }

    /// "Redriving 5/12 messages from jobs-dlq… 1.20 s"
    public func line(now: Duration) -> String {
        let count = total.map { "\(ConsoleView.grouped(done))/\(ConsoleView.grouped($0))" } ?? ConsoleView.grouped(done)
        let noun = (total ?? done) == 1 ? "message" : "messages"
        return "\(kind.verb) \(count) \(noun) \(kind == .redrive ? "from" : "of") \(queue)… \(formatSeconds(now - startedAt))"
    }
}
