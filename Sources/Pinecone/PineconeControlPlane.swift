import Foundation
import HTTP

/// An index as the control plane describes it (`IndexModel`).
///
/// Fields other than `name` are optional because the API version decides which appear
/// (a document index of `2026-07` has no dimension or metric); callers check what they need.
public struct PineconeIndexModel: Sendable, Hashable, Codable {
    /// Readiness: write only after `ready` is true. `state` is Initializing … Ready,
    /// Terminating or Disabled.
    public struct Status: Sendable, Hashable, Codable {
        public var ready: Bool
        public var state: String
    }

    /// Where the index runs; only serverless indexes are created here.
    public struct Spec: Sendable, Hashable, Codable {
        public struct Serverless: Sendable, Hashable, Codable {
            public var cloud: String
            public var region: String
        }
        public var serverless: Serverless?
    }

    public var name: String
    /// Vector dimension (1–20,000).
    public var dimension: Int?
    /// `cosine`, `euclidean` or `dotproduct`.
    public var metric: String?
    /// The data-plane host, bare (`idx-abc.svc.aped-1234.pinecone.io`).
    public var host: String?
    public var deletionProtection: String?
    public var spec: Spec?
    public var status: Status?

    enum CodingKeys: String, CodingKey {
        case name, dimension, metric, host, spec, status
        case deletionProtection = "deletion_protection"
    }

    /// True once Pinecone accepts writes (`status.ready`).
    public var isReady: Bool { status?.ready ?? false }
}

/// The shape of a serverless index to create.
public struct PineconeIndexSpec: Sendable, Hashable {
    public var name: String
    public var dimension: Int
    public var metric: String
    public var cloud: String
    public var region: String

    /// The project's defaults: 384 dimensions (all-MiniLM-L6-v2), cosine, AWS us-east-1
    /// (the only region of the Starter plan).
    public init(name: String, dimension: Int = 384, metric: String = "cosine", cloud: String = "aws", region: String = "us-east-1") {
        self.name = name
        self.dimension = dimension
        self.metric = metric
        self.cloud = cloud
        self.region = region
    }
}

/// What ``PineconeControlPlane/createIndex(_:)`` found.
public enum PineconeIndexCreation: Sendable, Hashable {
    /// A new index (201); it may not be ready yet.
    case created(PineconeIndexModel)
    /// The name was taken (409); the model is the existing index, which may differ in shape.
    case alreadyExisted(PineconeIndexModel)

    /// The index as described, whichever way it came about.
    public var model: PineconeIndexModel {
        switch self {
        case .created(let m), .alreadyExisted(let m): m
        }
    }
}

/// Pinecone's control plane: list, describe and create indexes.
///
/// Suspends while waiting on the network; never blocks a cooperative thread.
public struct PineconeControlPlane: Sendable {
    public let configuration: PineconeConfiguration
    let transport: PineconeTransport

    public init(configuration: PineconeConfiguration) {
        self.configuration = configuration
        self.transport = PineconeTransport(configuration: configuration)
    }

    /// Every index of the project.
    public func listIndexes() async throws(PineconeError) -> [PineconeIndexModel] {
        struct List: Decodable { var indexes: [PineconeIndexModel]? }
        let operation = "list indexes"
        let response = try await transport.send(
            .get, baseURL: configuration.controllerURL, path: "/indexes", operation: operation, index: nil)
        return try transport.decode(List.self, from: response, operation: operation).indexes ?? []
    }

    /// Describes one index (its host, shape and readiness). Throws `indexNotFound` on 404.
    public func describeIndex(named name: String) async throws(PineconeError) -> PineconeIndexModel {
        let operation = "describe the index"
        let response = try await transport.send(
            .get, baseURL: configuration.controllerURL, path: "/indexes/" + PineconeTransport.percentEncode(name),
            operation: operation, index: name)
        return try transport.decode(PineconeIndexModel.self, from: response, operation: operation)
    }

    /// Creates a serverless index; an existing one of that name (409) is not an error, so
    /// running `index create` twice is harmless. Does not wait for readiness.
    public func createIndex(_ spec: PineconeIndexSpec) async throws(PineconeError) -> PineconeIndexCreation {
        struct Body: Encodable {
            struct Spec: Encodable { var serverless: PineconeIndexModel.Spec.Serverless }
            var name: String
            var dimension: Int
            var metric: String
            var spec: Spec
            var deletion_protection = "disabled"
            var tags: [String: String] = ["app": "refarch-tui"]
        }
        let operation = "create the index"
        let body = try transport.encode(
            Body(
                name: spec.name, dimension: spec.dimension, metric: spec.metric,
                spec: .init(serverless: .init(cloud: spec.cloud, region: spec.region))),
            operation: operation)
        let response = try await transport.send(
            .post, baseURL: configuration.controllerURL, path: "/indexes", body: body, operation: operation, index: spec.name,
            accepting: [409])
        if response.status == 409 {
            return .alreadyExisted(try await describeIndex(named: spec.name))
        }
        return .created(try transport.decode(PineconeIndexModel.self, from: response, operation: operation))
    }

    /// Makes sure the index exists with this shape and is ready: creates it when missing (a
    /// 409 counts as existing), then waits for readiness.
    ///
    /// - Returns: the ready index, and whether this call created it.
    /// - Throws: ``PineconeError/indexShapeMismatch(index:expected:found:)`` when an index of
    ///   that name exists with another dimension or metric (writing to it would fail later).
    public func ensureIndex(
        _ spec: PineconeIndexSpec, timeout: Duration = .seconds(300), pollInterval: Duration = .seconds(2)
    ) async throws(PineconeError) -> (model: PineconeIndexModel, created: Bool) {
        let creation = try await createIndex(spec)
        if case .alreadyExisted(let existing) = creation {
            let found = "\(existing.dimension.map(String.init) ?? "?") dimensions, \(existing.metric ?? "?")"
            if existing.dimension != spec.dimension || (existing.metric.map { $0 != spec.metric } ?? false) {
                throw PineconeError.indexShapeMismatch(
                    index: spec.name, expected: "\(spec.dimension) dimensions, \(spec.metric)", found: found)
            }
        }
        let model =
            creation.model.isReady
            ? creation.model : try await waitUntilReady(named: spec.name, timeout: timeout, pollInterval: pollInterval)
        if case .created = creation { return (model, true) }
        return (model, false)
    }

    /// Describes the index until it is ready, waiting `pollInterval` in between (through the
    /// retry policy's sleep, so tests do not wait), at most `timeout` in all.
    public func waitUntilReady(
        named name: String, timeout: Duration = .seconds(300), pollInterval: Duration = .seconds(2)
    ) async throws(PineconeError) -> PineconeIndexModel {
        var waited = Duration.zero
        while true {
            let model = try await describeIndex(named: name)
            if model.isReady { return model }
            guard waited < timeout else {
                throw PineconeError.indexNotReady(index: name, state: model.status?.state ?? "unknown")
            }
            do {
                try await configuration.retry.sleep(pollInterval)
            } catch {
                throw PineconeError.indexNotReady(index: name, state: model.status?.state ?? "unknown")
            }
            waited += pollInterval
        }
    }
}
