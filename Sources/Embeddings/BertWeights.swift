import CMiniLMKernels
import Foundation

/// The encoder's parameters in the layout the forward pass wants.
///
/// Query, key and value projections are fused into one `[3H × H]` matrix so each layer
/// starts with a single large GEMM. Everything except the word embedding table is copied
/// (and widened from f16/bf16) into one 64-byte-aligned arena; the f32 word table stays in
/// the file mapping, so only the rows of tokens actually seen become resident.
///
/// The layer matrices are also packed for the C product kernel (see `minilm_pack`). With
/// AVX-512 that kernel outruns OpenBLAS at every row count, so the plain copies are freed
/// once packed and every product uses it; otherwise both copies stay (OpenBLAS for large
/// products, the packed kernel for a query's few rows).
///
/// Immutable after `init`, shared by every worker thread.
// @unchecked Sendable: all stored properties are `let`; the pointed-to floats are
// written only inside `init`, before the value is shared, and read-only afterwards.
final class BertWeights: @unchecked Sendable {  // immutable after init, see above

    /// One `[outputs × inputs]` weight matrix (a PyTorch Linear's), in one or both layouts.
    struct Matrix {
        let outputs: Int
        let inputs: Int
        /// Row-major as in the file, for OpenBLAS; nil when the packed copy serves every product.
        var plain: UnsafePointer<Float>?
        /// The product kernel's packed layout; nil when the shape does not pack.
        var packed: UnsafePointer<Float>?
    }

    struct Layer {
        var qkv: Matrix  // [3H × H], rows: query, key, value outputs
        let qkvBias: UnsafePointer<Float>  // [3H]
        var output: Matrix  // [H × H]
        let outputBias: UnsafePointer<Float>
        let attentionNormGamma: UnsafePointer<Float>
        let attentionNormBeta: UnsafePointer<Float>
        var intermediate: Matrix  // [I × H]
        let intermediateBias: UnsafePointer<Float>  // [I]
        var feedForward: Matrix  // [H × I]
        let feedForwardBias: UnsafePointer<Float>
        let feedForwardNormGamma: UnsafePointer<Float>
        let feedForwardNormBeta: UnsafePointer<Float>
    }

    let config: BertConfig
    let wordEmbeddings: UnsafePointer<Float>  // [V × H]
    let positionEmbeddings: UnsafePointer<Float>  // [P × H]
    let tokenTypeEmbeddings: UnsafePointer<Float>  // [T × H]; only type 0 is used
    let embeddingNormGamma: UnsafePointer<Float>
    let embeddingNormBeta: UnsafePointer<Float>
    let layers: [Layer]
    /// The product kernel level (`MINILM_KERNELS_*`) the packed matrices were laid out for.
    let kernelLevel: Int32
    /// True when every product, whatever its row count, runs on the packed kernel.
    let packedForEveryProduct: Bool

    private let file: SafeTensorsFile
    private let arena: UnsafeMutablePointer<Float>
    private let matrixArena: UnsafeMutablePointer<Float>?
    private let packedArena: UnsafeMutablePointer<Float>

