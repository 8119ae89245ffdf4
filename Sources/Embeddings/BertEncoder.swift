import CMiniLMKernels
import COpenBLAS
import Foundation

/// Scratch memory for one thread's forward passes, grown on demand and reused.
///
/// Owned by exactly one worker thread (never shared), so the forward pass allocates
/// nothing per token or per layer once it has seen its largest batch.
final class EncoderWorkspace {
    private(set) var tokenCapacity = 0
    private(set) var lengthCapacity = 0
    private var buffers: [UnsafeMutablePointer<Float>] = []

    var hidden: UnsafeMutablePointer<Float> { buffers[0] }  // [T × H]
    var qkv: UnsafeMutablePointer<Float> { buffers[1] }  // [T × 3H]
    var context: UnsafeMutablePointer<Float> { buffers[2] }  // [T × H]
    var projected: UnsafeMutablePointer<Float> { buffers[3] }  // [T × H]
    var intermediate: UnsafeMutablePointer<Float> { buffers[4] }  // [T × I]
    var scores: UnsafeMutablePointer<Float> { buffers[5] }  // [L × Lpad]
    var keysT: UnsafeMutablePointer<Float> { buffers[6] }  // [dh × Lpad]

    /// Time spent in each phase by this thread, for the benchmark's breakdown (a few clock reads per layer).
    var profile = EncoderProfile()

    func reserve(tokens: Int, longest: Int, config: BertConfig) {
        guard tokens > tokenCapacity || longest > lengthCapacity else { return }
        release()
        tokenCapacity = max(tokens, tokenCapacity, 64)
        lengthCapacity = max(longest, lengthCapacity, 64)
        let h = config.hiddenSize, t = tokenCapacity
        let padded = (lengthCapacity + 7) & ~7
        let counts = [
            t * h, t * 3 * h, t * h, t * h, t * config.intermediateSize,
            lengthCapacity * padded, config.headSize * padded,
        ]
        buffers = counts.map {
            UnsafeMutableRawPointer.allocate(byteCount: $0 * 4, alignment: 64).bindMemory(to: Float.self, capacity: $0)
        }
    }

    private func release() {
        for buffer in buffers { buffer.deallocate() }
        buffers = []
    }

    deinit { release() }
}

/// The BERT forward pass over a packed batch: all sequences concatenated, no padding.
///
/// Why packed: the dense layers (QKV, attention output, the two feed-forward matrices) do
/// not care where one sequence ends, so they run as single GEMMs over every token of the
/// batch, with no work spent on padding; only attention and pooling look at boundaries.
/// Runs synchronously on the calling thread (a worker thread, never the cooperative pool).
struct BertEncoder: Sendable {
    let weights: BertWeights

    /// Sequences longer than this use OpenBLAS for attention; shorter ones a register kernel.
    static let gemmAttentionThreshold = 64
    /// Products with at most this many rows skip OpenBLAS (whose packing of the weights
    /// dominates at a few rows) for a kernel that streams each weight row once; with a
    /// `team` (a small job split over threads) that kernel is used at any row count.
    static let smallProductRows = 32

