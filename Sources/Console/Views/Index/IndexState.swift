import Foundation
import Operations

/// The index view (`:index`): the index's figures against the catalog, the last verify, and a
/// verify running in the background.
public struct IndexViewState: ViewPayload {
    public var status: IndexStatus?
    public var pending: Int?
    public var requestedAt: Duration?
    public var isStale = false
    /// The verify started with `v`, while it runs (its progress comes with each status read).
    public var verifyPending: Int?
    /// A repair or reindex on its way.
    public var actionPending: Int?

    public init() {}
}

/// What the index view asks of the index seam.
enum IndexViewRequest: ViewPayload {
    case status
    case verify
    case repair
    case reindexAll

    var isWrite: Bool {
        switch self {
        case .repair, .reindexAll: true
        case .status, .verify: false
        }
    }
}

/// How many products `X` enqueued.
struct IndexReindexAnswer: ViewPayload {
    var enqueued: Int
}

extension IndexStatus: ViewPayload {}
extension IndexVerifyRecord: ViewPayload {}
extension IndexRepair: ViewPayload {}

extension ConsoleState {
    public var index: IndexViewState {
        get { views[IndexViewState.self] ?? IndexViewState() }
        set { views[IndexViewState.self] = newValue }
    }
}
