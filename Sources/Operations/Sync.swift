import Catalog

// Sync: how far a saved change has travelled (outbox → queue → index) and how much of the
// catalog the index holds. `SyncProgressReader` (target Sync) answers from Postgres and
// any `VectorIndex`; the indexed count comes from the index's own backend
// (`LocalIndexProgress` in one query beside the local index, `VectorCountProgress` for an
// index that only counts its vectors, such as Pinecone).

/// How far a saved change has travelled towards search.
public enum SyncStage: Int, Hashable, Sendable, Comparable, CaseIterable {
    /// Committed to the products table.
    case saved
    /// In the outbox (committed with the row, so at once).
    case captured
    /// Pelican put it on the job queue and removed the outbox row.
    case sent
    /// The index holds vectors with this change's seq (or, for a delete, none).
    case indexed

    public static func < (a: SyncStage, b: SyncStage) -> Bool { a.rawValue < b.rawValue }

    public var label: String {
        switch self {
        case .saved: "saved"
        case .captured: "captured"
        case .sent: "sent"
        case .indexed: "indexed"
        }
    }
}

/// How much of the catalog the index holds at its latest version.
public struct IndexProgress: Hashable, Sendable {
    public var indexed: Int
    public var total: Int

    public init(indexed: Int, total: Int) {
        self.indexed = indexed
        self.total = total
    }

    public var isComplete: Bool { indexed >= total }
}

/// Counts the products whose latest change is in the index. Each index backend answers in
/// its own way, so nothing above it asks which one it has.
public protocol IndexProgressReading: Sendable {
    func indexProgress() async throws -> IndexProgress
}

/// The sync trail of a saved product and the index's progress over the catalog.
public protocol SyncOperations: IndexProgressReading {
    /// The seq of the product's latest change (after a save), nil if none is recorded.
    /// Reads Postgres alone: it answers while the index is still opening.
    func changeSequence(of id: ProductID) async throws -> Int64?
    /// How far change `changeSequence` of a product has got. A later change of the same
    /// product counts as having carried this one along.
    func syncStage(of id: ProductID, changeSequence: Int64) async throws -> SyncStage
}

/// The sync's pause switch (`refarch-tui sync pause|resume`). The state lives in Postgres, so
/// every worker of the catalog obeys it.
public protocol SyncPauseOperations: Sendable {
    /// Whether the sync is paused, who changed it, and the outbox backlog.
    func syncPauseStatus() async throws -> SyncPauseStatus
    /// Pauses or resumes the sync for every worker of the catalog.
    func setSyncPaused(_ paused: Bool) async throws
}
