import Catalog
import Foundation
import HTTP
import Logging
import Synchronization

/// The `VectorIndex` of AWS mode: a Pinecone serverless index over REST.
///
/// The data-plane host comes from describing the index (cached; described again once when
/// the data plane answers 404, because an index that was deleted and recreated gets a new
/// host) unless `PINECONE_HOST` overrides it. Every call names the configured namespace.
/// Writes are split to stay inside Pinecone's limits: at most 1,000 records and 2 MB per
/// upsert (budgeted by encoded bytes, since a 384-dim record is 4–8 KB of JSON), at most
/// 1,000 ids per fetch or delete. Calls are retried as ``PineconeRetryPolicy`` says.
///
/// Reads are eventually consistent: a query right after an upsert may not see it yet.
public final class PineconeIndex: VectorIndex, RateLimitedClient {
    public let dimension: Int
    public let configuration: PineconeConfiguration
    public let control: PineconeControlPlane
    let transport: PineconeTransport
    /// The data-plane base URL learnt from describe; nil until first needed.
    private let describedHost = Mutex<String?>(nil)

    /// IDs per fetch or delete request (Pinecone's limit).
    public static let maxIDsPerRequest = 1_000

    /// Paces this index's requests (see ``PineconeConfiguration/rateLimiter``).
    public var rateLimiter: AdaptiveRateLimiter { configuration.rateLimiter }
    public var rateLimitedService: String { "pinecone" }

    /// An index whose dimension is already known; no I/O until the first call.
    public init(configuration: PineconeConfiguration, dimension: Int) {
        self.configuration = configuration
        self.dimension = dimension
        self.control = PineconeControlPlane(configuration: configuration)
        self.transport = PineconeTransport(configuration: configuration)
    }

    /// Opens the configured index: describes it (learning host and dimension) and checks that
    /// it accepts writes. With a data-plane override (`PINECONE_HOST`) the control plane is
    /// not asked; the dimension comes from `describe_index_stats` instead.
    public static func open(configuration: PineconeConfiguration) async throws(PineconeError) -> PineconeIndex {
        if configuration.dataPlaneURL != nil {
            let probe = PineconeIndex(configuration: configuration, dimension: 0)
            let stats = try await probe.indexStats()
            return PineconeIndex(configuration: configuration, dimension: stats.dimension)
        }
        guard let name = configuration.indexName else { throw PineconeError.missingIndexName }
        let model = try await PineconeControlPlane(configuration: configuration).describeIndex(named: name)
        guard model.isReady else { throw PineconeError.indexNotReady(index: name, state: model.status?.state ?? "unknown") }
        guard let dimension = model.dimension, let host = model.host else {
            throw PineconeError.invalidResponse(operation: "describe the index", detail: "no dimension or host (not a dense vector index?)")
        }
        let index = PineconeIndex(configuration: configuration, dimension: dimension)
        let url = try PineconeConfiguration.baseURL(for: host)
        index.describedHost.withLock { $0 = url }
        return index
    }

    // MARK: - VectorIndex

    public func upsert(_ records: [VectorRecord]) async throws {
        try await upsertRecords(records)
    }

    /// ``upsert(_:)`` with its error type spelled out.
    ///
    /// The requests go one after another. If one fails, those before it stay written; an
    /// upsert is idempotent, so the caller retries the whole call (emu does, before it acks).
    public func upsertRecords(_ records: [VectorRecord]) async throws(PineconeError) {
        guard !records.isEmpty else { return }
        let bodies = try Self.upsertBodies(
            records, namespace: configuration.namespace, maxBytes: configuration.maxUpsertBytes,
            maxRecords: configuration.maxUpsertRecords, maxMetadataBytes: configuration.maxMetadataBytes)
        for body in bodies {
            _ = try await dataPlane(.post, path: "/vectors/upsert", body: body, operation: "upsert vectors")
        }
        configuration.logger.debug(
            "Vectors upserted", metadata: [LogKey.batchSize: "\(records.count)", LogKey.requests: "\(bodies.count)"])
    }

    public func delete(ids: [String]) async throws {
        try await deleteRecords(ids: ids)
    }

    /// ``delete(ids:)`` with its error type spelled out.
    public func deleteRecords(ids: [String]) async throws(PineconeError) {
        struct Body: Encodable {
            var namespace: String
            var ids: [String]
        }
        for start in stride(from: 0, to: ids.count, by: Self.maxIDsPerRequest) {
            let batch = Array(ids[start..<min(start + Self.maxIDsPerRequest, ids.count)])
            let body = try transport.encode(Body(namespace: configuration.namespace, ids: batch), operation: "delete vectors")
            // A namespace that does not exist holds nothing to delete.
            _ = try await dataPlaneRead(.post, path: "/vectors/delete", body: body, operation: "delete vectors")
        }
    }

