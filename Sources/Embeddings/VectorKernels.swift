/// Elementwise passes of the encoder, eight lanes at a time.
///
/// Why hand-written: the GEMMs are OpenBLAS's, but GELU, LayerNorm, softmax and the bias and
/// residual adds touch every activation once per layer; done scalar-by-scalar through libm
/// they would cost as much as the matrix products. `exp` and `erf` are polynomial/rational
/// approximations accurate to a few float ulps (tests compare them against libm in Double),
/// which keeps the whole encoder within ~1e-6 of PyTorch's fp32 output.
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

    /// erf(x) per lane: odd/even rational approximation on [-4, 4] (the form Eigen and XLA
    /// use for float), clamped outside, where erf is ±1 in float.
    @inline(__always)
    static func erf(_ input: V) -> V {
        let x = pointwiseMin(pointwiseMax(input, V(repeating: -4)), V(repeating: 4))
        let x2 = x * x
        var p = x2 * V(repeating: -2.726_142_258_013_06e-10) + V(repeating: 2.770_681_424_959_02e-08)
        p = x2 * p + V(repeating: -2.101_024_020_825_08e-06)
        p = x2 * p + V(repeating: -5.692_506_394_623_46e-05)
        p = x2 * p + V(repeating: -7.349_906_303_268_55e-04)
        p = x2 * p + V(repeating: -2.954_599_808_540_25e-03)
        p = x2 * p + V(repeating: -1.609_603_332_624_15e-02)
        p = x * p
        var q = x2 * V(repeating: -1.456_607_184_649_96e-05) + V(repeating: -2.133_740_552_789_05e-04)
        q = x2 * q + V(repeating: -1.682_826_974_382_03e-03)
        q = x2 * q + V(repeating: -7.373_329_167_204_68e-03)
        q = x2 * q + V(repeating: -1.426_473_905_141_89e-02)
        return p / q
    }

    /// Scalar versions for tails, computed through the same lane code.
    @inline(__always)
    static func exp(_ x: Float) -> Float { exp(V(repeating: x))[0] }
    @inline(__always)
    static func erf(_ x: Float) -> Float { erf(V(repeating: x))[0] }

    /// `data[r][c] = gelu(data[r][c] + bias[c])`, GELU in its exact erf form.
    static func addBiasGELU(_ data: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>) {
        let half = V(repeating: 0.5), one = V(repeating: 1), invSqrt2 = V(repeating: 0.707_106_781_186_547_5)
        let vectorColumns = columns - columns % width
        for r in 0..<rows {
            let row = data + r * columns
            var c = 0
            while c < vectorColumns {
                let x = load(row + c) + load(bias + c)
                store(half * x * (one + erf(x * invSqrt2)), row + c)
                c += width
            }
            while c < columns {
                let x = row[c] + bias[c]
                row[c] = 0.5 * x * (1 + erf(x * 0.707_106_781_186_547_5))
                c += 1
            }
        }
    }

    /// `data[r][c] += bias[c]`.
    static func addBias(_ data: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>) {
        let vectorColumns = columns - columns % width
        for r in 0..<rows {
            let row = data + r * columns
            var c = 0
            while c < vectorColumns {
                store(load(row + c) + load(bias + c), row + c)
                c += width
            }
            while c < columns {
                row[c] += bias[c]
                c += 1
            }
        }
    }

    /// `residual = LayerNorm(projected + bias + residual)` row by row (the post-norm residual of BERT).
    /// Pass `projected == nil` (and any bias) to normalise `residual` in place.
    static func addLayerNorm(
        residual: UnsafeMutablePointer<Float>, projected: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
        rows: Int, columns: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float
    ) {
        let vectorColumns = columns - columns % width
        for r in 0..<rows {
            let row = residual + r * columns
            if let projected, let bias {
                let source = projected + r * columns
                var c = 0
                while c < vectorColumns {
                    store(load(row + c) + load(source + c) + load(bias + c), row + c)
                    c += width
                }
                while c < columns {
                    row[c] += source[c] + bias[c]
                    c += 1
                }
            }
            var sum = V(repeating: 0)
            var c = 0
            while c < vectorColumns {
                sum += load(row + c)
                c += width
            }
            var total = sum.sum()
            while c < columns {
                total += row[c]
                c += 1
            }
            let mean = total / Float(columns)
            let meanV = V(repeating: mean)
            var squares = V(repeating: 0)
            c = 0
            while c < vectorColumns {
                let d = load(row + c) - meanV
                squares += d * d
                c += width
            }
            var variance = squares.sum()
            while c < columns {
                let d = row[c] - mean
                variance += d * d
                c += 1
            }
            variance /= Float(columns)
            let inv = 1 / (variance + epsilon).squareRoot()
            let invV = V(repeating: inv)
            c = 0
            while c < vectorColumns {
                store((load(row + c) - meanV) * invV * load(gamma + c) + load(beta + c), row + c)
                c += width
            }
            while c < columns {
                row[c] = (row[c] - mean) * inv * gamma[c] + beta[c]
                c += 1
            }
        }
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
