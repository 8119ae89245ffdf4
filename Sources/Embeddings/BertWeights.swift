import CMiniLMKernels
import Foundation

/// The encoder's parameters in the layout the forward pass wants.
///
/// Query, key and value projections are fused into one `[3H × H]` matrix so each layer
/// starts with a single large GEMM. Everything except the word embedding table is copied
/// (and widened from f16/bf16) into one 64-byte-aligned arena; the f32 word table stays in
/// the file mapping, so only the rows of tokens actually seen become resident.
///
/// Immutable after `init`, shared by every worker thread.
// @unchecked Sendable: all stored properties are `let`; the pointed-to floats are
// written only inside `init`, before the value is shared, and read-only afterwards.
final class BertWeights: @unchecked Sendable {  // immutable after init, see above

    struct Layer {
        let qkvWeight: UnsafePointer<Float>  // [3H × H], rows: query, key, value outputs
        let qkvBias: UnsafePointer<Float>  // [3H]
        let outputWeight: UnsafePointer<Float>  // [H × H]
        let outputBias: UnsafePointer<Float>
        let attentionNormGamma: UnsafePointer<Float>
        let attentionNormBeta: UnsafePointer<Float>
        let intermediateWeight: UnsafePointer<Float>  // [I × H]
        let intermediateBias: UnsafePointer<Float>  // [I]
        let feedForwardWeight: UnsafePointer<Float>  // [H × I]
        let feedForwardBias: UnsafePointer<Float>
        let feedForwardNormGamma: UnsafePointer<Float>
        let feedForwardNormBeta: UnsafePointer<Float>
        /// The four matrices again in the small-row kernel's packed layout (nil if the shapes do not allow it).
        var qkvPacked: UnsafePointer<Float>? = nil
        var outputPacked: UnsafePointer<Float>? = nil
        var intermediatePacked: UnsafePointer<Float>? = nil
        var feedForwardPacked: UnsafePointer<Float>? = nil
    }

    let config: BertConfig
    let wordEmbeddings: UnsafePointer<Float>  // [V × H]
    let positionEmbeddings: UnsafePointer<Float>  // [P × H]
    let tokenTypeEmbeddings: UnsafePointer<Float>  // [T × H]; only type 0 is used
    let embeddingNormGamma: UnsafePointer<Float>
    let embeddingNormBeta: UnsafePointer<Float>
    let layers: [Layer]

    private let file: SafeTensorsFile
    private let arena: UnsafeMutablePointer<Float>
    private let packedArena: UnsafeMutablePointer<Float>

