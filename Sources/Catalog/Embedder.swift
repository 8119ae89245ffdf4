/// Turns texts into unit-length vectors for semantic search.
///
/// The seam between the pipeline/search and the model: `MiniLMEmbedder` in `Embeddings`
/// is the real one; tests use `FixedEmbedder` from TestSupport. Implementations must be
/// safe to call from several tasks at once and must not block the caller's thread.
public protocol Embedder: Sendable {
    /// Length of every vector this embedder returns.
    var dimension: Int { get }

    /// Embeds each text (one vector per text, in order). Texts longer than the model's
    /// window are truncated; use the chunking API where every part must count.
    func embed(_ texts: [String]) async throws -> [[Float]]

    /// Which model's vectors these are, for caches that may see several embedders (search's
    /// query cache). The default names the type and dimension.
    var modelID: String { get }
}

extension Embedder {
    public var modelID: String { "\(String(reflecting: type(of: self)))/\(dimension)" }
}

/// A text to embed in windows: `body` is split to fit the model, and `prefix` (the product
/// name) goes in front of every window, so each chunk still says what the product is.
public struct EmbeddingDocument: Sendable, Hashable {
    public var prefix: String
    public var body: String

    public init(prefix: String, body: String) {
        self.prefix = prefix
        self.body = body
    }
}

/// An embedder that splits long texts into windows that each fit the model.
public protocol ChunkingEmbedder: Embedder {
    /// One vector per window of each document (at least one, at most `maxChunks`), in order.
    func embedDocuments(_ documents: [EmbeddingDocument], maxChunks: Int) async throws -> [[[Float]]]

    /// The word pieces embedding each document would feed the model: every window with its
    /// prefix and markers, at most `maxChunks` windows. Emu bounds its batches by their sum,
    /// so one very long text is embedded on its own instead of holding up a batch. The
    /// default estimates a piece per four bytes of text and 256-piece windows.
    func wordPieceCounts(_ documents: [EmbeddingDocument], maxChunks: Int) -> [Int]
}

extension ChunkingEmbedder {
    public func wordPieceCounts(_ documents: [EmbeddingDocument], maxChunks: Int) -> [Int] {
        documents.map { document in
            min((document.prefix.utf8.count + document.body.utf8.count) / 4 + 2, max(1, maxChunks) * 256)
        }
    }
}
