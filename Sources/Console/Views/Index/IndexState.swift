import Foundation
import Operations

/// The index view (`:index`): the index's figures against the catalog, the last verify, and a
/// verify running in the background.
public struct IndexViewState: ViewPayload {
    public var status: IndexStatus?
    /// The read of the figures on its way.
    public var reading = RequestSlot()
    public var requestedAt: Duration?
    public var isStale = false
    /// The verify started with `v`, while it runs (its progress comes with each status read).
    public var verifying = RequestSlot()
    /// A repair or reindex on its way.
    public var acting = RequestSlot()

    /// The running verify's request, if any (for the view and tests).
    public var verifyPending: Int? { verifying.request }

    public init() {}
}

/// What the index view asks of the index seam.
enum IndexViewRequest: ViewPayload {
    /// The figures; `countingProducts`: the products in the index counted again (which
    /// lists every vector id), else the last count with fresh other figures.
    case status(countingProducts: Bool)
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