    /// Lists the ids under `prefix` and deletes them by id.
    ///
    /// Deleting by id works on every Pinecone deployment (a delete by metadata filter does
    /// not on all of them), and ids `<productId>#<chunk>` make a product's chunks one prefix.
    /// Listing is eventually consistent: a record upserted a moment ago may not be listed yet,
    /// so a caller replacing a product's chunks deletes the ids it knows as well.
    public func delete(idPrefix prefix: String) async throws {
        guard !prefix.isEmpty else {
            throw PineconeError.invalidRecord(id: "\"\"", reason: "deleting by an empty prefix would delete everything")
        }
        let ids = try await listIDs(prefix: prefix)
        try await deleteRecords(ids: ids)
    }

    /// Requests of an ``updateMetadata(_:)`` in flight at once: Pinecone updates one record
    /// per request (100 a second per namespace), so a batch's updates go side by side.
    public static let maxConcurrentUpdates = 8

    /// `POST /vectors/update` with `setMetadata` for each record, a few at a time: the values
    /// stay as stored, the keys given are set and the others kept (Pinecone's semantics, and
    /// the protocol's). An id that does not exist is skipped by Pinecone (200). If one
    /// request fails the others may have been applied; an update is idempotent, so the
    /// caller retries the whole call.
    public func updateMetadata(_ updates: [MetadataUpdate]) async throws {
        struct Body: Encodable {
            var id: String
            var setMetadata: Metadata
            var namespace: String
        }
        let bodies = try updates.map { update in
            let size = try Self.metadataBytes(update.metadata, id: update.id)
            guard size <= configuration.maxMetadataBytes else {
                throw PineconeError.invalidRecord(
                    id: update.id, reason: "its metadata is \(size) bytes, more than Pinecone allows (\(configuration.maxMetadataBytes))")
            }
            return try transport.encode(
                Body(id: update.id, setMetadata: update.metadata, namespace: configuration.namespace), operation: "update vector metadata")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (n, body) in bodies.enumerated() {
                if n >= Self.maxConcurrentUpdates { try await group.next() }
                group.addTask {
                    _ = try await self.dataPlane(.post, path: "/vectors/update", body: body, operation: "update vector metadata")
                }
            }
            try await group.waitForAll()
        }
        configuration.logger.debug("Vector metadata updated", metadata: [LogKey.batchSize: "\(updates.count)"])
    }

    public func fetch(ids: [String]) async throws -> [VectorRecord] {
        try await fetchRecords(ids: ids)
    }

    /// ``fetch(ids:)`` with its error type spelled out: the records found, in the order asked.
    public func fetchRecords(ids: [String]) async throws(PineconeError) -> [VectorRecord] {
        struct Reply: Decodable { var vectors: [String: WireVector]? }
        var found: [String: VectorRecord] = [:]
        for start in stride(from: 0, to: ids.count, by: Self.maxIDsPerRequest) {
            let batch = ids[start..<min(start + Self.maxIDsPerRequest, ids.count)]
            let query =
                (batch.map { "ids=" + PineconeTransport.percentEncode($0) }
                + ["namespace=" + PineconeTransport.percentEncode(configuration.namespace)]).joined(separator: "&")
            guard let response = try await dataPlaneRead(.get, path: "/vectors/fetch", query: query, operation: "fetch vectors") else {
                return []
            }
            let reply = try transport.decode(Reply.self, from: response, operation: "fetch vectors")
            for (key, vector) in reply.vectors ?? [:] {
                let id = vector.id ?? key
                found[id] = VectorRecord(id: id, values: vector.values ?? [], metadata: vector.metadata ?? [:])
            }
        }
        var seen = Set<String>()
        return ids.compactMap { id in seen.insert(id).inserted ? found[id] : nil }
    }

    public func listIDs(prefix: String) async throws -> [String] {
        try await listRecordIDs(prefix: prefix)
    }

