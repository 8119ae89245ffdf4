import Catalog
import DedicatedThreads
import Foundation
import Logging
import Postgres
import PostgresCatalog
import Synchronization
import UserFacing

/// The embedded default's vector index: vectors persisted in Postgres, searched exactly in
/// memory by the process that reads them.
///
/// Writes go straight to the `refarch_vectors` table (any process may write). A reader
/// loads every vector at start into one contiguous matrix (``VectorMatrix``) and stays
/// current through `NOTIFY refarch_vectors`: each wake-up reads only the rows whose
/// `change_seq` is newer than what it has applied, never the whole table. Queries run on
/// the index's own threads, never on Swift's cooperative pool.
public final class LocalVectorIndex: VectorIndex, @unchecked Sendable {  // matrix confined to indexThread, see below
    // @unchecked Sendable: `matrix` and `appliedSeq` are only touched on `indexThread`
    // (every access goes through `indexThread.run`); `listenTask` and `listener` only under `lock`.
    public let dimension: Int
    public let namespace: String
    public let pool: PostgresPool
    private let configuration: PostgresConfiguration
    private let logger: Logger
    private let indexThread = DedicatedThreadExecutor(name: "local-index")
    private let workers: ParallelWorkers
    private var matrix: VectorMatrix
    private var appliedSeq: Int64 = 0
    private var schema = ""
    private let lock = NSLock()
    private var listenTask: Task<Void, Never>?
    private var listener: PostgresListener?

    /// The NOTIFY channel writers signal after each committed change (payload: the schema).
    public static let channel = "refarch_vectors"

    /// How many rows a write statement carries.
    static let writeBatch = 200

    private init(
        configuration: PostgresConfiguration, pool: PostgresPool, dimension: Int, namespace: String,
        threads: Int, logger: Logger
    ) {
        self.configuration = configuration
        self.pool = pool
        self.dimension = dimension
        self.namespace = namespace
        self.logger = logger
        workers = ParallelWorkers(width: threads, name: "local-index-scan")
        matrix = VectorMatrix(dimension: dimension)
    }

    /// Opens the index: checks the schema, loads every vector, and (with `follow`) starts
    /// listening for other processes' writes.
    ///
    /// - Parameters:
    ///   - threads: threads a query is split across (default: the machine's cores).
    ///   - follow: false for a process that only writes (no matrix is loaded then).
    public static func open(
        configuration: PostgresConfiguration, dimension: Int = 384, namespace: String = "products",
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, follow: Bool = true,
        logger: Logger = Logger(label: "refarch.index.local")
    ) async throws -> LocalVectorIndex {
        let pool = PostgresPool(configuration: configuration, maxConnections: 3, logger: logger)
        let index = LocalVectorIndex(
            configuration: configuration, pool: pool, dimension: dimension, namespace: namespace,
            threads: threads, logger: logger)
        do {
            try await pool.withConnection { try await SchemaMigrator.requireCurrent($0) }
            index.schema = try await pool.query("SELECT current_schema()")[0].decode(String.self, at: 0)
            if follow {
                try await index.loadAll()
                index.startListening()
            }
        } catch {
            await index.close()
            throw error
        }
        return index
    }

    /// Stops listening and ends the index's threads.
    public func close() async {
        let listener = lock.withLock {
            listenTask?.cancel(); listenTask = nil
            defer { self.listener = nil }
            return self.listener
        }
        await listener?.stop()
        await pool.close()
        workers.shutdown()
        indexThread.shutdown()
    }

    /// How many vectors the in-memory matrix holds.
    public var loadedCount: Int {
        get async throws { try await indexThread.run { self.matrix.count } }
    }

    /// The metadata of a vector as this reader holds it in memory (nil when not loaded):
    /// what a search in this process would see, for freshness measurements.
    public func loadedMetadata(id: String) async throws -> Metadata? {
        try await indexThread.run { self.matrix.row(of: id).map { self.matrix.metadata(row: $0) } }
    }

    // MARK: - Loading and following