    /// Encodes `lengths.count` sequences whose ids (with `[CLS]`/`[SEP]`) are concatenated in
    /// `ids`, writing one L2-normalised mean-pooled vector per sequence into `output`.
    /// With a `team`, small products are split over its threads.
    func encode(
        ids: UnsafeBufferPointer<Int32>, lengths: UnsafeBufferPointer<Int>, workspace: EncoderWorkspace,
        output: UnsafeMutablePointer<Float>, team: SpinTeam? = nil
    ) {
        let config = weights.config
        let h = config.hiddenSize
        let total = ids.count
        let longest = lengths.max() ?? 0
        workspace.reserve(tokens: total, longest: longest, config: config)
        let x = workspace.hidden
        var clock = PhaseClock()
        defer { workspace.profile.tokens += total }

        // Embeddings: word + position + token type 0, then LayerNorm.
        var t = 0
        for length in lengths {
            for position in 0..<length {
                let row = x + (t + position) * h
                let word = weights.wordEmbeddings + Int(ids[t + position]) * h
                let pos = weights.positionEmbeddings + position * h
                let type = weights.tokenTypeEmbeddings
                // (word + type) + position, in PyTorch's order, so rounding matches too.
                for c in 0..<h { row[c] = (word[c] + type[c]) + pos[c] }
            }
            t += length
        }
        minilm_add_layer_norm(
            x, nil, nil, Int32(total), Int32(h), weights.embeddingNormGamma, weights.embeddingNormBeta,
            config.layerNormEpsilon)
        clock.lap(&workspace.profile.embeddings)

        for layer in weights.layers {
            // Q, K and V for every token in one GEMM.
            gemm(
                x, layer.qkv, workspace.qkv, rows: total, epilogue: .bias(layer.qkvBias), team: team, workspace: workspace,
                clock: &clock)
            attention(lengths: lengths, workspace: workspace)
            clock.lap(&workspace.profile.attention)
            gemm(
                workspace.context, layer.output, workspace.projected, rows: total, team: team, workspace: workspace,
                clock: &clock)
            minilm_add_layer_norm(
                x, workspace.projected, layer.outputBias, Int32(total), Int32(h), layer.attentionNormGamma,
                layer.attentionNormBeta, config.layerNormEpsilon)
            clock.lap(&workspace.profile.elementwise)
            gemm(
                x, layer.intermediate, workspace.intermediate, rows: total, streaming: true,
                epilogue: .biasGELU(layer.intermediateBias), team: team, workspace: workspace, clock: &clock)
            gemm(
                workspace.intermediate, layer.feedForward, workspace.projected, rows: total, streaming: true, team: team,
                workspace: workspace, clock: &clock)
            minilm_add_layer_norm(
                x, workspace.projected, layer.feedForwardBias, Int32(total), Int32(h), layer.feedForwardNormGamma,
                layer.feedForwardNormBeta, config.layerNormEpsilon)
            clock.lap(&workspace.profile.elementwise)
        }

        // Mean over each sequence's tokens (no padding exists to mask), then L2 normalisation.
        t = 0
        for (index, length) in lengths.enumerated() {
            let out = output + index * h
            for c in 0..<h { out[c] = 0 }
            for position in 0..<length {
                let row = x + (t + position) * h
                for c in 0..<h { out[c] += row[c] }
            }
            var norm: Float = 0
            let inv = 1 / Float(max(length, 1))
            for c in 0..<h {
                out[c] *= inv
                norm += out[c] * out[c]
            }
            let scale = 1 / max(norm.squareRoot(), 1e-12)
            for c in 0..<h { out[c] *= scale }
            t += length
        }
        clock.lap(&workspace.profile.pooling)
    }

    /// What a product does to its outputs after the sum (see `MINILM_EPILOGUE_*`).
    enum Epilogue {
        case none
        case bias(UnsafePointer<Float>)
        case biasGELU(UnsafePointer<Float>)
    }

    /// `c[rows × outputs] = epilogue(a[rows × inputs] · w[outputs × inputs]ᵀ)`: a PyTorch Linear,
    /// with its bias (and the GELU after it) fused into the packed kernel when that runs the product.
    /// Laps the clock into `gemm`, and into `elementwise` for an epilogue run as its own pass.
    private func gemm(
        _ a: UnsafePointer<Float>, _ w: BertWeights.Matrix, _ c: UnsafeMutablePointer<Float>, rows: Int, streaming: Bool = false,
        epilogue: Epilogue = .none, team: SpinTeam?, workspace: EncoderWorkspace, clock: inout PhaseClock
    ) {
        let (bias, kind): (UnsafePointer<Float>?, Int32) =
            switch epilogue {
            case .none: (nil, Int32(MINILM_EPILOGUE_NONE))
            case .bias(let bias): (bias, Int32(MINILM_EPILOGUE_BIAS))
            case .biasGELU(let bias): (bias, Int32(MINILM_EPILOGUE_BIAS_GELU))
            }
        let outputs = w.outputs, inputs = w.inputs
        if let packed = w.packed, weights.packedForEveryProduct || team != nil || rows <= Self.smallProductRows {
            let level = weights.kernelLevel
            let panels = outputs / Int(minilm_pack_width(level))
            let stream: Int32 = streaming ? 1 : 0
            if let team, team.size > 1 {
                team.parallel { part, parts in
                    let first = panels * part / parts, end = panels * (part + 1) / parts
                    minilm_packed_gemm(
                        level, a, Int32(rows), Int32(inputs), packed, Int32(first), Int32(end), c, Int32(outputs), stream, bias, kind)
                }
            } else {
                minilm_packed_gemm(level, a, Int32(rows), Int32(inputs), packed, 0, Int32(panels), c, Int32(outputs), stream, bias, kind)
            }
            clock.lap(&workspace.profile.gemm)
            return
        }
        plainProduct(a, w, c, rows: rows, team: team)
        clock.lap(&workspace.profile.gemm)
        guard let bias else { return }
        if kind == Int32(MINILM_EPILOGUE_BIAS_GELU) {
            minilm_bias_gelu(c, Int32(rows), Int32(outputs), bias)
        } else {
            minilm_add_bias(c, Int32(rows), Int32(outputs), bias)
        }
        clock.lap(&workspace.profile.elementwise)
    }

