import CMiniLMKernels
import COpenBLAS
import Foundation

/// Measures OpenBLAS's own sgemm rate on the encoder's shapes, so the benchmark can say what
/// share of it the whole encoder reaches. Blocking; for benchmarks only, never the cooperative pool.
public enum BLASProbe {
    /// GFLOP/s of `C[rows × outputs] = A[rows × inputs] · W[outputs × inputs]ᵀ` with `threads` OpenBLAS threads.
    public static func sgemmRate(rows: Int, outputs: Int, inputs: Int, threads: Int, minimumSeconds: Double = 0.5) -> Double {
        openblas_set_num_threads(Int32(threads))
        let a = [Float](repeating: 0.01, count: rows * inputs)
        let w = [Float](repeating: 0.02, count: outputs * inputs)
        var c = [Float](repeating: 0, count: rows * outputs)
        func once() {
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outputs), Int32(inputs),
                1, a, Int32(inputs), w, Int32(inputs), 0, &c, Int32(outputs))
        }
        once()
        var runs = 0
        let start = PhaseClock.now()
        var elapsed = 0.0
        repeat {
            once()
            runs += 1
            elapsed = Double(PhaseClock.now() - start) * 1e-9
        } while elapsed < minimumSeconds
        return 2 * Double(rows * outputs * inputs) * Double(runs) / elapsed / 1e9
    }

    /// Floating-point operations of the encoder's dense layers for `tokens` tokens (attention excluded).
    public static func denseFlops(config: BertConfig, tokens: Int) -> Double {
        let h = Double(config.hiddenSize), i = Double(config.intermediateSize)
        return 2 * Double(tokens) * Double(config.layerCount) * (4 * h * h + 2 * h * i)
    }
}

extension BLASProbe {
    /// GFLOP/s of the small-row kernel (over packed weights when the shape packs) on one thread,
    /// and whether it runs vectorised.
    public static func smallProductRate(rows: Int, outputs: Int, inputs: Int, minimumSeconds: Double = 0.3) -> (
        rate: Double, vectorised: Bool
    ) {
        let a = [Float](repeating: 0.01, count: rows * inputs)
        let w = [Float](repeating: 0.02, count: outputs * inputs)
        var packed = [Float](repeating: 0, count: outputs * inputs)
        let level = Int32(minilm_kernel_level())
        let canPack = minilm_can_pack(level, Int32(outputs), Int32(inputs)) != 0
        if canPack { minilm_pack(level, w, Int32(outputs), Int32(inputs), &packed) }
        let panels = outputs / Int(minilm_pack_width(level))
        var c = [Float](repeating: 0, count: rows * outputs)
        var runs = 0
        let start = PhaseClock.now()
        var elapsed = 0.0
        repeat {
            if canPack {
                minilm_packed_gemm(
                    level, a, Int32(rows), Int32(inputs), packed, 0, Int32(panels), &c, Int32(outputs), 0, nil,
                    Int32(MINILM_EPILOGUE_NONE))
            } else {
                minilm_small_gemm(a, Int32(rows), Int32(inputs), w, 0, Int32(outputs), &c, Int32(outputs))
            }
            runs += 1
            elapsed = Double(PhaseClock.now() - start) * 1e-9
        } while elapsed < minimumSeconds
        return (2 * Double(rows * outputs * inputs) * Double(runs) / elapsed / 1e9, minilm_small_gemm_is_vectorised() != 0)
    }
}