    /// Reads every vector into a fresh matrix, replacing what was there.
    public func loadAll() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        try await pool.withConnection { connection in
            try await connection.transaction(operation: "load the vector index") { conn in
                try conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                let head = try conn.query(
                    """
                    SELECT (SELECT count(*) FROM refarch_vectors),
                           greatest((SELECT coalesce(max(change_seq), 0) FROM refarch_vectors),
                                    (SELECT coalesce(max(change_seq), 0) FROM refarch_vector_tombstones))
                    """, operation: "size the vector index")
                let total = try head[0].decode(Int.self, at: 0)
                let seq = try head[0].decode(Int64.self, at: 1)
                try await self.indexThread.run {
                    self.matrix = VectorMatrix(dimension: self.dimension, capacity: total + 1024)
                    self.appliedSeq = seq
                }
                try conn.execute("DECLARE refarch_vector_load BINARY NO SCROLL CURSOR FOR SELECT id, vector, metadata FROM refarch_vectors")
                // Fetching (this connection's thread) and adding rows (the index thread) overlap:
                // each batch is handed over without waiting, and the index thread takes them in order.
                let failure = LoadFailure()
                let timer = ContinuousClock()
                var inFlight: [Task<Void, any Error>] = []
                while true {
                    let fetchStart = timer.now
                    let rows = try conn.query("FETCH 20000 FROM refarch_vector_load", resultFormat: .binary, operation: "load vectors")
                    failure.addFetch(timer.now - fetchStart)
                    if rows.isEmpty { break }
                    inFlight.append(
                        Task {
                            try await self.indexThread.run {
                                let applyStart = timer.now
                                try self.apply(upserts: rows, idColumn: 0, vectorColumn: 1, metadataColumn: 2)
                                failure.addApply(timer.now - applyStart)
                            }
                        })
                    // At most two batches wait in memory while the next one is fetched.
                    if inFlight.count > 2 { try await inFlight.removeFirst().value }
                }
                for batch in inFlight { try await batch.value }
                self.logger.debug(
                    "Vector load phases",
                    metadata: [
                        "fetch_ms": "\(failure.times.fetch.milliseconds)",
                        "apply_ms": "\(failure.times.apply.milliseconds)",
                    ])
                try conn.execute("CLOSE refarch_vector_load")
            }
        }
        let count = try await loadedCount
        logger.info("Vector index loaded", metadata: ["vectors": "\(count)", "elapsed_ms": "\((clock.now - start).milliseconds)"])
    }

    /// Applies every change committed since the last one applied (cheap when there is none).
    public func catchUp() async throws {
        let since = try await indexThread.run { self.appliedSeq }
        try await pool.withConnection { connection in
            try await connection.transaction(operation: "follow the vector index") { conn in
                try conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                let upserts = try conn.query(
                    """
                    SELECT id, vector, metadata, change_seq FROM refarch_vectors WHERE change_seq > $1 ORDER BY change_seq
                    """, [since], resultFormat: .binary, operation: "read changed vectors")
                let deletes = try conn.query(
                    """
                    SELECT id, change_seq FROM refarch_vector_tombstones WHERE change_seq > $1 ORDER BY change_seq
                    """, [since], resultFormat: .binary, operation: "read deleted vectors")
                guard !upserts.isEmpty || !deletes.isEmpty else { return }
                try await self.indexThread.run {
                    // Apply in seq order: a delete followed by a re-insert must end with the row present.
                    // Two catch-ups may overlap; skipping what is already applied keeps an older
                    // read from undoing a newer one.
                    var u = 0, d = 0
                    while u < upserts.count || d < deletes.count {
                        let useq = u < upserts.count ? try upserts[u].decode(Int64.self, at: 3) : .max
                        let dseq = d < deletes.count ? try deletes[d].decode(Int64.self, at: 1) : .max
                        if dseq < useq {
                            if dseq > self.appliedSeq {
                                self.matrix.remove(id: try deletes[d].decode(String.self, at: 0))
                                self.appliedSeq = dseq
                            }
                            d += 1
                        } else {
                            if useq > self.appliedSeq {
                                try self.apply(row: upserts[u], idColumn: 0, vectorColumn: 1, metadataColumn: 2)
                                self.appliedSeq = useq
                            }
                            u += 1
                        }
                    }
                }
            }
        }
    }

    private func startListening() {
        let listener = PostgresListener(configuration: configuration, channels: [Self.channel], logger: logger)
        let task = Task { [weak self] in
            for await event in listener.events {
                guard let self else { return }
                switch event {
                case .listening:
                    // Notifications sent while nobody listened are lost: catch up from the table.
                    await self.catchUpLogging()
                case .notification(_, let payload) where payload == self.schema:
                    await self.catchUpLogging()
                default:
                    break
                }
            }
        }
        lock.withLock {
            listenTask = task
            self.listener = listener
        }
    }

    private func catchUpLogging() async {
        do {
            try await catchUp()
        } catch {
            logger.warning("Could not follow vector index changes; will retry on the next change", metadata: ["error": "\(error)"])
        }
    }

    /// Adds each row of a result (id, float32 vector bytes, metadata JSON) to the matrix.
    private func apply(upserts rows: PostgresRows, idColumn: Int, vectorColumn: Int, metadataColumn: Int) throws {
        for row in rows { try apply(row: row, idColumn: idColumn, vectorColumn: vectorColumn, metadataColumn: metadataColumn) }
    }

    private func apply(row: PostgresRow, idColumn: Int, vectorColumn: Int, metadataColumn: Int) throws {
        let id = try row.decode(String.self, at: idColumn)
        let metadata: Metadata = row.withBytes(at: metadataColumn) { bytes in
            guard let bytes, bytes.count > 1 else { return [:] }
            // jsonb in binary format starts with a version byte.
            return MetadataJSON.decode(UnsafeBufferPointer(rebasing: bytes.dropFirst()))
        }
        try row.withBytes(at: vectorColumn) { bytes in
            guard let bytes, bytes.count == dimension * 4 else {
                throw LocalIndexError.dimensionMismatch(expected: dimension, found: (bytes?.count ?? 0) / 4)
            }
            try withUnsafeTemporaryAllocation(of: Float.self, capacity: dimension) { floats in
                UnsafeMutableRawBufferPointer(floats).copyMemory(from: UnsafeRawBufferPointer(bytes))
                for i in 0..<dimension { floats[i] = Float(bitPattern: UInt32(littleEndian: floats[i].bitPattern)) }
                guard floats.contains(where: { $0 != 0 }) else { throw LocalIndexError.zeroVector(id: id) }
                matrix.upsert(id: id, vector: UnsafeBufferPointer(floats), metadata: metadata)
            }
        }
    }

    // MARK: - VectorIndex

    public func upsert(_ records: [VectorRecord]) async throws {
        guard !records.isEmpty else { return }
        var latest: [String: VectorRecord] = [:]
        var order: [String] = []
        for record in records {
            try validate(record)
            if latest.updateValue(record, forKey: record.id) == nil { order.append(record.id) }
        }
        let unique = order.map { latest[$0]! }
        try await write(operation: "write vectors") { conn in
            for start in stride(from: 0, to: unique.count, by: Self.writeBatch) {
                let batch = unique[start..<min(start + Self.writeBatch, unique.count)]
                var values: [String] = []
                var parameters: [any PostgresEncodable] = []
                for record in batch {
                    let n = parameters.count
                    values.append(
                        "($\(n + 1), $\(n + 2), $\(n + 3), $\(n + 4), $\(n + 5)::jsonb, nextval('refarch_vector_change_seq'), now())")
                    let key = Self.productKey(record.id)
                    parameters.append(record.id)
                    parameters.append(key.product)
                    parameters.append(key.chunk)
                    parameters.append(Self.bytes(of: record.values))
                    parameters.append(MetadataJSON.encode(record.metadata))
                }
                try conn.execute(
                    """
                    INSERT INTO refarch_vectors (id, product_id, chunk, vector, metadata, change_seq, updated_at)
                    VALUES \(values.joined(separator: ", "))
                    ON CONFLICT (id) DO UPDATE SET product_id = EXCLUDED.product_id, chunk = EXCLUDED.chunk,
                        vector = EXCLUDED.vector, metadata = EXCLUDED.metadata,
                        change_seq = EXCLUDED.change_seq, updated_at = EXCLUDED.updated_at
                    """, parameters, operation: "write vectors")
            }
        }
    }

    public func delete(ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        try await write(operation: "delete vectors") { conn in
            try conn.execute(
                """
                WITH gone AS (DELETE FROM refarch_vectors WHERE id = ANY($1::text[]) RETURNING id, change_seq)
                INSERT INTO refarch_vector_tombstones (change_seq, id)
                SELECT nextval('refarch_vector_change_seq'), id FROM (SELECT id FROM gone ORDER BY change_seq) ordered
                """, [PostgresArray(ids)], operation: "delete vectors")
        }
    }

    public func delete(idPrefix prefix: String) async throws {
        guard !prefix.isEmpty else { throw LocalIndexError.emptyPrefix }
        try await write(operation: "delete vectors by prefix") { conn in
            try conn.execute(
                """
                WITH gone AS (
                    DELETE FROM refarch_vectors WHERE id IN (
                        SELECT id FROM refarch_vectors WHERE product_id = $2 AND starts_with(id, $1)
                        UNION
                        SELECT id FROM refarch_vectors WHERE ($2::bigint IS NULL OR product_id IS NULL) AND starts_with(id, $1))
                    RETURNING id, change_seq)
                INSERT INTO refarch_vector_tombstones (change_seq, id)
                SELECT nextval('refarch_vector_change_seq'), id FROM (SELECT id FROM gone ORDER BY change_seq) ordered
                """, [prefix, Self.productOfPrefix(prefix)], operation: "delete vectors by prefix")
        }
    }

    public func fetch(ids: [String]) async throws -> [VectorRecord] {
        guard !ids.isEmpty else { return [] }
        let rows = try await pool.query(
            "SELECT id, vector, metadata FROM refarch_vectors WHERE id = ANY($1::text[]) ORDER BY id",
            [PostgresArray(ids)], resultFormat: .binary, operation: "fetch vectors")
        return try rows.map { row in
            let id = try row.decode(String.self, at: 0)
            let bytes = try row.decode([UInt8].self, at: 1)
            let values: [Float] = stride(from: 0, to: bytes.count, by: 4).map { i in
                Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
            }
            let metadata = row.withBytes(at: 2) { b -> Metadata in
                guard let b, b.count > 1 else { return [:] }
                return MetadataJSON.decode(UnsafeBufferPointer(rebasing: b.dropFirst()))
            }
            return VectorRecord(id: id, values: values, metadata: metadata)
        }
    }

    /// The metadata column alone: emu reads it for every product of a batch, and the vectors
    /// (1.5 KB each) are not needed for that.
    public func fetchMetadata(ids: [String]) async throws -> [String: Metadata] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await pool.query(
            "SELECT id, metadata FROM refarch_vectors WHERE id = ANY($1::text[])",
            [PostgresArray(ids)], resultFormat: .binary, operation: "fetch vector metadata")
        var found: [String: Metadata] = [:]
        for row in rows {
            found[try row.decode(String.self, at: 0)] = row.withBytes(at: 1) { b -> Metadata in
                guard let b, b.count > 1 else { return [:] }
                return MetadataJSON.decode(UnsafeBufferPointer(rebasing: b.dropFirst()))
            }
        }
        return found
    }

    /// ``fetchMetadata(ids:)`` without the values: a metadata change here is an `UPDATE` of
    /// the metadata column (``updateMetadata(_:)``), so emu has no use for the vectors.
    public func fetchStored(ids: [String]) async throws -> [String: StoredVector] {
        try await fetchMetadata(ids: ids).mapValues { StoredVector(metadata: $0) }
    }

    /// Merges the new keys into the metadata column (`||`); the vector bytes are not written.
    /// Each row gets a new change_seq, so readers pick the new metadata up as they do upserts.
    public func updateMetadata(_ updates: [MetadataUpdate]) async throws {
        guard !updates.isEmpty else { return }
        var latest: [String: Metadata] = [:]
        var order: [String] = []
        for update in updates {
            if latest[update.id] == nil { order.append(update.id) }
            latest[update.id, default: [:]].merge(update.metadata) { _, new in new }
        }
        let ids = order, encoded = order.map { MetadataJSON.encode(latest[$0] ?? [:]) }
        try await write(operation: "update vector metadata") { conn in
            for start in stride(from: 0, to: ids.count, by: Self.writeBatch * 5) {
                let range = start..<min(start + Self.writeBatch * 5, ids.count)
                try conn.execute(
                    """
                    UPDATE refarch_vectors v
                    SET metadata = v.metadata || u.metadata::jsonb, change_seq = nextval('refarch_vector_change_seq'), updated_at = now()
                    FROM unnest($1::text[], $2::text[]) AS u(id, metadata)
                    WHERE v.id = u.id
                    """, [PostgresArray(Array(ids[range])), PostgresArray(Array(encoded[range]))],
                    operation: "update vector metadata")
            }
        }
    }

    public func listIDs(prefix: String) async throws -> [String] {
        try await listIDs(prefixes: [prefix])[prefix] ?? []
    }

    /// One query for all the prefixes. A product's prefix (`"42#"`) is looked up through the
    /// product_id index (a `starts_with` scan read the whole table once per product, which
    /// was a quarter of emu's time); other prefixes, and ids not of the `<product>#<chunk>`
    /// form, are matched by text.
    public func listIDs(prefixes: [String]) async throws -> [String: [String]] {
        let unique = Array(Set(prefixes))
        guard !unique.isEmpty else { return [:] }
        let products = unique.compactMap(Self.productOfPrefix)
        let others = unique.filter { Self.productOfPrefix($0) == nil }
        let ids = try await pool.query(
            """
            SELECT id FROM refarch_vectors WHERE product_id = ANY($1::bigint[])
            UNION
            SELECT id FROM refarch_vectors v
            WHERE (v.product_id IS NULL OR cardinality($2::text[]) > 0)
              AND EXISTS (SELECT 1 FROM unnest($3::text[]) AS p(prefix) WHERE starts_with(v.id, p.prefix))
            """, [PostgresArray(products), PostgresArray(others), PostgresArray(unique)], operation: "list vector ids"
        ).map { try $0.decode(String.self, at: 0) }
        var byPrefix: [String: [String]] = Dictionary(uniqueKeysWithValues: unique.map { ($0, []) })
        for id in ids {
            for prefix in unique where id.hasPrefix(prefix) { byPrefix[prefix]?.append(id) }
        }
        for prefix in unique { byPrefix[prefix]?.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
        return byPrefix
    }

    /// 42 for `"42#"`: the prefix of all chunks of one product.
    static func productOfPrefix(_ prefix: String) -> Int64? {
        guard prefix.hasSuffix("#"), let product = Int64(prefix.dropLast()), String(product) + "#" == prefix else { return nil }
        return product
    }

    public func query(_ query: VectorQuery) async throws -> [VectorMatch] {
        guard query.vector.count == dimension else {
            throw LocalIndexError.dimensionMismatch(expected: dimension, found: query.vector.count)
        }
        guard (1...10_000).contains(query.topK) else { throw LocalIndexError.badTopK(query.topK) }
        return try await indexThread.run {
            let hits = self.matrix.search(query.vector, topK: query.topK, filter: query.filter, workers: self.workers)
            return hits.map { hit in
                VectorMatch(
                    id: self.matrix.ids[hit.row], score: hit.score,
                    metadata: query.includeMetadata ? self.matrix.metadata(row: hit.row) : nil)
            }
        }
    }

    public func stats() async throws -> IndexStats {
        let count = try await pool.query("SELECT count(*) FROM refarch_vectors", operation: "count vectors")[0].decode(Int.self, at: 0)
        return IndexStats(
            dimension: dimension, metric: "cosine", totalVectorCount: count,
            namespaces: count > 0 ? [namespace: count] : [:])
    }

    // MARK: - Helpers

    /// The transaction lock every write takes: one per catalog (schema), since each schema has
    /// its own change sequence, so writers to different catalogs never wait for each other.
    static let writeLockSQL = "SELECT pg_advisory_xact_lock(724002, hashtext(current_schema()))"

    /// Runs a write in a transaction that holds the index's write lock, then wakes readers.
    private func write(operation: String, _ body: @escaping @Sendable (isolated PostgresConnection) throws -> Void) async throws {
        try await pool.withConnection { connection in
            try await connection.transaction(operation: operation) { conn in
                // One writer at a time, so change_seq order is commit order for readers catching up.
                try conn.execute(Self.writeLockSQL, operation: operation)
                try body(conn)
                try conn.execute("SELECT pg_notify($1, current_schema())", [Self.channel], operation: operation)
            }
        }
    }

    private func validate(_ record: VectorRecord) throws {
        guard (1...512).contains(record.id.utf8.count) else { throw LocalIndexError.badID(record.id) }
        guard record.values.count == dimension else {
            throw LocalIndexError.dimensionMismatch(expected: dimension, found: record.values.count)
        }
        guard record.values.contains(where: { $0 != 0 }), record.values.allSatisfy(\.isFinite) else {
            throw LocalIndexError.zeroVector(id: record.id)
        }
    }

    /// `42#3` → product 42, chunk 3 (nil for ids of another shape).
    static func productKey(_ id: String) -> (product: Int64?, chunk: Int32?) {
        let parts = id.split(separator: "#", maxSplits: 1)
        guard parts.count == 2, let product = Int64(parts[0]), let chunk = Int32(parts[1]) else { return (nil, nil) }
        return (product, chunk)
    }

    static func bytes(of values: [Float]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * 4)
        for (i, v) in values.enumerated() {
            let bits = v.bitPattern.littleEndian
            out[4 * i] = UInt8(truncatingIfNeeded: bits)
            out[4 * i + 1] = UInt8(truncatingIfNeeded: bits >> 8)
            out[4 * i + 2] = UInt8(truncatingIfNeeded: bits >> 16)
            out[4 * i + 3] = UInt8(truncatingIfNeeded: bits >> 24)
        }
        return out
    }
}