    init(file: SafeTensorsFile, config: BertConfig) throws {
        self.file = file
        self.config = config
        let h = config.hiddenSize, i = config.intermediateSize

        // Plan every tensor first (validating names and shapes), then copy. The layer matrices
        // get their own arena, so it can be freed once they are packed (see the type's comment).
        struct Slot { var tensors: [SafeTensorsFile.Tensor]; var offset: Int; var isMatrix: Bool }
        var slots: [String: Slot] = [:]
        var counts = (small: 0, matrices: 0)
        func plan(_ key: String, _ parts: [(String, [Int])], matrix: Bool = false) throws {
            let tensors = try parts.map { try file.tensor($0.0, shape: $0.1).tensor }
            let count = tensors.reduce(0) { $0 + $1.elementCount }
            let aligned = (count + 15) & ~15  // keep every slot 64-byte aligned
            if matrix {
                slots[key] = Slot(tensors: tensors, offset: counts.matrices, isMatrix: true)
                counts.matrices += aligned
            } else {
                slots[key] = Slot(tensors: tensors, offset: counts.small, isMatrix: false)
                counts.small += aligned
            }
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
            try plan("\(l).qkv.w", ["query", "key", "value"].map { (p + "attention.self.\($0).weight", [h, h]) }, matrix: true)
            try plan("\(l).qkv.b", ["query", "key", "value"].map { (p + "attention.self.\($0).bias", [h]) })
            try plan("\(l).o.w", [(p + "attention.output.dense.weight", [h, h])], matrix: true)
            try plan("\(l).o.b", [(p + "attention.output.dense.bias", [h])])
            try plan("\(l).ln1.g", [(p + "attention.output.LayerNorm.weight", [h])])
            try plan("\(l).ln1.b", [(p + "attention.output.LayerNorm.bias", [h])])
            try plan("\(l).i.w", [(p + "intermediate.dense.weight", [i, h])], matrix: true)
            try plan("\(l).i.b", [(p + "intermediate.dense.bias", [i])])
            try plan("\(l).f.w", [(p + "output.dense.weight", [h, i])], matrix: true)
            try plan("\(l).f.b", [(p + "output.dense.bias", [h])])
            try plan("\(l).ln2.g", [(p + "output.LayerNorm.weight", [h])])
            try plan("\(l).ln2.b", [(p + "output.LayerNorm.bias", [h])])
        }

        func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
            UnsafeMutableRawPointer.allocate(byteCount: max(count, 16) * 4, alignment: 64).bindMemory(
                to: Float.self, capacity: max(count, 16))
        }
        let arena = allocate(counts.small)
        let matrixArena = allocate(counts.matrices)
        self.arena = arena
        for slot in slots.values {
            var at = (slot.isMatrix ? matrixArena : arena) + slot.offset
            for tensor in slot.tensors {
                file.copy(tensor, to: at)
                at += tensor.elementCount
            }
        }
        func ptr(_ key: String) -> UnsafePointer<Float> {
            let slot = slots[key]!
            return UnsafePointer((slot.isMatrix ? matrixArena : arena) + slot.offset)
        }
        wordEmbeddings = mappedWords ?? ptr("word")
        positionEmbeddings = ptr("position")
        tokenTypeEmbeddings = ptr("type")
        embeddingNormGamma = ptr("norm.g")
        embeddingNormBeta = ptr("norm.b")

        let level = Int32(minilm_kernel_level())
        kernelLevel = level
        let packable = [(3 * h, h), (h, h), (i, h), (h, i)].allSatisfy { minilm_can_pack(level, Int32($0.0), Int32($0.1)) != 0 }
        let perLayer = packable ? 3 * h * h + h * h + 2 * i * h : 0
        let packedArena = allocate(perLayer * config.layerCount)
        self.packedArena = packedArena
        var layers = (0..<config.layerCount).map { l in
            var layer = Layer(
                qkv: Matrix(outputs: 3 * h, inputs: h, plain: ptr("\(l).qkv.w")), qkvBias: ptr("\(l).qkv.b"),
                output: Matrix(outputs: h, inputs: h, plain: ptr("\(l).o.w")), outputBias: ptr("\(l).o.b"),
                attentionNormGamma: ptr("\(l).ln1.g"), attentionNormBeta: ptr("\(l).ln1.b"),
                intermediate: Matrix(outputs: i, inputs: h, plain: ptr("\(l).i.w")), intermediateBias: ptr("\(l).i.b"),
                feedForward: Matrix(outputs: h, inputs: i, plain: ptr("\(l).f.w")), feedForwardBias: ptr("\(l).f.b"),
                feedForwardNormGamma: ptr("\(l).ln2.g"), feedForwardNormBeta: ptr("\(l).ln2.b"))
            if packable {
                var at = packedArena + l * perLayer
                func pack(_ matrix: inout Matrix) {
                    minilm_pack(level, matrix.plain!, Int32(matrix.outputs), Int32(matrix.inputs), at)
                    matrix.packed = UnsafePointer(at)
                    at += matrix.outputs * matrix.inputs
                }
                pack(&layer.qkv)
                pack(&layer.output)
                pack(&layer.intermediate)
                pack(&layer.feedForward)
            }
            return layer
        }
        packedForEveryProduct = packable && level == MINILM_KERNELS_AVX512
        if packedForEveryProduct {
            for l in layers.indices {
                layers[l].qkv.plain = nil
                layers[l].output.plain = nil
                layers[l].intermediate.plain = nil
                layers[l].feedForward.plain = nil
            }
            matrixArena.deallocate()
            self.matrixArena = nil
        } else {
            self.matrixArena = matrixArena
        }
        self.layers = layers
    }

    deinit {
        arena.deallocate()
        matrixArena?.deallocate()
        packedArena.deallocate()
    }
}
