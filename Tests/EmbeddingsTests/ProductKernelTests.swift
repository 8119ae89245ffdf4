import CMiniLMKernels
import Testing

/// The C product kernels behind every dense layer, each level this CPU has (AVX-512, AVX2,
/// portable), against a double-precision reference: packing, row counts that are not a
/// multiple of the kernels' blocks, and output ranges split as the thread team splits them.
@Suite("MiniLM product kernels")
struct ProductKernelTests {
    /// Deterministic values in [-1, 1) without a random-number dependency.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Float(state % 2_000_001) / 1_000_000 - 1
        }
    }

    /// `x · wᵀ` in Double, and for each output the sum of |x||w| (the scale rounding errors grow with).
    static func reference(_ x: [Float], rows: Int, _ w: [Float], outputs: Int, inputs: Int) -> (value: [Double], scale: [Double]) {
        var value = [Double](repeating: 0, count: rows * outputs)
        var scale = value
        for m in 0..<rows {
            for n in 0..<outputs {
                for k in 0..<inputs {
                    let product = Double(x[m * inputs + k]) * Double(w[n * inputs + k])
                    value[m * outputs + n] += product
                    scale[m * outputs + n] += abs(product)
                }
            }
        }
        return (value, scale)
    }

    static let levels: [Int32] = [MINILM_KERNELS_PORTABLE, MINILM_KERNELS_AVX2, MINILM_KERNELS_AVX512].map { Int32($0) }
        .filter { $0 <= minilm_kernel_level() }

    @Test(
        "packed products equal the reference at every kernel level, row count and split",
        arguments: [(outputs: 48, inputs: 64), (outputs: 96, inputs: 384), (outputs: 384, inputs: 1536)])
    func packedProducts(shape: (outputs: Int, inputs: Int)) {
        let (outputs, inputs) = shape
        let w = Self.values(outputs * inputs, seed: UInt64(outputs * 7 + inputs))
        for level in Self.levels {
            #expect(minilm_can_pack(level, Int32(outputs), Int32(inputs)) == 1, "level \(level) packs \(outputs)×\(inputs)")
            var packed = [Float](repeating: .nan, count: outputs * inputs)
            minilm_pack(level, w, Int32(outputs), Int32(inputs), &packed)
            #expect(!packed.contains { $0.isNaN }, "packing fills every slot")
            let panels = outputs / Int(minilm_pack_width(level))
            for rows in [1, 3, 8, 9, 20] {
                let x = Self.values(rows * inputs, seed: UInt64(rows))
                let (want, scale) = Self.reference(x, rows: rows, w, outputs: outputs, inputs: inputs)
                var whole = [Float](repeating: .nan, count: rows * outputs)
                minilm_packed_gemm(level, x, Int32(rows), Int32(inputs), packed, 0, Int32(panels), &whole, Int32(outputs), 0, nil, 0)
                let worst = zip(whole, zip(want, scale)).map { abs(Double($0) - $1.0) / ($1.1 + 1e-30) }.max() ?? .nan
                #expect(worst <= 1e-6, "level \(level), \(rows) rows: relative error \(worst)")

                // Two threads' halves (one of them streaming) give the same floats as one call.
                var split = [Float](repeating: .nan, count: rows * outputs)
                let middle = panels / 2
                minilm_packed_gemm(level, x, Int32(rows), Int32(inputs), packed, 0, Int32(middle), &split, Int32(outputs), 0, nil, 0)
                minilm_packed_gemm(
                    level, x, Int32(rows), Int32(inputs), packed, Int32(middle), Int32(panels), &split, Int32(outputs), 1, nil, 0)
                #expect(split == whole, "level \(level), \(rows) rows: split products differ")
            }
        }
    }

    @Test(
        "a fused bias or bias+GELU equals the product followed by the separate pass, bit for bit, at every level and split",
        arguments: [(outputs: 48, inputs: 64), (outputs: 96, inputs: 384)])
    func fusedEpilogues(shape: (outputs: Int, inputs: Int)) {
        let (outputs, inputs) = shape
        let w = Self.values(outputs * inputs, seed: UInt64(outputs * 3 + inputs))
        // A bias large enough that GELU sees its negative, curved and linear parts.
        let bias = Self.values(outputs, seed: 99).map { $0 * 3 }
        for level in Self.levels {
            var packed = [Float](repeating: 0, count: outputs * inputs)
            minilm_pack(level, w, Int32(outputs), Int32(inputs), &packed)
            let panels = outputs / Int(minilm_pack_width(level))
            for rows in [1, 7, 9] {
                let x = Self.values(rows * inputs, seed: UInt64(rows + 5))
                for epilogue in [Int32(MINILM_EPILOGUE_BIAS), Int32(MINILM_EPILOGUE_BIAS_GELU)] {
                    var separate = [Float](repeating: .nan, count: rows * outputs)
                    minilm_packed_gemm(
                        level, x, Int32(rows), Int32(inputs), packed, 0, Int32(panels), &separate, Int32(outputs), 0, nil, 0)
                    if epilogue == Int32(MINILM_EPILOGUE_BIAS_GELU) {
                        minilm_bias_gelu(&separate, Int32(rows), Int32(outputs), bias)
                    } else {
                        minilm_add_bias(&separate, Int32(rows), Int32(outputs), bias)
                    }
                    var fused = [Float](repeating: .nan, count: rows * outputs)
                    let cut = max(1, panels / 3)  // an uneven split, so segments start mid-vector at small widths
                    minilm_packed_gemm(
                        level, x, Int32(rows), Int32(inputs), packed, 0, Int32(cut), &fused, Int32(outputs), 0, bias, epilogue)
                    minilm_packed_gemm(
                        level, x, Int32(rows), Int32(inputs), packed, Int32(cut), Int32(panels), &fused, Int32(outputs), 1, bias, epilogue)
                    #expect(fused == separate, "level \(level), \(rows) rows, epilogue \(epilogue)")
                }
            }
        }
    }

    @Test("a level the CPU lacks never packs, and AVX-512 refuses widths that are not a multiple of 16")
    func packingRules() {
        #expect(minilm_can_pack(minilm_kernel_level() + 1, 48, 64) == 0)
        #expect(minilm_can_pack(Int32(MINILM_KERNELS_PORTABLE), 48, 60) == 0, "inputs must be a multiple of 8")
        #expect(minilm_can_pack(Int32(MINILM_KERNELS_PORTABLE), 47, 64) == 0, "outputs must be a multiple of 3")
        if minilm_kernel_level() == MINILM_KERNELS_AVX512 {
            #expect(minilm_can_pack(Int32(MINILM_KERNELS_AVX512), 40, 60) == 0)
            #expect(minilm_can_pack(Int32(MINILM_KERNELS_AVX512), 32, 60) == 1)
        }
    }

    @Test("the unpacked small-row kernel equals the reference, including outputs that are not a multiple of 3")
    func smallRowProducts() {
        let outputs = 50, inputs = 70
        let w = Self.values(outputs * inputs, seed: 5)
        for rows in [1, 4, 6, 13] {
            let x = Self.values(rows * inputs, seed: UInt64(100 + rows))
            let (want, scale) = Self.reference(x, rows: rows, w, outputs: outputs, inputs: inputs)
            var got = [Float](repeating: .nan, count: rows * outputs)
            minilm_small_gemm(x, Int32(rows), Int32(inputs), w, 0, 20, &got, Int32(outputs))
            minilm_small_gemm(x, Int32(rows), Int32(inputs), w, 20, Int32(outputs), &got, Int32(outputs))
            let worst = zip(got, zip(want, scale)).map { abs(Double($0) - $1.0) / ($1.1 + 1e-30) }.max() ?? .nan
            #expect(worst <= 1e-6, "\(rows) rows: relative error \(worst)")
        }
    }
}
