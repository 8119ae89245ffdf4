/// A metadata value as Pinecone allows them: string, number, boolean or list of strings.
/// (No null: a missing key is how "no value" is written.)
public enum MetadataValue: Hashable, Sendable, Codable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)
    case strings([String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? container.decode(Double.self) {
            self = .number(n)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else {
            self = .strings(try container.decode([String].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let s): try container.encode(s)
        case .number(let n):
            if n.rounded() == n, abs(n) < 1e15 { try container.encode(Int64(n)) } else { try container.encode(n) }
        case .bool(let b): try container.encode(b)
        case .strings(let list): try container.encode(list)
        }
    }

    public var description: String {
        switch self {
        case .string(let s): return s
        case .number(let n): return n.rounded() == n && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .bool(let b): return String(b)
        case .strings(let list): return list.joined(separator: ",")
        }
    }

    public var numberValue: Double? { if case .number(let n) = self { return n } else { return nil } }
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
}

/// Metadata attached to a vector.
public typealias Metadata = [String: MetadataValue]

/// One vector and its metadata, as written to the index. Ids are `<productId>#<chunk>`.
public struct VectorRecord: Hashable, Sendable {
    public var id: String
    public var values: [Float]
    public var metadata: Metadata

    public init(id: String, values: [Float], metadata: Metadata = [:]) {
        self.id = id
        self.values = values
        self.metadata = metadata
    }
}

/// New metadata for a stored vector, its values (the embedding) left as they are.
///
/// The keys given replace the stored ones and the other stored keys stay, as Pinecone's
/// update with `setMetadata` does: a key cannot be removed this way (rewrite the record).
public struct MetadataUpdate: Hashable, Sendable {
    public var id: String
    public var metadata: Metadata

    public init(id: String, metadata: Metadata) {
        self.id = id
        self.metadata = metadata
    }
}

/// A stored record as read before deciding whether it needs new metadata only: its metadata,
/// and its values when the index returned them with it (nil when it left them out).
public struct StoredVector: Hashable, Sendable {
    public var metadata: Metadata
    public var values: [Float]?

    public init(metadata: Metadata, values: [Float]? = nil) {
        self.metadata = metadata
        self.values = values
    }
}

/// A similarity query.
public struct VectorQuery: Sendable {
    public var vector: [Float]
    public var topK: Int
    public var filter: MetadataFilter?
    public var includeMetadata: Bool

    public init(vector: [Float], topK: Int = 10, filter: MetadataFilter? = nil, includeMetadata: Bool = true) {
        self.vector = vector
        self.topK = topK
        self.filter = filter
        self.includeMetadata = includeMetadata
    }
}

/// One result of a query: higher scores are closer (cosine similarity).
public struct VectorMatch: Hashable, Sendable {
    public var id: String
    public var score: Float
    public var metadata: Metadata?

    public init(id: String, score: Float, metadata: Metadata? = nil) {
        self.id = id
        self.score = score
        self.metadata = metadata
    }
}

/// What an index holds.
public struct IndexStats: Hashable, Sendable, Codable {
    public var dimension: Int
    public var metric: String
    public var totalVectorCount: Int
    public var namespaces: [String: Int]

    public init(dimension: Int, metric: String, totalVectorCount: Int, namespaces: [String: Int]) {
        self.dimension = dimension
        self.metric = metric
        self.totalVectorCount = totalVectorCount
        self.namespaces = namespaces
    }
}

/// Stores product vectors and finds the nearest ones.
///
/// Two implementations: `PineconeIndex` (AWS mode) and `LocalVectorIndex` (vectors in
/// Postgres, searched exactly in memory). Workers, search and console see only this.
/// Writes are idempotent (same id, same result), so retrying them is safe.
public protocol VectorIndex: Sendable {
    var dimension: Int { get }
    func upsert(_ records: [VectorRecord]) async throws
    func delete(ids: [String]) async throws
    /// Deletes every record whose id starts with `prefix` (all chunks of a product: `"42#"`).
    func delete(idPrefix prefix: String) async throws
    func fetch(ids: [String]) async throws -> [VectorRecord]
    /// Ids that start with `prefix`, in byte order.
    func listIDs(prefix: String) async throws -> [String]
    /// ``listIDs(prefix:)`` for several prefixes at once (emu asks for every product of a
    /// batch): an index that can answer in one round trip does; the default asks one by one.
    func listIDs(prefixes: [String]) async throws -> [String: [String]]
    func query(_ query: VectorQuery) async throws -> [VectorMatch]
    func stats() async throws -> IndexStats
    /// The metadata of the records that exist, by id: what emu compares before deciding
    /// whether a product's text changed. The default fetches whole records; an index that
    /// can leave the values out does.
    func fetchMetadata(ids: [String]) async throws -> [String: Metadata]
    /// The records that exist, by id, for a caller that may write them back with new metadata
    /// (emu's text-hash check). An index whose fetch returns the values anyway (Pinecone's
    /// does) hands them over, so a batch of metadata changes can be written as one upsert
    /// instead of an update per record; an index that reads the metadata alone more cheaply
    /// (the local index) leaves them out, and the caller uses ``updateMetadata(_:)``. The
    /// default is ``fetch(ids:)``, values included.
    func fetchStored(ids: [String]) async throws -> [String: StoredVector]
    /// Changes the metadata of existing records without touching their values (an update
    /// that left the embedded text alone, such as a new price, needs no new embedding). Ids
    /// that do not exist are skipped. The default fetches the records and upserts them with
    /// the merged metadata; an index with an update call of its own uses it.
    func updateMetadata(_ updates: [MetadataUpdate]) async throws
}

extension VectorIndex {
    public func listIDs(prefixes: [String]) async throws -> [String: [String]] {
        var ids: [String: [String]] = [:]
        for prefix in Set(prefixes) { ids[prefix] = try await listIDs(prefix: prefix) }
        return ids
    }

    public func fetchMetadata(ids: [String]) async throws -> [String: Metadata] {
        var found: [String: Metadata] = [:]
        for record in try await fetch(ids: ids) { found[record.id] = record.metadata }
        return found
    }

    public func fetchStored(ids: [String]) async throws -> [String: StoredVector] {
        var found: [String: StoredVector] = [:]
        for record in try await fetch(ids: ids) { found[record.id] = StoredVector(metadata: record.metadata, values: record.values) }
        return found
    }

    public func updateMetadata(_ updates: [MetadataUpdate]) async throws {
        guard !updates.isEmpty else { return }
        var merged: [String: Metadata] = [:]
        for update in updates { merged[update.id, default: [:]].merge(update.metadata) { _, new in new } }
        let records = try await fetch(ids: Array(merged.keys)).map { record in
            VectorRecord(
                id: record.id, values: record.values, metadata: record.metadata.merging(merged[record.id] ?? [:]) { _, new in new })
        }
        try await upsert(records)
    }
}