    init(file: SafeTensorsFile, config: BertConfig) throws {
        self.file = file
        self.config = config
        let h = config.hiddenSize, i = config.intermediateSize

        // Plan every tensor first (validating names and shapes), then copy.
        struct Slot { var tensors: [SafeTensorsFile.Tensor]; var offset: Int; var count: Int }
        var slots: [String: Slot] = [:]
        var arenaCount = 0
        func plan(_ key: String, _ parts: [(String, [Int])]) throws {
            let tensors = try parts.map { try file.tensor($0.0, shape: $0.1).tensor }
            let count = tensors.reduce(0) { $0 + $1.elementCount }
            slots[key] = Slot(tensors: tensors, offset: arenaCount, count: count)
            arenaCount += (count + 15) & ~15  // keep every slot 64-byte aligned
        }
        let word = try file.tensor("embeddings.word_embeddings.weight", shape: [config.vocabularySize, h]).tensor
        let mappedWords = file.float32Pointer(word)
        if mappedWords == nil { try plan("word", [("embeddings.word_embeddings.weight", [config.vocabularySize, h])]) }
        try plan("position", [("embeddings.position_embeddings.weight", [config.maxPositions, h])])
        try plan("type", [("embeddings.token_type_embeddings.weight", [config.typeVocabularySize, h])])
        try plan("norm.g", [("embeddings.LayerNorm.weight", [h])])
        try plan("norm.b", [("embeddings.LayerNorm.bias", [h])])
        for l in 0..<config.layerCount {
            let p = "encoder.layer.\(l)."
            try plan("\(l).qkv.w", ["query", "key", "value"].map { (p + "attention.self.\($0).weight", [h, h]) })
            try plan("\(l).qkv.b", ["query", "key", "value"].map { (p + "attention.self.\($0).bias", [h]) })
            try plan("\(l).o.w", [(p + "attention.output.dense.weight", [h, h])])
            try plan("\(l).o.b", [(p + "attention.output.dense.bias", [h])])
            try plan("\(l).ln1.g", [(p + "attention.output.LayerNorm.weight", [h])])
            try plan("\(l).ln1.b", [(p + "attention.output.LayerNorm.bias", [h])])
            try plan("\(l).i.w", [(p + "intermediate.dense.weight", [i, h])])
            try plan("\(l).i.b", [(p + "intermediate.dense.bias", [i])])
            try plan("\(l).f.w", [(p + "output.dense.weight", [h, i])])
            try plan("\(l).f.b", [(p + "output.dense.bias", [h])])
            try plan("\(l).ln2.g", [(p + "output.LayerNorm.weight", [h])])
            try plan("\(l).ln2.b", [(p + "output.LayerNorm.bias", [h])])
        }

        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(arenaCount, 16) * 4, alignment: 64)
        let arena = raw.bindMemory(to: Float.self, capacity: max(arenaCount, 16))
        self.arena = arena
        for slot in slots.values {
            var at = arena + slot.offset
            for tensor in slot.tensors {
                file.copy(tensor, to: at)
                at += tensor.elementCount
            }
        }
        func ptr(_ key: String) -> UnsafePointer<Float> { UnsafePointer(arena + slots[key]!.offset) }
        wordEmbeddings = mappedWords ?? ptr("word")
        positionEmbeddings = ptr("position")
        tokenTypeEmbeddings = ptr("type")
        embeddingNormGamma = ptr("norm.g")
        embeddingNormBeta = ptr("norm.b")
        // A second copy of the layer matrices, packed for queries (see minilm_pack): +42 MB for
        // MiniLM, bought for a query that streams one contiguous run of weights per thread.
        let packable = [(3 * h, h), (h, h), (i, h), (h, i)].allSatisfy { minilm_can_pack(Int32($0.0), Int32($0.1)) != 0 }
        let perLayer = packable ? 3 * h * h + h * h + 2 * i * h : 0
        let packedArena = UnsafeMutableRawPointer.allocate(byteCount: max(perLayer * config.layerCount, 16) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: max(perLayer * config.layerCount, 16))
        self.packedArena = packedArena
        layers = (0..<config.layerCount).map { l in
            var layer = Layer(
                qkvWeight: ptr("\(l).qkv.w"), qkvBias: ptr("\(l).qkv.b"),
                outputWeight: ptr("\(l).o.w"), outputBias: ptr("\(l).o.b"),
                attentionNormGamma: ptr("\(l).ln1.g"), attentionNormBeta: ptr("\(l).ln1.b"),
                intermediateWeight: ptr("\(l).i.w"), intermediateBias: ptr("\(l).i.b"),
                feedForwardWeight: ptr("\(l).f.w"), feedForwardBias: ptr("\(l).f.b"),
                feedForwardNormGamma: ptr("\(l).ln2.g"), feedForwardNormBeta: ptr("\(l).ln2.b"))
            if packable {
                var at = packedArena + l * perLayer
                func pack(_ w: UnsafePointer<Float>, _ outputs: Int, _ inputs: Int) -> UnsafePointer<Float> {
                    minilm_pack(w, Int32(outputs), Int32(inputs), at)
                    defer { at += outputs * inputs }
                    return UnsafePointer(at)
                }
                layer.qkvPacked = pack(layer.qkvWeight, 3 * h, h)
                layer.outputPacked = pack(layer.outputWeight, h, h)
                layer.intermediatePacked = pack(layer.intermediateWeight, i, h)
                layer.feedForwardPacked = pack(layer.feedForwardWeight, h, i)
            }
            return layer
        }
    }

    deinit {
        arena.deallocate()
        packedArena.deallocate()
    }
}