    /// ``listIDs(prefix:)`` with its error type spelled out: follows `pagination.next` to the end.
    public func listRecordIDs(prefix: String) async throws(PineconeError) -> [String] {
        struct Reply: Decodable {
            struct ID: Decodable { var id: String }
            struct Pagination: Decodable { var next: String? }
            var vectors: [ID]?
            var pagination: Pagination?
        }
        var ids: [String] = []
        var token: String?
        repeat {
            var parts = ["namespace=" + PineconeTransport.percentEncode(configuration.namespace)]
            if !prefix.isEmpty { parts.append("prefix=" + PineconeTransport.percentEncode(prefix)) }
            parts.append("limit=\(configuration.listPageSize)")
            if let token { parts.append("paginationToken=" + PineconeTransport.percentEncode(token)) }
            guard
                let response = try await dataPlaneRead(
                    .get, path: "/vectors/list", query: parts.joined(separator: "&"), operation: "list vector ids")
            else { return ids }
            let reply = try transport.decode(Reply.self, from: response, operation: "list vector ids")
            ids.append(contentsOf: (reply.vectors ?? []).map(\.id))
            let next = reply.pagination?.next.flatMap { $0.isEmpty ? nil : $0 }
            if next != nil, next == token {
                throw PineconeError.invalidResponse(operation: "list vector ids", detail: "the same pagination token came back twice")
            }
            token = next
        } while token != nil
        return ids
    }

    public func query(_ query: VectorQuery) async throws -> [VectorMatch] {
        try await queryMatches(query)
    }

    /// ``query(_:)`` with its error type spelled out: matches best first.
    public func queryMatches(_ query: VectorQuery) async throws(PineconeError) -> [VectorMatch] {
        struct Body: Encodable {
            var namespace: String
            var vector: [Float]
            var topK: Int
            var includeMetadata: Bool
            var includeValues = false
            var filter: JSONValue?
        }
        struct Reply: Decodable {
            struct Match: Decodable {
                var id: String
                var score: Float?
                var metadata: Metadata?
            }
            var matches: [Match]?
        }
        guard query.vector.allSatisfy(\.isFinite) else {
            throw PineconeError.invalidRecord(id: "query", reason: "the query vector has a non-finite value")
        }
        let body = try transport.encode(
            Body(
                namespace: configuration.namespace, vector: query.vector, topK: query.topK,
                includeMetadata: query.includeMetadata, filter: query.filter?.jsonValue),
            operation: "query")
        guard let response = try await dataPlaneRead(.post, path: "/query", body: body, operation: "query the index") else {
            return []
        }
        let reply = try transport.decode(Reply.self, from: response, operation: "query the index")
        return (reply.matches ?? []).map { match in
            VectorMatch(id: match.id, score: match.score ?? 0, metadata: query.includeMetadata ? match.metadata ?? [:] : nil)
        }
    }

    public func stats() async throws -> IndexStats {
        try await indexStats()
    }

    /// ``stats()`` with its error type spelled out (`describe_index_stats`).
    public func indexStats() async throws(PineconeError) -> IndexStats {
        struct Reply: Decodable {
            struct Namespace: Decodable { var vectorCount: Int? }
            var namespaces: [String: Namespace]?
            var dimension: Int?
            var totalVectorCount: Int?
            var metric: String?
        }
        let response = try await dataPlane(
            .post, path: "/describe_index_stats", body: Array("{}".utf8), operation: "describe index stats")
        let reply = try transport.decode(Reply.self, from: response, operation: "describe index stats")
        let namespaces = (reply.namespaces ?? [:]).mapValues { $0.vectorCount ?? 0 }
        return IndexStats(
            dimension: reply.dimension ?? dimension, metric: reply.metric ?? "cosine",
            totalVectorCount: reply.totalVectorCount ?? namespaces.values.reduce(0, +), namespaces: namespaces)
    }

    // MARK: - Data plane

    /// A read whose namespace may not exist yet: nil (nothing there) for a namespace 404.
    ///
    /// Pinecone creates a namespace with its first upsert; some endpoints answer 404 for one
    /// that has none yet, which for a read simply means "empty".
    private func dataPlaneRead(
        _ method: HTTPMethod, path: String, query: String? = nil, body: [UInt8]? = nil, operation: String
    ) async throws(PineconeError) -> HTTPResponse? {
        do {
            return try await dataPlane(method, path: path, query: query, body: body, operation: operation)
        } catch {
            if case .namespaceNotFound = error { return nil }
            throw error
        }
    }

    /// Sends a data-plane call; on a 404 from a described host, describes once more and retries.
    private func dataPlane(
        _ method: HTTPMethod, path: String, query: String? = nil, body: [UInt8]? = nil, operation: String
    ) async throws(PineconeError) -> HTTPResponse {
        let base = try await dataPlaneURL(refresh: false)
        do {
            return try await transport.send(
                method, baseURL: base, path: path, query: query, body: body, operation: operation, index: configuration.indexName)
        } catch {
            if case .namespaceNotFound(nil, let operation) = error {
                throw PineconeError.namespaceNotFound(namespace: configuration.namespace, operation: operation)
            }
            guard case .indexNotFound = error, configuration.dataPlaneURL == nil else { throw error }
            configuration.logger.info(
                "Pinecone data plane answered 404; describing the index again",
                metadata: [LogKey.index: "\(configuration.indexName ?? "-")"])
            let fresh = try await dataPlaneURL(refresh: true)
            return try await transport.send(
                method, baseURL: fresh, path: path, query: query, body: body, operation: operation, index: configuration.indexName)
        }
    }