/// The first error of a load whose batches are applied without waiting for each.
final class LoadFailure: Sendable {
    private let stored = Mutex<(any Error)?>(nil)
    private let durations = Mutex<(fetch: Duration, apply: Duration)>((.zero, .zero))
    var error: (any Error)? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
    /// Time spent fetching and adding rows (for the load's debug line).
    var times: (fetch: Duration, apply: Duration) { durations.withLock { $0 } }
    func addFetch(_ d: Duration) { durations.withLock { $0.fetch += d } }
    func addApply(_ d: Duration) { durations.withLock { $0.apply += d } }
}

/// Why the local index refused a request.
public enum LocalIndexError: UserFacingError, Equatable {
    case dimensionMismatch(expected: Int, found: Int)
    case zeroVector(id: String)
    case badID(String)
    case badTopK(Int)
    case emptyPrefix

    public var summary: String {
        switch self {
        case let .dimensionMismatch(expected, found):
            return "Vector dimension mismatch: the index holds \(expected)-dimensional vectors, this one has \(found)."
        case let .zeroVector(id): return "Vector \(id) is all zeros or not finite; cosine similarity needs a direction."
        case let .badID(id): return "Vector id \"\(id.prefix(40))\" must be 1 to 512 bytes long."
        case let .badTopK(k): return "topK \(k) is out of range 1…10000."
        case .emptyPrefix: return "Deleting by an empty prefix would delete everything."
        }
    }

    public var remedy: String? {
        switch self {
        case .dimensionMismatch: return "Use the same embedding model for writing and querying (all-MiniLM-L6-v2: 384)."
        default: return nil
        }
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
