import Foundation

/// The shape of a BERT encoder, read from the model folder's `config.json`.
///
/// Nothing here is hard-coded for MiniLM: any BERT-family sentence model with absolute
/// positions and GELU works, and a config asking for something else is refused at load.
public struct BertConfig: Sendable, Equatable {
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var intermediateSize: Int
    public var vocabularySize: Int
    public var maxPositions: Int
    public var typeVocabularySize: Int
    /// LayerNorm epsilon (1e-12 for MiniLM; 1e-5 here would move vectors by ~4e-4).
    public var layerNormEpsilon: Float

    /// Width of one attention head.
    public var headSize: Int { hiddenSize / headCount }

    private struct Raw: Decodable {
        var hidden_size: Int
        var num_hidden_layers: Int
        var num_attention_heads: Int
        var intermediate_size: Int
        var vocab_size: Int
        var max_position_embeddings: Int
        var type_vocab_size: Int?
        var layer_norm_eps: Double?
        var hidden_act: String?
        var position_embedding_type: String?
    }

    /// Parses `config.json`; throws ``EmbeddingError/invalidModelFile(path:reason:)`` naming the problem.
    public static func load(from url: URL) throws -> BertConfig {
        let raw: Raw
        do {
            raw = try JSONDecoder().decode(Raw.self, from: Data(contentsOf: url))
        } catch {
            throw EmbeddingError.invalidModelFile(path: url.path, reason: "not a BERT config.json (\(error))")
        }
        func fail(_ reason: String) -> EmbeddingError { .invalidModelFile(path: url.path, reason: reason) }
        if let act = raw.hidden_act, act != "gelu" {
            throw fail("hidden_act \"\(act)\" is not supported (only \"gelu\", the erf form)")
        }
        if let kind = raw.position_embedding_type, kind != "absolute" {
            throw fail("position_embedding_type \"\(kind)\" is not supported (only \"absolute\")")
        }
        let sizes = [
            raw.hidden_size, raw.num_hidden_layers, raw.num_attention_heads, raw.intermediate_size,
            raw.vocab_size, raw.max_position_embeddings,
        ]
        guard sizes.allSatisfy({ $0 > 0 }), raw.hidden_size % raw.num_attention_heads == 0 else {
            throw fail("sizes must be positive and hidden_size a multiple of num_attention_heads")
        }
        return BertConfig(
            hiddenSize: raw.hidden_size, layerCount: raw.num_hidden_layers, headCount: raw.num_attention_heads,
            intermediateSize: raw.intermediate_size, vocabularySize: raw.vocab_size,
            maxPositions: raw.max_position_embeddings, typeVocabularySize: raw.type_vocab_size ?? 2,
            layerNormEpsilon: Float(raw.layer_norm_eps ?? 1e-12))
    }
}
