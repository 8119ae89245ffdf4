import Catalog
import Operations
import Search

/// The search view: the query, the last result and the selection in it.
public struct SearchState: ViewPayload {
    public enum Focus: Hashable, Sendable { case query, results }
    public var query = TextField()
    public var focus: Focus = .query
    public var result: SearchResult?
    public var selection = TableSelection()
    public var minPrice: Price?
    public var maxPrice: Price?
    /// The search on its way.
    public var searching = RequestSlot()
    public var pendingRequest: SearchRequest?
    /// The search that failed, run again while its error is shown.
    public var failedRequest: SearchRequest?
    /// Results per page: the rows the window shows (set at each search).
    public var pageSize = 20
    public init() {}

    /// The request on its way, if any (for the view and tests).
    public var pending: Int? { searching.request }
}

extension ConsoleState {
    public var search: SearchState {
        get { views[SearchState.self] ?? SearchState() }
        set { views[SearchState.self] = newValue }
    }
}
