import Catalog
import Configuration
import Foundation
import LocalIndex
import Logging
import Operations
import Pinecone
import Postgres
import Sync

/// The vector index the configuration selects, with what is needed to describe and release it.
///
/// Commands (index, search, the workers) get one of these from ``makeVectorIndex(context:loadVectors:)``
/// and see only ``index``; which backend it is matters only for messages and `index create`.
struct OpenedVectorIndex: Sendable {
    enum Backend: String, Sendable, Encodable {
        case pinecone
        case local
    }

    let index: any VectorIndex
    let backend: Backend
    /// Where the vectors live, for messages: "Pinecone index catalog" or "Postgres (local index)".
    let location: String
    let namespace: String
    /// Releases connections and threads (the local index owns a pool and scan threads).
    let close: @Sendable () async -> Void
    /// How this index counts the products it holds at their latest change, given a pool
    /// on the catalog's database: one query beside the local index, a vector count on Pinecone.
    let progress: @Sendable (PostgresPool) -> any IndexProgressReading
}

/// The dimension of the local index: all-MiniLM-L6-v2's 384. (Pinecone reports its own.)
let localIndexDimension = 384

/// The Pinecone settings, or nil when `pinecone.api_key` is unset (the embedded default).
///
/// - Throws: ``PineconeError`` for a host override that is not allowed (http to a
///   non-loopback host) or not a host.
func makePineconeConfiguration(context: CommandContext) throws -> PineconeConfiguration? {
    let settings = context.settings
    guard let key = settings.string("pinecone.api_key"), !key.isEmpty else { return nil }
    var logger = Logger(label: "refarch.pinecone")
    logger.logLevel = context.logger.logLevel
    return try PineconeConfiguration(
        apiKey: key, indexName: settings.string("pinecone.index"), namespace: settings.string("pinecone.namespace") ?? "products",
        controllerHost: settings.string("pinecone.controller_host"), dataPlaneHost: settings.string("pinecone.host"),
        logger: logger)
}

/// Opens the vector index the configuration chooses: Pinecone when `pinecone.api_key` is
/// set, else the local index on the configured Postgres.
///
/// - Parameter loadVectors: for the local index, whether to load every vector into memory
///   and follow changes (needed to query; not for stats or writes).
func makeVectorIndex(context: CommandContext, loadVectors: Bool) async throws -> OpenedVectorIndex {
    let namespace = context.settings.string("pinecone.namespace") ?? "products"
    if let configuration = try makePineconeConfiguration(context: context) {
        let index = try await PineconeIndex.open(configuration: configuration)
        let location = configuration.indexName.map { "Pinecone index \($0)" } ?? "Pinecone (\(configuration.dataPlaneURL ?? "?"))"
        return OpenedVectorIndex(
            index: index, backend: .pinecone, location: location, namespace: namespace, close: {},
            progress: { pool in VectorCountProgress(pool: pool, namespace: namespace, index: { index }) })
    }
    var logger = Logger(label: "refarch.index.local")
    logger.logLevel = context.logger.logLevel
    let index = try await LocalVectorIndex.open(
        configuration: context.postgresConfiguration, dimension: localIndexDimension, namespace: namespace,
        follow: loadVectors, logger: logger)
    return OpenedVectorIndex(
        index: index, backend: .local, location: "Postgres (local index)", namespace: namespace, close: { await index.close() },
        progress: { pool in LocalIndexProgress(pool: pool) })
}

/// Runs `body` with the configured vector index and closes it afterwards, also on error.
func withVectorIndex<T>(
    context: CommandContext, loadVectors: Bool, _ body: (OpenedVectorIndex) async throws -> T
) async throws -> T {
    let opened = try await makeVectorIndex(context: context, loadVectors: loadVectors)
    let result = await Result { try await body(opened) }
    await opened.close()
    return try result.get()
}
