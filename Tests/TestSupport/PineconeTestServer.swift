import Catalog
import Foundation
import Synchronization

/// A Pinecone-compatible server on 127.0.0.1, written from Pinecone's public API reference
/// (see shared/docs/external-apis.md §1), for tests of the Pinecone client and the CLI.
///
/// Like Pinecone Local, the control plane listens on one port and every index gets a port of
/// its own for its data plane (describe returns `127.0.0.1:<port>` as the host). Indexes and
/// namespaces live in memory. It checks the `Api-Key` (401) and that an API version is sent,
/// and enforces the documented limits: ≤ 1,000 records and ≤ 2 MB per upsert, ≤ 1,000 ids per
/// fetch or delete, the index's dimension, ids of 1–512 bytes, no all-zero vector. Update by
/// id sets metadata keys (`setMetadata`) and/or replaces values. Queries
/// are exact (cosine, dot product or euclidean) with the filter language evaluated by
/// `MetadataFilter`; `list` pages in byte order with an opaque pagination token.
///
/// ``failNext(_:status:retryAfter:)`` makes it answer an error for the next requests, for
/// retry tests; ``throttle(fraction:seed:)`` answers 429 to a seeded random share of the
/// data-plane requests, for back-pressure tests. ``refusedCount`` counts the 400s it answered
/// (a request over a limit among them). Call ``stop()`` when done: its threads keep it alive
/// otherwise.
public final class PineconeTestServer: Sendable {
    /// A request as one of the servers received it.
    public struct Received: Sendable {
        /// The index whose data plane got it, or nil for the control plane.
        public let index: String?
        public let request: LoopbackHTTPServer.Request
        public var method: String { request.method }
        public var path: String { request.path }
        /// Query string parameters in order, percent-decoded.
        public var queryItems: [(name: String, value: String)] { Backend.queryItems(request.target) }
        /// The JSON body, parsed (nil when empty or not JSON).
        public var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(request.body)) }
    }

    public let apiKey: String
    private let backend: Backend
    private let control: LoopbackHTTPServer

    /// `http://127.0.0.1:<port>` of the control plane (for `PINECONE_CONTROLLER_HOST`).
    public var controllerURL: String { control.baseURL }

    /// Starts the control plane. `readyAfterDescribes`: a created index reports
    /// `ready: false` to that many describes before it becomes ready.
    public init(apiKey: String = "pk-test-0123456789abcdef", readyAfterDescribes: Int = 0) throws {
        self.apiKey = apiKey
        let backend = Backend(apiKey: apiKey, readyAfterDescribes: readyAfterDescribes)
        self.backend = backend
        control = try LoopbackHTTPServer { [weak backend] request in
            guard let backend else { return .respond(status: 503) }
            return backend.handle(request, index: nil)
        }
    }

    /// Creates an index directly (no HTTP), ready at once; returns its data-plane URL.
    @discardableResult
    public func createIndex(name: String, dimension: Int, metric: String = "cosine") throws -> String {
        try backend.create(name: name, dimension: dimension, metric: metric, cloud: "aws", region: "us-east-1", readyAfter: 0)
        guard let url = dataPlaneURL(index: name) else { throw TestSetupError("index \(name) has no server") }
        return url
    }

    /// `http://127.0.0.1:<port>` of an index's data plane (for `PINECONE_HOST`).
    public func dataPlaneURL(index: String) -> String? {
        backend.state.withLock { $0.indexes[index]?.server?.baseURL }
    }

    /// Stores records directly (no HTTP, no limits), for tests that need data in place.
    public func seed(index: String, namespace: String, _ records: [VectorRecord]) {
        backend.state.withLock { state in
            for record in records {
                state.indexes[index]?.namespaces[namespace, default: [:]][record.id] = record
            }
        }
    }

    /// The records of a namespace, by id.
    public func records(index: String, namespace: String) -> [String: VectorRecord] {
        backend.state.withLock { $0.indexes[index]?.namespaces[namespace] ?? [:] }
    }

    /// Moves an index's data plane to a new port (as a deleted and recreated index gets a new
    /// host); the old host answers 404 from now on. Returns the new data-plane URL.
    @discardableResult
    public func relocate(index name: String) throws -> String {
        let generation = UUID()
        let server = try backend.dataPlaneServer(index: name, generation: generation)
        backend.state.withLock { state in
            if let old = state.indexes[name]?.server { state.retired.append(old) }
            state.indexes[name]?.server = server
            state.indexes[name]?.generation = generation
        }
        return server.baseURL
    }

    /// The names of the indexes that exist.
    public var indexNames: [String] { backend.state.withLock { $0.indexes.keys.sorted() } }

    /// Answers the next `count` requests (to any plane) with `status`, adding
    /// `Retry-After: <seconds>` when given.
    public func failNext(_ count: Int, status: Int, retryAfter: Int? = nil) {
        backend.state.withLock { state in
            state.faults.append(contentsOf: Array(repeating: Fault(status: status, retryAfter: retryAfter), count: count))
        }
    }

    /// Answers 429 to `fraction` of the data-plane requests from now on, chosen by a
    /// generator seeded with `seed` (the n-th request's fate is the same in every run);
    /// 0 stops it.
    public func throttle(fraction: Double, seed: UInt64 = 22) {
        backend.state.withLock { state in
            state.throttleFraction = fraction
            state.throttleState = seed
        }
    }

    /// Requests answered 429 by ``throttle(fraction:seed:)``.
    public var throttledCount: Int { backend.state.withLock { $0.throttled } }

    /// Requests answered 400 (invalid, or over one of Pinecone's limits).
    public var refusedCount: Int { backend.state.withLock { $0.refused } }

    /// Every request received, in arrival order, faults included.
    public var received: [Received] { backend.state.withLock { $0.received } }

    /// Forgets the requests received so far.
    public func clearReceived() { backend.state.withLock { $0.received.removeAll() } }

    /// Stops the control plane and every index's data plane.
    public func stop() {
        control.stop()
        let servers = backend.state.withLock { state in state.indexes.values.compactMap(\.server) + state.retired }
        for server in servers { server.stop() }
    }

    deinit { stop() }

    // MARK: - Implementation

    struct Fault: Sendable {
        let status: Int
        let retryAfter: Int?
    }

    struct Index: Sendable {
        var name: String
        var dimension: Int
        var metric: String
        var cloud: String
        var region: String
        var describesUntilReady: Int
        var server: LoopbackHTTPServer?
        /// Which of the index's servers is current; a relocated index's old server answers 404.
        var generation = UUID()
        var namespaces: [String: [String: VectorRecord]] = [:]
    }

    struct State: Sendable {
        var indexes: [String: Index] = [:]
        var faults: [Fault] = []
        var received: [Received] = []
        /// Data-plane servers of relocated indexes, still answering (404) until ``stop()``.
        var retired: [LoopbackHTTPServer] = []
        var throttleFraction = 0.0
        /// SplitMix64 state of the throttling draws.
        var throttleState: UInt64 = 0
        var throttled = 0
        var refused = 0

        /// The next draw in [0, 1) (SplitMix64).
        mutating func nextDraw() -> Double {
            throttleState &+= 0x9E37_79B9_7F4A_7C15
            var z = throttleState
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
    }

    /// The shared state and the request handling of every plane.
    final class Backend: Sendable {
        let apiKey: String
        let readyAfterDescribes: Int
        let state = Mutex(State())

        static let maxUpsertRecords = 1_000
        static let maxUpsertBytes = 2 * 1024 * 1024
        static let maxIDsPerRequest = 1_000
        static let maxMetadataBytes = 40_960

        /// A record's metadata as JSON is at most 40 KB.
        static func metadataFits(_ metadata: Metadata?) -> Bool {
            guard let metadata, !metadata.isEmpty else { return true }
            return ((try? JSONEncoder().encode(metadata))?.count ?? Int.max) <= maxMetadataBytes
        }

        init(apiKey: String, readyAfterDescribes: Int) {
            self.apiKey = apiKey
            self.readyAfterDescribes = readyAfterDescribes
        }

        typealias Reply = LoopbackHTTPServer.Reply

        func create(name: String, dimension: Int, metric: String, cloud: String, region: String, readyAfter: Int) throws {
            let generation = UUID()
            let server = try dataPlaneServer(index: name, generation: generation)
            state.withLock { state in
                state.indexes[name] = Index(
                    name: name, dimension: dimension, metric: metric, cloud: cloud, region: region,
                    describesUntilReady: readyAfter, server: server, generation: generation)
            }
        }

        func dataPlaneServer(index name: String, generation: UUID) throws -> LoopbackHTTPServer {
            try LoopbackHTTPServer { [weak self] request in
                guard let self else { return .respond(status: 503) }
                let current = self.state.withLock { $0.indexes[name]?.generation == generation }
                guard current else {
                    self.state.withLock { $0.received.append(Received(index: name, request: request)) }
                    return self.dataError(404, "Index not found on this host", code: 5)
                }
                return self.handle(request, index: name)
            }
        }

        func handle(_ request: LoopbackHTTPServer.Request, index: String?) -> Reply {
            let fault = state.withLock { state -> Fault? in
                state.received.append(Received(index: index, request: request))
                if !state.faults.isEmpty { return state.faults.removeFirst() }
                if index != nil, state.throttleFraction > 0, state.nextDraw() < state.throttleFraction {
                    state.throttled += 1
                    return Fault(status: 429, retryAfter: nil)
                }
                return nil
            }
            if let fault {
                var headers: [String: String] = [:]
                if let seconds = fault.retryAfter { headers["Retry-After"] = String(seconds) }
                let message =
                    fault.status == 429
                    ? "Request failed. You've reached the max request rate for this namespace (test server)."
                    : "Service unavailable (test server)"
                return dataError(fault.status, message, headers: headers)
            }
            guard request.headers["api-key"] == apiKey else {
                // Pinecone's 401s are not always JSON: answer plain text, as the docs warn.
                return .respond(status: 401, headers: ["Content-Type": "text/plain"], body: "Invalid API Key")
            }
            guard request.headers["x-pinecone-api-version"] != nil else {
                return dataError(400, "Missing X-Pinecone-Api-Version header (test server requires it)")
            }
            let reply = index.map { handleData(request, index: $0) } ?? handleControl(request)
            if case .respond(400, _, _) = reply { state.withLock { $0.refused += 1 } }
            return reply
        }

        // MARK: Control plane

        func handleControl(_ request: LoopbackHTTPServer.Request) -> Reply {
            let parts = request.path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
            switch (request.method, parts.count) {
            case ("GET", 1) where parts[0] == "indexes":
                let models = state.withLock { $0.indexes.values.sorted { $0.name < $1.name }.map { model($0) } }
                return json(.object(["indexes": .array(models)]))
            case ("POST", 1) where parts[0] == "indexes":
                return createIndex(request)
            case ("GET", 2) where parts[0] == "indexes":
                let found = state.withLock { state -> JSONValue? in
                    guard var index = state.indexes[parts[1]] else { return nil }
                    let described = model(index)
                    if index.describesUntilReady > 0 { index.describesUntilReady -= 1 }
                    state.indexes[parts[1]] = index
                    return described
                }
                guard let found else { return controlError(404, "NOT_FOUND", "Resource \(parts[1]) not found") }
                return json(found)
            case ("DELETE", 2) where parts[0] == "indexes":
                guard let removed = state.withLock({ $0.indexes.removeValue(forKey: parts[1]) }) else {
                    return controlError(404, "NOT_FOUND", "Resource \(parts[1]) not found")
                }
                removed.server?.stop()
                return .respond(status: 202)
            default:
                return controlError(404, "NOT_FOUND", "No route \(request.method) \(request.path)")
            }
        }

        struct CreateBody: Decodable {
            struct Spec: Decodable {
                struct Serverless: Decodable { var cloud: String; var region: String }
                var serverless: Serverless?
            }
            var name: String?
            var dimension: Int?
            var metric: String?
            var spec: Spec?
        }

        func createIndex(_ request: LoopbackHTTPServer.Request) -> Reply {
            guard let body = decode(CreateBody.self, request.body) else {
                return controlError(400, "INVALID_ARGUMENT", "Body must be a JSON object with name, dimension, metric and spec")
            }
            guard let name = body.name, Self.validName(name) else {
                return controlError(400, "INVALID_ARGUMENT", "Name must be 1-45 characters of a-z, 0-9 and '-', alphanumeric at both ends")
            }
            guard let dimension = body.dimension, (1...20_000).contains(dimension) else {
                return controlError(400, "INVALID_ARGUMENT", "Dimension must be 1 to 20000")
            }
            let metric = body.metric ?? "cosine"
            guard ["cosine", "euclidean", "dotproduct"].contains(metric) else {
                return controlError(400, "INVALID_ARGUMENT", "Metric must be cosine, euclidean or dotproduct")
            }
            guard let serverless = body.spec?.serverless else {
                return controlError(400, "INVALID_ARGUMENT", "spec.serverless.cloud and spec.serverless.region are required")
            }
            guard ["aws", "gcp", "azure"].contains(serverless.cloud) else {
                return controlError(404, "NOT_FOUND", "Cloud \(serverless.cloud) not found")
            }
            if state.withLock({ $0.indexes[name] != nil }) {
                return controlError(409, "ALREADY_EXISTS", "Resource \(name) already exists")
            }
            do {
                try create(
                    name: name, dimension: dimension, metric: metric, cloud: serverless.cloud, region: serverless.region,
                    readyAfter: readyAfterDescribes)
            } catch {
                return controlError(500, "INTERNAL", "Cannot start the index server")
            }
            let described = state.withLock { state in state.indexes[name].map { model($0) } }
            return json(described ?? .object([:]), status: 201)
        }

        static func validName(_ name: String) -> Bool {
            let allowed = name.utf8.allSatisfy {
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || $0 == UInt8(ascii: "-")
            }
            return (1...45).contains(name.utf8.count) && allowed && name.first != "-" && name.last != "-"
        }

        func model(_ index: Index) -> JSONValue {
            let ready = index.describesUntilReady == 0
            return .object([
                "name": .string(index.name), "dimension": .number(Double(index.dimension)), "metric": .string(index.metric),
                "host": .string("127.0.0.1:\(index.server?.port ?? 0)"), "deletion_protection": .string("disabled"),
                "tags": .object([:]), "vector_type": .string("dense"),
                "spec": .object(["serverless": .object(["cloud": .string(index.cloud), "region": .string(index.region)])]),
                "status": .object(["ready": .bool(ready), "state": .string(ready ? "Ready" : "Initializing")]),
            ])
        }

        // MARK: Data plane

        func handleData(_ request: LoopbackHTTPServer.Request, index name: String) -> Reply {
            guard state.withLock({ $0.indexes[name] != nil }) else { return dataError(404, "Index \(name) not found", code: 5) }
            switch (request.method, request.path) {
            case ("POST", "/vectors/upsert"): return upsert(request, index: name)
            case ("POST", "/query"): return query(request, index: name)
            case ("GET", "/vectors/fetch"): return fetch(request, index: name)
            case ("POST", "/vectors/delete"): return delete(request, index: name)
            case ("POST", "/vectors/update"): return update(request, index: name)
            case ("GET", "/vectors/list"): return list(request, index: name)
            case ("POST", "/describe_index_stats"): return stats(request, index: name)
            default: return dataError(404, "No route \(request.method) \(request.path)", code: 5)
            }
        }

        struct UpsertBody: Decodable {
            struct Vector: Decodable {
                var id: String
                var values: [Float]
                var metadata: Metadata?
            }
            var namespace: String?
            var vectors: [Vector]
        }

        func upsert(_ request: LoopbackHTTPServer.Request, index name: String) -> Reply {
            guard request.body.count <= Self.maxUpsertBytes else {
                return dataError(400, "Request size \(request.body.count) bytes exceeds the maximum of \(Self.maxUpsertBytes) bytes")
            }
            guard let body = decode(UpsertBody.self, request.body) else {
                return dataError(
                    400,
                    "Body must be {namespace, vectors: [{id, values, metadata}]}; metadata values are strings, numbers, booleans or lists of strings"
                )
            }
            guard (1...Self.maxUpsertRecords).contains(body.vectors.count) else {
                return dataError(400, "Upsert takes 1 to \(Self.maxUpsertRecords) vectors, got \(body.vectors.count)")
            }
            let namespace = body.namespace ?? "__default__"
            guard let dimension = state.withLock({ $0.indexes[name]?.dimension }) else { return dataError(404, "Index not found", code: 5) }
            for vector in body.vectors {
                guard (1...512).contains(vector.id.utf8.count) else { return dataError(400, "Vector id must be 1 to 512 bytes") }
                guard Self.metadataFits(vector.metadata) else {
                    return dataError(400, "Metadata size exceeds the limit of \(Self.maxMetadataBytes) bytes per vector (\(vector.id))")
                }
                guard vector.values.count == dimension else {
                    return dataError(400, "Vector dimension \(vector.values.count) does not match the dimension of the index \(dimension)")
                }
                guard vector.values.contains(where: { $0 != 0 }) else {
                    return dataError(400, "Dense vectors must contain at least one non-zero value (vector \(vector.id))")
                }
            }
            state.withLock { state in
                for vector in body.vectors {
                    state.indexes[name]?.namespaces[namespace, default: [:]][vector.id] =
                        VectorRecord(id: vector.id, values: vector.values, metadata: vector.metadata ?? [:])
                }
            }
            return json(.object(["upsertedCount": .number(Double(body.vectors.count))]))
        }

        struct UpdateBody: Decodable {
            var id: String?
            var values: [Float]?
            var setMetadata: Metadata?
            var namespace: String?
        }

        /// Update by id: `values` replace the vector, `setMetadata` keys are set and the other
        /// keys kept; an id that does not exist changes nothing and still answers 200.
        func update(_ request: LoopbackHTTPServer.Request, index name: String) -> Reply {
            guard let body = decode(UpdateBody.self, request.body) else {
                return dataError(
                    400,
                    "Body must be {id, values?, setMetadata?, namespace}; metadata values are strings, numbers, booleans or lists of strings"
                )
            }
            guard let id = body.id, (1...512).contains(id.utf8.count) else { return dataError(400, "id is a required field") }
            guard body.values != nil || body.setMetadata != nil else { return dataError(400, "Provide values or setMetadata to update") }
            guard Self.metadataFits(body.setMetadata) else {
                return dataError(400, "Metadata size exceeds the limit of \(Self.maxMetadataBytes) bytes per vector (\(id))")
            }
            let namespace = body.namespace ?? "__default__"
            guard let dimension = state.withLock({ $0.indexes[name]?.dimension }) else { return dataError(404, "Index not found", code: 5) }
            if let values = body.values, values.count != dimension || !values.contains(where: { $0 != 0 }) {
                return dataError(
                    400, "Vector dimension \(values.count) does not match the dimension of the index \(dimension), or it is all zeros")
            }
            state.withLock { state in
                guard var record = state.indexes[name]?.namespaces[namespace]?[id] else { return }
                if let values = body.values { record.values = values }
                record.metadata.merge(body.setMetadata ?? [:]) { _, new in new }
                state.indexes[name]?.namespaces[namespace]?[id] = record
            }
            return json(.object([:]))
        }

        struct QueryBody: Decodable {
            var namespace: String?
            var vector: [Float]?
            var id: String?
            var topK: Int?
            var includeMetadata: Bool?
            var includeValues: Bool?
            var filter: JSONValue?
        }

        func query(_ request: LoopbackHTTPServer.Request, index name: String) -> Reply {
            guard let body = decode(QueryBody.self, request.body) else { return dataError(400, "Body must be a JSON query object") }
            guard let topK = body.topK, (1...10_000).contains(topK) else {
                return dataError(400, "topK must be between 1 and 10000")
            }
            let namespace = body.namespace ?? "__default__"
            let (index, stored) = state.withLock { ($0.indexes[name]!, $0.indexes[name]?.namespaces[namespace] ?? [:]) }
            let vector: [Float]
            if let values = body.vector {
                vector = values
            } else if let id = body.id, let record = stored[id] {
                vector = record.values
            } else {
                return dataError(400, "Provide vector or the id of a stored vector")
            }
            guard vector.count == index.dimension else {
                return dataError(400, "Query vector dimension \(vector.count) does not match the dimension of the index \(index.dimension)")
            }
            var filter: MetadataFilter?
            if let raw = body.filter, raw != .null {
                do {
                    filter = try MetadataFilter(raw)
                } catch {
                    return dataError(400, "Invalid filter: \(error)")
                }
            }
            var scored: [(id: String, score: Double)] = []
            for record in stored.values where filter?.matches(record.metadata) ?? true {
                scored.append((record.id, Self.score(vector, record.values, metric: index.metric)))
            }
            let ascending = index.metric == "euclidean"
            scored.sort { a, b in
                a.score != b.score ? (ascending ? a.score < b.score : a.score > b.score) : Self.bytesBefore(a.id, b.id)
            }
            let matches: [JSONValue] = scored.prefix(topK).map { hit in
                var match: [String: JSONValue] = ["id": .string(hit.id), "score": .number(hit.score)]
                if body.includeMetadata ?? false { match["metadata"] = Self.metadataJSON(stored[hit.id]!.metadata) }
                if body.includeValues ?? false { match["values"] = .array(stored[hit.id]!.values.map { .number(Double($0)) }) }
                return .object(match)
            }
            return json(
                .object([
                    "matches": .array(matches), "namespace": .string(namespace),
                    "usage": .object(["readUnits": .number(Double(1 + stored.count / 1000))]),
                ]))
        }

        func fetch(_ request: LoopbackHTTPServer.Request, index name: String) -> Reply {
            let items = Self.queryItems(request.target)
            let ids = items.filter { $0.name == "ids" }.map(\.value)
            guard !ids.isEmpty else { return dataError(400, "At least one id is required") }
            guard ids.count <= Self.maxIDsPerRequest else {
                return dataError(400, "Fetch takes at most \(Self.maxIDsPerRequest) ids, got \(ids.count)")
            }
            let namespace = items.first { $0.name == "namespace" }?.value ?? "__default__"
            let stored = state.withLock { $0.indexes[name]?.namespaces[namespace] ?? [:] }
            var vectors: [String: JSONValue] = [:]
            for id in ids {
                guard let record = stored[id] else { continue }
                var entry: [String: JSONValue] = ["id": .string(id), "values": .array(record.values.map { .number(Double($0)) })]
                if !record.metadata.isEmpty { entry["metadata"] = Self.metadataJSON(record.metadata) }
                vectors[id] = .object(entry)
            }
            return json(
                .object([
                    "vectors": .object(vectors), "namespace": .string(namespace), "usage": .object(["readUnits": .number(1)]),
                ]))
        }

        struct DeleteBody: Decodable {
            var namespace: String?
            var ids: [String]?
            var deleteAll: Bool?
            var filter: JSONValue?
        }

        func delete(_ request: LoopbackHTTPServer.Request, index name: String) -> Reply {
            guard let body = decode(DeleteBody.self, request.body) else { return dataError(400, "Body must be a JSON object") }
            let namespace = body.namespace ?? "__default__"
            let deleteAll = body.deleteAll ?? false
            let given = [body.ids != nil, deleteAll, body.filter != nil].filter { $0 }.count
            guard given == 1 else { return dataError(400, "Exactly one of ids, deleteAll and filter is required") }
            if let ids = body.ids {
                guard (1...Self.maxIDsPerRequest).contains(ids.count) else {
                    return dataError(400, "Delete takes 1 to \(Self.maxIDsPerRequest) ids, got \(ids.count)")
                }
                state.withLock { state in for id in ids { state.indexes[name]?.namespaces[namespace]?.removeValue(forKey: id) } }
            } else if deleteAll {
                state.withLock { $0.indexes[name]?.namespaces[namespace] = [:] }
            } else {
                let filter: MetadataFilter
                do {
                    filter = try MetadataFilter(body.filter!)
                } catch {
                    return dataError(400, "Invalid filter: \(error)")
                }
                state.withLock { state in
                    let kept = state.indexes[name]?.namespaces[namespace]?.filter { !filter.matches($0.value.metadata) }
                    state.indexes[name]?.namespaces[namespace] = kept
                }
            }
            return json(.object([:]))
        }

        func list(_ request: LoopbackHTTPServer.Request, index name: String) -> Reply {
            let items = Self.queryItems(request.target)
            func value(_ key: String) -> String? { items.first { $0.name == key }?.value }
            let namespace = value("namespace") ?? "__default__"
            let prefix = Array((value("prefix") ?? "").utf8)
            let limit: Int
            if let text = value("limit") {
                guard let n = Int(text), (1...1_000).contains(n) else { return dataError(400, "limit must be between 1 and 1000") }
                limit = n
            } else {
                limit = 100
            }
            var after: String?
            if let token = value("paginationToken") {
                guard let data = Data(base64Encoded: token), let last = String(data: data, encoding: .utf8) else {
                    return dataError(400, "Invalid pagination token")
                }
                after = last
            }
            let ids = state.withLock { $0.indexes[name]?.namespaces[namespace].map { Array($0.keys) } ?? [] }
                .filter { Array($0.utf8).starts(with: prefix) }
                .filter { id in after.map { Self.bytesBefore($0, id) } ?? true }
                .sorted(by: Self.bytesBefore)
            let page = Array(ids.prefix(limit))
            var reply: [String: JSONValue] = [
                "vectors": .array(page.map { .object(["id": .string($0)]) }), "namespace": .string(namespace),
                "usage": .object(["readUnits": .number(1)]),
            ]
            if ids.count > limit, let last = page.last {
                reply["pagination"] = .object(["next": .string(Data(last.utf8).base64EncodedString())])
            }
            return json(.object(reply))
        }

        func stats(_ request: LoopbackHTTPServer.Request, index name: String) -> Reply {
            if case .object(let body)? = decode(JSONValue.self, request.body), body["filter"] != nil {
                return dataError(400, "describe_index_stats does not support filter on serverless indexes")
            }
            let index = state.withLock { $0.indexes[name]! }
            let counts = index.namespaces.filter { !$0.value.isEmpty }.mapValues { $0.count }
            return json(
                .object([
                    "namespaces": .object(counts.mapValues { .object(["vectorCount": .number(Double($0))]) }),
                    "dimension": .number(Double(index.dimension)), "indexFullness": .number(0),
                    "totalVectorCount": .number(Double(counts.values.reduce(0, +))), "metric": .string(index.metric),
                    "vectorType": .string("dense"),
                ]))
        }

        // MARK: Helpers

        static func score(_ a: [Float], _ b: [Float], metric: String) -> Double {
            var dot = 0.0, na = 0.0, nb = 0.0, dist = 0.0
            for i in 0..<min(a.count, b.count) {
                let x = Double(a[i]), y = Double(b[i])
                dot += x * y
                na += x * x
                nb += y * y
                dist += (x - y) * (x - y)
            }
            switch metric {
            case "dotproduct": return dot
            case "euclidean": return dist
            default: return na > 0 && nb > 0 ? dot / (na.squareRoot() * nb.squareRoot()) : 0
            }
        }

        /// Byte ("C") order, as Pinecone lists ids.
        static func bytesBefore(_ a: String, _ b: String) -> Bool {
            a.utf8.lexicographicallyPrecedes(b.utf8)
        }

        static func metadataJSON(_ metadata: Metadata) -> JSONValue {
            .object(
                metadata.mapValues { value -> JSONValue in
                    switch value {
                    case .string(let s): return .string(s)
                    case .number(let n): return .number(n)
                    case .bool(let b): return .bool(b)
                    case .strings(let list): return .array(list.map { .string($0) })
                    }
                })
        }

        static func queryItems(_ target: String) -> [(name: String, value: String)] {
            guard let q = target.firstIndex(of: "?") else { return [] }
            return target[target.index(after: q)...].split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
                let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
                return (name, value)
            }
        }

        func decode<T: Decodable>(_ type: T.Type, _ body: [UInt8]) -> T? {
            try? JSONDecoder().decode(T.self, from: Data(body.isEmpty ? Array("{}".utf8) : body))
        }

        func json(_ value: JSONValue, status: Int = 200) -> Reply {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
            return .json(String(decoding: data, as: UTF8.self), status: status)
        }

        /// The data plane's error shape: `{"code": <gRPC code>, "message": …, "details": []}`.
        func dataError(_ status: Int, _ message: String, code: Int? = nil, headers: [String: String] = [:]) -> Reply {
            let grpc = code ?? [400: 3, 401: 16, 403: 7, 404: 5, 408: 4, 409: 6, 429: 8, 500: 13, 503: 14][status] ?? 2
            return json(.object(["code": .number(Double(grpc)), "message": .string(message), "details": .array([])]), status: status)
                .adding(headers)
        }

        /// The control plane's error shape: `{"status": …, "error": {"code": …, "message": …}}`.
        func controlError(_ status: Int, _ code: String, _ message: String) -> Reply {
            json(
                .object(["status": .number(Double(status)), "error": .object(["code": .string(code), "message": .string(message)])]),
                status: status)
        }
    }
}

extension LoopbackHTTPServer.Reply {
    fileprivate func adding(_ extra: [String: String]) -> LoopbackHTTPServer.Reply {
        guard !extra.isEmpty, case .respond(let status, let headers, let body) = self else { return self }
        return .respond(status: status, headers: headers.merging(extra) { _, new in new }, body: body)
    }
}