    /// The data-plane base URL: the override, the cached one, or a fresh describe.
    private func dataPlaneURL(refresh: Bool) async throws(PineconeError) -> String {
        if let url = configuration.dataPlaneURL { return url }
        if !refresh, let cached = describedHost.withLock({ $0 }) { return cached }
        guard let name = configuration.indexName else { throw PineconeError.missingIndexName }
        let model = try await control.describeIndex(named: name)
        guard let host = model.host, !host.isEmpty else {
            throw PineconeError.indexNotReady(index: name, state: model.status?.state ?? "no host yet")
        }
        let url = try PineconeConfiguration.baseURL(for: host)
        describedHost.withLock { $0 = url }
        return url
    }

    // MARK: - Upsert encoding

    /// Splits records into upsert request bodies that each hold at most `maxRecords` records
    /// and `maxBytes` bytes.
    ///
    /// Each record is encoded once and the bodies are assembled from those bytes, so the
    /// budget is the real size on the wire, not an estimate.
    static func upsertBodies(
        _ records: [VectorRecord], namespace: String, maxBytes: Int, maxRecords: Int, maxMetadataBytes: Int = 40_960
    ) throws(PineconeError) -> [[UInt8]] {
        let prefix = Array("{\"namespace\":\(jsonString(namespace)),\"vectors\":[".utf8)
        let suffix = Array("]}".utf8)
        var bodies: [[UInt8]] = []
        var current = prefix
        var count = 0
        for record in records {
            let metadataSize = try metadataBytes(record.metadata, id: record.id)
            guard metadataSize <= maxMetadataBytes else {
                throw PineconeError.invalidRecord(
                    id: record.id, reason: "its metadata is \(metadataSize) bytes, more than Pinecone allows (\(maxMetadataBytes))")
            }
            let encoded = try encode(record)
            guard prefix.count + encoded.count + suffix.count <= maxBytes else {
                throw PineconeError.invalidRecord(
                    id: record.id, reason: "it encodes to \(encoded.count) bytes, more than one request may carry (\(maxBytes))")
            }
            let added = encoded.count + (count > 0 ? 1 : 0)
            if count == maxRecords || current.count + added + suffix.count > maxBytes {
                bodies.append(current + suffix)
                current = prefix
                count = 0
            }
            if count > 0 { current.append(UInt8(ascii: ",")) }
            current.append(contentsOf: encoded)
            count += 1
        }
        if count > 0 { bodies.append(current + suffix) }
        return bodies
    }

    /// The size of a record's metadata as JSON, what Pinecone's 40 KB limit counts.
    static func metadataBytes(_ metadata: Metadata, id: String) throws(PineconeError) -> Int {
        guard !metadata.isEmpty else { return 0 }
        do {
            return try JSONEncoder().encode(metadata).count
        } catch {
            throw PineconeError.invalidRecord(id: id, reason: "its metadata cannot be encoded (\(error))")
        }
    }

    /// One record as upsert JSON: `{"id":…,"values":[…],"metadata":{…}}`.
    static func encode(_ record: VectorRecord) throws(PineconeError) -> [UInt8] {
        guard (1...512).contains(record.id.utf8.count) else {
            throw PineconeError.invalidRecord(id: record.id, reason: "an id must be 1 to 512 bytes long")
        }
        guard record.values.allSatisfy(\.isFinite) else {
            throw PineconeError.invalidRecord(id: record.id, reason: "a value is not finite (NaN or infinity)")
        }
        var text = "{\"id\":\(jsonString(record.id)),\"values\":["
        text.reserveCapacity(record.values.count * 12 + 64)
        for (i, value) in record.values.enumerated() {
            if i > 0 { text += "," }
            text += value.description
        }
        text += "]"
        if !record.metadata.isEmpty {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            do {
                text += ",\"metadata\":" + String(decoding: try encoder.encode(record.metadata), as: UTF8.self)
            } catch {
                throw PineconeError.invalidRecord(id: record.id, reason: "its metadata cannot be encoded (\(error))")
            }
        }
        text += "}"
        return Array(text.utf8)
    }

    /// A JSON string literal.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// A record as fetch returns it.
struct WireVector: Decodable {
    var id: String?
    var values: [Float]?
    var metadata: Metadata?
}
