import CMiniLMKernels

/// Softmax for long-sequence attention, eight lanes at a time, in Swift.
///
/// The hot elementwise passes (bias, GELU, LayerNorm) and short-sequence attention live in
/// `CMiniLMKernels`, where AVX2+FMA can be chosen at run time (Swift here targets baseline
/// x86-64). `exp` is the Cephes polynomial after reduction by ln 2, accurate to ~1 ulp; the C
/// kernels use the same forms, which keeps the encoder within ~1e-6 of PyTorch's fp32 output.
enum VectorKernels {
    typealias V = SIMD8<Float>
    static let width = 8

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// e^x per lane (Cephes `expf` polynomial after reduction by ln 2; ~1 ulp). Inputs are
    /// clamped to [-87.3, 88.7], so -inf gives ~1e-38 rather than 0, which softmax tolerates.
    @inline(__always)
    static func exp(_ input: V) -> V {
        let x0 = pointwiseMin(pointwiseMax(input, V(repeating: -87.3)), V(repeating: 88.7))
        // n = round(x / ln 2) with the 1.5·2^23 trick, so no rounding instruction is needed.
        let magic = V(repeating: 12_582_912)
        let shifted = x0 * V(repeating: 1.442_695_040_888_963_4) + magic
        let n = shifted - magic
        var x = x0 - n * V(repeating: 0.693_359_375)
        x = x - n * V(repeating: -2.121_944_40e-4)
        let z = x * x
        var y = V(repeating: 1.987_569_150_0e-4)
        y = y * x + V(repeating: 1.398_199_950_7e-3)
        y = y * x + V(repeating: 8.333_451_907_3e-3)
        y = y * x + V(repeating: 4.166_579_589_4e-2)
        y = y * x + V(repeating: 1.666_666_545_9e-1)
        y = y * x + V(repeating: 5.000_000_120_1e-1)
        y = y * z + x + V(repeating: 1)
        let bits = unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- unsafeBitCast(magic, to: SIMD8<UInt32>.self)
        let scale = unsafeBitCast((bits &+ SIMD8<UInt32>(repeating: 127)) &<< SIMD8<UInt32>(repeating: 23), to: V.self)
        return y * scale
    }

    /// Scalar exp through the same lanes (for tests).
    @inline(__always)
    static func exp(_ x: Float) -> Float { exp(V(repeating: x))[0] }

    /// GELU of each value through the encoder's C kernel (the path `BertEncoder` runs), for tests.
    static func gelu(_ values: [Float]) -> [Float] {
        var data = values
        let zeros = [Float](repeating: 0, count: values.count)
        data.withUnsafeMutableBufferPointer { minilm_bias_gelu($0.baseAddress!, 1, Int32(values.count), zeros) }
        return data
    }

    /// Softmax of `count` values in place. `count` may include padding lanes set to -inf.
    static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
        let vectorCount = count - count % width
        var maxV = V(repeating: -.infinity)
        var c = 0
        while c < vectorCount {
            maxV = pointwiseMax(maxV, load(row + c))
            c += width
        }
        var maximum = maxV.max()
        while c < count {
            maximum = Swift.max(maximum, row[c])
            c += 1
        }
        let m = V(repeating: maximum)
        var sumV = V(repeating: 0)
        c = 0
        while c < vectorCount {
            let e = exp(load(row + c) - m)
            store(e, row + c)
            sumV += e
            c += width
        }
        var total = sumV.sum()
        while c < count {
            let e = exp(row[c] - maximum)
            row[c] = e
            total += e
            c += 1
        }
        let inv = V(repeating: 1 / total)
        let invScalar = 1 / total
        c = 0
        while c < vectorCount {
            store(load(row + c) * inv, row + c)
            c += width
        }
        while c < count {
            row[c] *= invScalar
            c += 1
        }
    }
}
