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
}
