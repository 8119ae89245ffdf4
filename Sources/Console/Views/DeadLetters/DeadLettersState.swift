import Catalog
import Foundation

/// The dead letters view: messages listed without consuming them, marks, a filter.
public struct DeadLettersState: ViewPayload {
    /// Rows as listed (nil until the first load).
    public var rows: [DeadLetterRow]?
    public var selection = TableSelection()
    /// Message ids marked with space; actions apply to these.
    public var marked: Set<String> = []
    /// The `/` filter: plain words are found in the id, product, op, reason or body,
    /// `column:value` in that column.
    public var listFilter = ListFilterInput()
    /// The listing on its way.
    public var reading = RequestSlot()
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

    /// The request on its way, if any (for the view and tests).
    public var pending: Int? { reading.request }

    /// The `/` input while it is being typed.
    public var filterField: TextField? { listFilter.field }
    /// The filter applied, as typed (nil: every message).
    public var filter: String? { listFilter.applied?.text }

    /// The rows the filter lets through, their times read in `zone` as the table shows them.
    public func visibleRows(in zone: TimeZone) -> [DeadLetterRow] {
        guard let rows else { return [] }
        guard let filter = listFilter.applied, !filter.isEmpty else { return rows }
        return rows.filter {
            filter.matches(DeadLettersView.cells($0, zone), columns: DeadLettersView.columnNames, moreText: $0.searchText)
        }
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

/// A redrive, delete or purge of dead letters in progress.
public struct QueueTask: ViewPayload {
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

extension ConsoleState {
    public var deadLetters: DeadLettersState {
        get { views[DeadLettersState.self] ?? DeadLettersState() }
        set { views[DeadLettersState.self] = newValue }
    }

    /// The dead letters the filter lets through.
    public var shownDeadLetters: [DeadLetterRow] { deadLetters.visibleRows(in: timeZone) }
}

extension ConsoleState {
    /// A redrive, delete or purge of dead letters running in the background (the queues,
    /// dead letters and message views show it).
    public var queueTask: QueueTask? {
        get { views[QueueTask.self] }
        set { views[QueueTask.self] = newValue }
    }
}