    /// The product from the plain (unpacked) weights: the small-product kernel for a few rows,
    /// OpenBLAS otherwise.
    private func plainProduct(
        _ a: UnsafePointer<Float>, _ w: BertWeights.Matrix, _ c: UnsafeMutablePointer<Float>, rows: Int, team: SpinTeam?
    ) {
        let outputs = w.outputs, inputs = w.inputs
        // Without a packed copy that serves every product, the plain one exists (BertWeights).
        let plain = w.plain!
        if rows <= Self.smallProductRows {
            guard let team, team.size > 1 else {
                minilm_small_gemm(a, Int32(rows), Int32(inputs), plain, 0, Int32(outputs), c, Int32(outputs))
                return
            }
            team.parallel { part, parts in
                // Split the outputs in multiples of 3, the kernel's block width.
                let blocks = (outputs + 2) / 3
                let first = min(outputs, 3 * (blocks * part / parts))
                let end = min(outputs, 3 * (blocks * (part + 1) / parts))
                minilm_small_gemm(a, Int32(rows), Int32(inputs), plain, Int32(first), Int32(end), c, Int32(outputs))
            }
            return
        }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outputs), Int32(inputs),
            1, a, Int32(inputs), plain, Int32(inputs), 0, c, Int32(outputs))
    }

    /// Multi-head self-attention of every sequence, from `qkv` into `context`.
    private func attention(lengths: UnsafeBufferPointer<Int>, workspace: EncoderWorkspace) {
        let config = weights.config
        let h = config.hiddenSize, dh = config.headSize, stride = 3 * h
        let scale = 1 / Float(dh).squareRoot()
        let qkv = workspace.qkv, context = workspace.context, scores = workspace.scores
        var offset = 0
        for length in lengths {
            let base = qkv + offset * stride
            for head in 0..<config.headCount {
                let q = base + head * dh, k = base + h + head * dh, v = base + 2 * h + head * dh
                let out = context + offset * h + head * dh
                if length > Self.gemmAttentionThreshold
                    || minilm_attention_head(
                        q, k, v, out, Int32(length), Int32(stride), Int32(h), Int32(dh), scale, workspace.keysT,
                        scores) == 0
                {
                    let n = Int32(length)
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasTrans, n, n, Int32(dh),
                        scale, q, Int32(stride), k, Int32(stride), 0, scores, n)
                    for i in 0..<length { VectorKernels.softmax(scores + i * length, count: length) }
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasNoTrans, n, Int32(dh), n,
                        1, scores, n, v, Int32(stride), 0, out, Int32(h))
                }
            }
            offset += length
        }
    }
}

/// Seconds one thread spent in each phase of the forward pass, and the tokens it encoded.
public struct EncoderProfile: Sendable, Equatable {
    public var embeddings = 0.0
    public var gemm = 0.0
    public var attention = 0.0
    public var elementwise = 0.0
    public var pooling = 0.0
    public var tokens = 0

    public init() {}

    init(embeddings: Double, gemm: Double, attention: Double, elementwise: Double, pooling: Double, tokens: Int) {
        self.embeddings = embeddings
        self.gemm = gemm
        self.attention = attention
        self.elementwise = elementwise
        self.pooling = pooling
        self.tokens = tokens
    }

    public var total: Double { embeddings + gemm + attention + elementwise + pooling }

    static func + (a: EncoderProfile, b: EncoderProfile) -> EncoderProfile {
        EncoderProfile(
            embeddings: a.embeddings + b.embeddings, gemm: a.gemm + b.gemm, attention: a.attention + b.attention,
            elementwise: a.elementwise + b.elementwise, pooling: a.pooling + b.pooling, tokens: a.tokens + b.tokens)
    }
}

/// Monotonic lap timer for ``EncoderProfile``.
struct PhaseClock {
    private var last = PhaseClock.now()

    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    mutating func lap(_ bucket: inout Double) {
        let now = PhaseClock.now()
        bucket += Double(now - last) * 1e-9
        last = now
    }
}
