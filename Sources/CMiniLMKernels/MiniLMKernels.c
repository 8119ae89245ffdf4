#include "MiniLMKernels.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma"))) static inline float hsum(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    __m128 shuf = _mm_movehdup_ps(lo);
    __m128 sums = _mm_add_ps(lo, shuf);
    shuf = _mm_movehl_ps(shuf, sums);
    sums = _mm_add_ss(sums, shuf);
    return _mm_cvtss_f32(sums);
}

/* erf(x) = x · P(x²) / Q(x²) on [-4, 4] (clamped outside): one set of coefficients, and one
 * sequence of operations for every vector width, so every width gives the same floats. */
static const float erf_numerator[7] = {
    -2.72614225801306e-10f, 2.77068142495902e-08f, -2.10102402082508e-06f, -5.69250639462346e-05f,
    -7.34990630326855e-04f, -2.95459980854025e-03f, -1.60960333262415e-02f,
};
static const float erf_denominator[5] = {
    -1.45660718464996e-05f, -2.13374055278905e-04f, -1.68282697438203e-03f, -7.37332916720468e-03f,
    -1.42647390514189e-02f,
};

#define ERF_AT_WIDTH(NAME, TARGET, V, P)                                                                     \
    __attribute__((target(TARGET))) static inline V NAME(V input) {                                         \
        V x = P##_min_ps(P##_max_ps(input, P##_set1_ps(-4.0f)), P##_set1_ps(4.0f));                          \
        V x2 = P##_mul_ps(x, x);                                                                             \
        V p = P##_fmadd_ps(x2, P##_set1_ps(erf_numerator[0]), P##_set1_ps(erf_numerator[1]));                \
        for (int i = 2; i < 7; i++) p = P##_fmadd_ps(x2, p, P##_set1_ps(erf_numerator[i]));                 \
        p = P##_mul_ps(x, p);                                                                                \
        V q = P##_fmadd_ps(x2, P##_set1_ps(erf_denominator[0]), P##_set1_ps(erf_denominator[1]));            \
        for (int i = 2; i < 5; i++) q = P##_fmadd_ps(x2, q, P##_set1_ps(erf_denominator[i]));               \
        return P##_div_ps(p, q);                                                                             \
    }

/* 4 rows x 3 outputs: 12 accumulators, 3 weight vectors, 1 input vector = 16 registers. */
__attribute__((target("avx2,fma"))) static void block_4x3(const float *x, int inputs, const float *w, float *c,
                                                          int ldc) {
    __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
    __m256 a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
    const float *w0 = w, *w1 = w + inputs, *w2 = w + 2 * inputs;
    const float *x0 = x, *x1 = x + inputs, *x2 = x + 2 * inputs, *x3 = x + 3 * inputs;
    int k = 0;
    for (; k + 8 <= inputs; k += 8) {
        __m256 v0 = _mm256_loadu_ps(w0 + k), v1 = _mm256_loadu_ps(w1 + k), v2 = _mm256_loadu_ps(w2 + k);
        __m256 u = _mm256_loadu_ps(x0 + k);
        a00 = _mm256_fmadd_ps(u, v0, a00); a01 = _mm256_fmadd_ps(u, v1, a01); a02 = _mm256_fmadd_ps(u, v2, a02);
        u = _mm256_loadu_ps(x1 + k);
        a10 = _mm256_fmadd_ps(u, v0, a10); a11 = _mm256_fmadd_ps(u, v1, a11); a12 = _mm256_fmadd_ps(u, v2, a12);
        u = _mm256_loadu_ps(x2 + k);
        a20 = _mm256_fmadd_ps(u, v0, a20); a21 = _mm256_fmadd_ps(u, v1, a21); a22 = _mm256_fmadd_ps(u, v2, a22);
        u = _mm256_loadu_ps(x3 + k);
        a30 = _mm256_fmadd_ps(u, v0, a30); a31 = _mm256_fmadd_ps(u, v1, a31); a32 = _mm256_fmadd_ps(u, v2, a32);
    }
    float r[4][3] = {{hsum(a00), hsum(a01), hsum(a02)}, {hsum(a10), hsum(a11), hsum(a12)},
                     {hsum(a20), hsum(a21), hsum(a22)}, {hsum(a30), hsum(a31), hsum(a32)}};
    for (; k < inputs; k++) {
        for (int m = 0; m < 4; m++) {
            r[m][0] += x[m * inputs + k] * w0[k];
            r[m][1] += x[m * inputs + k] * w1[k];
            r[m][2] += x[m * inputs + k] * w2[k];
        }
    }
    for (int m = 0; m < 4; m++) {
        c[m * ldc + 0] = r[m][0];
        c[m * ldc + 1] = r[m][1];
        c[m * ldc + 2] = r[m][2];
    }
}

/* One row x one output. */
__attribute__((target("avx2,fma"))) static float dot_avx2(const float *x, const float *w, int inputs) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0;
    int k = 0;
    for (; k + 16 <= inputs; k += 16) {
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + k), _mm256_loadu_ps(w + k), a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + k + 8), _mm256_loadu_ps(w + k + 8), a1);
    }
    for (; k + 8 <= inputs; k += 8) a0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + k), _mm256_loadu_ps(w + k), a0);
    float s = hsum(_mm256_add_ps(a0, a1));
    for (; k < inputs; k++) s += x[k] * w[k];
    return s;
}

__attribute__((target("avx2,fma"))) static void gemm_avx2(const float *x, int rows, int inputs, const float *w,
                                                          int first, int end, float *c, int ldc) {
    int n = first;
    for (; n + 3 <= end; n += 3) {
        int m = 0;
        for (; m + 4 <= rows; m += 4) block_4x3(x + m * inputs, inputs, w + n * inputs, c + m * ldc + n, ldc);
        for (; m < rows; m++)
            for (int j = 0; j < 3; j++) c[m * ldc + n + j] = dot_avx2(x + m * inputs, w + (n + j) * inputs, inputs);
    }
    for (; n < end; n++)
        for (int m = 0; m < rows; m++) c[m * ldc + n] = dot_avx2(x + m * inputs, w + n * inputs, inputs);
}

/* Packed: panel p holds outputs 3p..3p+2; for each run of 8 inputs, 8 floats of each of the 3 rows. */
__attribute__((target("avx2,fma"))) static void packed_4x3(const float *x, int inputs, const float *panel,
                                                           float *c, int ldc, int streaming) {
    __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
    __m256 a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
    const float *x0 = x, *x1 = x + inputs, *x2 = x + 2 * inputs, *x3 = x + 3 * inputs;
    for (int k = 0; k < inputs; k += 8, panel += 24) {
        if (streaming) {
            _mm_prefetch((const char *)(panel + 2048), _MM_HINT_NTA);
            _mm_prefetch((const char *)(panel + 2048 + 16), _MM_HINT_NTA);
        } else {
            _mm_prefetch((const char *)(panel + 2048), _MM_HINT_T0);
            _mm_prefetch((const char *)(panel + 2048 + 16), _MM_HINT_T0);
        }
        __m256 v0 = _mm256_loadu_ps(panel), v1 = _mm256_loadu_ps(panel + 8), v2 = _mm256_loadu_ps(panel + 16);
        __m256 u = _mm256_loadu_ps(x0 + k);
        a00 = _mm256_fmadd_ps(u, v0, a00); a01 = _mm256_fmadd_ps(u, v1, a01); a02 = _mm256_fmadd_ps(u, v2, a02);
        u = _mm256_loadu_ps(x1 + k);
        a10 = _mm256_fmadd_ps(u, v0, a10); a11 = _mm256_fmadd_ps(u, v1, a11); a12 = _mm256_fmadd_ps(u, v2, a12);
        u = _mm256_loadu_ps(x2 + k);
        a20 = _mm256_fmadd_ps(u, v0, a20); a21 = _mm256_fmadd_ps(u, v1, a21); a22 = _mm256_fmadd_ps(u, v2, a22);
        u = _mm256_loadu_ps(x3 + k);
        a30 = _mm256_fmadd_ps(u, v0, a30); a31 = _mm256_fmadd_ps(u, v1, a31); a32 = _mm256_fmadd_ps(u, v2, a32);
    }
    c[0] = hsum(a00); c[1] = hsum(a01); c[2] = hsum(a02);
    c[ldc] = hsum(a10); c[ldc + 1] = hsum(a11); c[ldc + 2] = hsum(a12);
    c[2 * ldc] = hsum(a20); c[2 * ldc + 1] = hsum(a21); c[2 * ldc + 2] = hsum(a22);
    c[3 * ldc] = hsum(a30); c[3 * ldc + 1] = hsum(a31); c[3 * ldc + 2] = hsum(a32);
}

__attribute__((target("avx2,fma"))) static void packed_1x3(const float *x, int inputs, const float *panel,
                                                           float *c) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0;
    for (int k = 0; k < inputs; k += 8, panel += 24) {
        __m256 u = _mm256_loadu_ps(x + k);
        a0 = _mm256_fmadd_ps(u, _mm256_loadu_ps(panel), a0);
        a1 = _mm256_fmadd_ps(u, _mm256_loadu_ps(panel + 8), a1);
        a2 = _mm256_fmadd_ps(u, _mm256_loadu_ps(panel + 16), a2);
    }
    c[0] = hsum(a0); c[1] = hsum(a1); c[2] = hsum(a2);
}

__attribute__((target("avx2,fma"))) static void packed_avx2(const float *x, int rows, int inputs,
                                                            const float *packed, int first, int end, float *c,
                                                            int ldc, int streaming) {
    for (int p = first; p < end; p++) {
        const float *panel = packed + (long)p * 3 * inputs;
        int m = 0;
        for (; m + 4 <= rows; m += 4) packed_4x3(x + (long)m * inputs, inputs, panel, c + (long)m * ldc + 3 * p, ldc, streaming);
        for (; m < rows; m++) packed_1x3(x + (long)m * inputs, inputs, panel, c + (long)m * ldc + 3 * p);
    }
}

/* ---- the same product with AVX-512: weights packed k-major in panels of 16 outputs ----
 *
 * Panel q holds outputs 16q..16q+15: for each input k, their 16 weights side by side. The kernel
 * keeps up to 8 rows x 48 outputs (three panels) in 24 registers and, for each k, broadcasts
 * x[m][k] against three 16-wide weight vectors: every weight is loaded once for all the rows,
 * and no horizontal sums are needed at the end. On Zen 4 a 512-bit FMA is issued as two 256-bit
 * halves, so the gain over the AVX2 kernel is in loads and instructions, not in FMA width. */

#define PANEL 16

/* erf512 comes from ERF_AT_WIDTH (top of the file), and the GELU has the same operations in the
 * same order as bias_gelu_avx2, so a fused epilogue gives bit for bit what the separate pass gives. */
ERF_AT_WIDTH(erf512, "avx512f", __m512, _mm512)

__attribute__((target("avx512f"), always_inline)) static inline __m512 epilogue512(__m512 v, const float *bias,
                                                                                 int epilogue) {
    if (epilogue == MINILM_EPILOGUE_NONE) return v;
    __m512 x = _mm512_add_ps(v, _mm512_loadu_ps(bias));
    if (epilogue == MINILM_EPILOGUE_BIAS) return x;
    __m512 g = erf512(_mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752f)));
    return _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(0.5f), x), _mm512_add_ps(_mm512_set1_ps(1.0f), g));
}

__attribute__((target("avx512f"), always_inline)) static inline void packed512_block(
    const float *x, int rows, int inputs, const float *w0, int panels, float *c, int ldc, const float *bias,
    int epilogue) {
    __m512 acc[8][3];
    for (int m = 0; m < rows; m++)
        for (int j = 0; j < panels; j++) acc[m][j] = _mm512_setzero_ps();
    const long stride = (long)inputs * PANEL;
    for (int k = 0; k < inputs; k++) {
        const float *wk = w0 + (long)k * PANEL;
        /* Each k is one cache line per panel: fetch the line 64 k ahead into L2. Into L2 rather
         * than L1, and that far ahead, keeps more misses in flight when a query streams the
         * weights from memory (about 5 % off a query; the same throughput for batches, whose
         * weights are in L2 anyway). A non-temporal hint for the feed-forward weights made no
         * difference on Zen 4, so this kernel ignores `streaming`. */
        for (int j = 0; j < panels; j++) _mm_prefetch((const char *)(wk + j * stride + 64 * PANEL), _MM_HINT_T1);
        __m512 v[3];
        for (int j = 0; j < panels; j++) v[j] = _mm512_loadu_ps(wk + j * stride);
        for (int m = 0; m < rows; m++) {
            __m512 u = _mm512_set1_ps(x[(long)m * inputs + k]);
            for (int j = 0; j < panels; j++) acc[m][j] = _mm512_fmadd_ps(u, v[j], acc[m][j]);
        }
    }
    for (int m = 0; m < rows; m++)
        for (int j = 0; j < panels; j++)
            _mm512_storeu_ps(c + (long)m * ldc + j * PANEL, epilogue512(acc[m][j], bias + j * PANEL, epilogue));
}

/* One function per row count so the compiler keeps every accumulator in a register. */
#define PACKED512_ROWS(R)                                                                                   \
    __attribute__((target("avx512f"))) static void packed512_rows##R(const float *x, int inputs, const float *w0, \
                                                                     int panels, float *c, int ldc,               \
                                                                     const float *bias, int epilogue) {           \
        if (panels == 3) packed512_block(x, R, inputs, w0, 3, c, ldc, bias, epilogue);                       \
        else if (panels == 2) packed512_block(x, R, inputs, w0, 2, c, ldc, bias, epilogue);                  \
        else packed512_block(x, R, inputs, w0, 1, c, ldc, bias, epilogue);                                   \
    }
PACKED512_ROWS(1)
PACKED512_ROWS(2)
PACKED512_ROWS(3)
PACKED512_ROWS(4)
PACKED512_ROWS(5)
PACKED512_ROWS(6)
PACKED512_ROWS(7)
PACKED512_ROWS(8)

typedef void (*packed512_fn)(const float *, int, const float *, int, float *, int, const float *, int);
static const packed512_fn packed512_by_rows[9] = {
    0, packed512_rows1, packed512_rows2, packed512_rows3, packed512_rows4,
    packed512_rows5, packed512_rows6, packed512_rows7, packed512_rows8,
};

static void packed_avx512(const float *x, int rows, int inputs, const float *packed, int first, int end, float *c,
                          int ldc, const float *bias, int epilogue) {
    for (int q = first; q < end; q += 3) {
        int panels = end - q < 3 ? end - q : 3;
        const float *w0 = packed + (long)q * PANEL * inputs;
        for (int m = 0; m < rows; m += 8) {
            int block = rows - m < 8 ? rows - m : 8;
            packed512_by_rows[block](x + (long)m * inputs, inputs, w0, panels, c + (long)m * ldc + q * PANEL, ldc,
                                     epilogue ? bias + q * PANEL : NULL, epilogue);
        }
    }
}

/* ---- elementwise and attention, AVX2+FMA ---- */

__attribute__((target("avx2,fma"))) static inline __m256 exp256(__m256 input) {
    __m256 x0 = _mm256_min_ps(_mm256_max_ps(input, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.7f));
    __m256 magic = _mm256_set1_ps(12582912.0f);
    __m256 shifted = _mm256_fmadd_ps(x0, _mm256_set1_ps(1.4426950408889634f), magic);
    __m256 n = _mm256_sub_ps(shifted, magic);
    __m256 x = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x0);
    x = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), x);
    __m256 z = _mm256_mul_ps(x, x);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_add_ps(_mm256_fmadd_ps(y, z, x), _mm256_set1_ps(1.0f));
    __m256i bits = _mm256_sub_epi32(_mm256_castps_si256(shifted), _mm256_castps_si256(magic));
    __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(bits, _mm256_set1_epi32(127)), 23));
    return _mm256_mul_ps(y, scale);
}

ERF_AT_WIDTH(erf256, "avx2,fma", __m256, _mm256)

/* Lanes [0, count) of 8 set, for masked loads and stores of a row's tail. */
__attribute__((target("avx2,fma"))) static inline __m256i tail_mask(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

__attribute__((target("avx2,fma"))) static void bias_gelu_avx2(float *data, int rows, int columns, const float *bias) {
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f), r2 = _mm256_set1_ps(0.70710678118654752f);
    for (int r = 0; r < rows; r++) {
        float *row = data + (long)r * columns;
        int c = 0;
        for (; c + 8 <= columns; c += 8) {
            __m256 x = _mm256_add_ps(_mm256_loadu_ps(row + c), _mm256_loadu_ps(bias + c));
            __m256 g = _mm256_mul_ps(_mm256_mul_ps(half, x), _mm256_add_ps(one, erf256(_mm256_mul_ps(x, r2))));
            _mm256_storeu_ps(row + c, g);
        }
        if (c < columns) {
            /* The tail through masked lanes, so every column gets the same arithmetic wherever
             * a row segment starts or ends (a split product's epilogue sees segments). */
            __m256i mask = tail_mask(columns - c);
            __m256 x = _mm256_add_ps(_mm256_maskload_ps(row + c, mask), _mm256_maskload_ps(bias + c, mask));
            __m256 g = _mm256_mul_ps(_mm256_mul_ps(half, x), _mm256_add_ps(one, erf256(_mm256_mul_ps(x, r2))));
            _mm256_maskstore_ps(row + c, mask, g);
        }
    }
}

__attribute__((target("avx2,fma"))) static void add_bias_avx2(float *data, int rows, int columns, const float *bias) {
    for (int r = 0; r < rows; r++) {
        float *row = data + (long)r * columns;
        int c = 0;
        for (; c + 8 <= columns; c += 8)
            _mm256_storeu_ps(row + c, _mm256_add_ps(_mm256_loadu_ps(row + c), _mm256_loadu_ps(bias + c)));
        for (; c < columns; c++) row[c] += bias[c];
    }
}

__attribute__((target("avx2,fma"))) static void add_layer_norm_avx2(float *residual, const float *projected,
                                                                    const float *bias, int rows, int columns,
                                                                    const float *gamma, const float *beta,
                                                                    float epsilon) {
    for (int r = 0; r < rows; r++) {
        float *row = residual + (long)r * columns;
        int c;
        if (projected && bias) {
            const float *source = projected + (long)r * columns;
            for (c = 0; c + 8 <= columns; c += 8) {
                __m256 v = _mm256_add_ps(_mm256_add_ps(_mm256_loadu_ps(row + c), _mm256_loadu_ps(source + c)),
                                         _mm256_loadu_ps(bias + c));
                _mm256_storeu_ps(row + c, v);
            }
            for (; c < columns; c++) row[c] = row[c] + source[c] + bias[c];
        }
        __m256 sum = _mm256_setzero_ps();
        for (c = 0; c + 8 <= columns; c += 8) sum = _mm256_add_ps(sum, _mm256_loadu_ps(row + c));
        float total = hsum(sum);
        for (; c < columns; c++) total += row[c];
        float mean = total / (float)columns;
        __m256 meanv = _mm256_set1_ps(mean), squares = _mm256_setzero_ps();
        for (c = 0; c + 8 <= columns; c += 8) {
            __m256 d = _mm256_sub_ps(_mm256_loadu_ps(row + c), meanv);
            squares = _mm256_fmadd_ps(d, d, squares);
        }
        float variance = hsum(squares);
        for (; c < columns; c++) variance += (row[c] - mean) * (row[c] - mean);
        variance /= (float)columns;
        float inv = 1.0f / sqrtf(variance + epsilon);
        __m256 invv = _mm256_set1_ps(inv);
        for (c = 0; c + 8 <= columns; c += 8) {
            __m256 n = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(row + c), meanv), invv);
            _mm256_storeu_ps(row + c, _mm256_fmadd_ps(n, _mm256_loadu_ps(gamma + c), _mm256_loadu_ps(beta + c)));
        }
        for (; c < columns; c++) row[c] = (row[c] - mean) * inv * gamma[c] + beta[c];
    }
}

/* Scores of one query against `nb` (1..4) blocks of 8 keys: 2 * nb independent accumulators
 * (even and odd dimensions apart), so the FMAs do not wait on each other's results. */
__attribute__((target("avx2,fma"), always_inline)) static inline void attention_scores(
    const float *query, const float *keys_t, int padded, int dh, int nb, __m256 scale, float *row) {
    __m256 even[4], odd[4];
    for (int b = 0; b < nb; b++) even[b] = odd[b] = _mm256_setzero_ps();
    for (int d = 0; d < dh; d += 2) {
        __m256 u0 = _mm256_set1_ps(query[d]), u1 = _mm256_set1_ps(query[d + 1]);
        for (int b = 0; b < nb; b++) {
            even[b] = _mm256_fmadd_ps(u0, _mm256_loadu_ps(keys_t + (long)d * padded + 8 * b), even[b]);
            odd[b] = _mm256_fmadd_ps(u1, _mm256_loadu_ps(keys_t + (long)(d + 1) * padded + 8 * b), odd[b]);
        }
    }
    for (int b = 0; b < nb; b++) _mm256_storeu_ps(row + 8 * b, _mm256_mul_ps(_mm256_add_ps(even[b], odd[b]), scale));
}

/* out[0 ..< 8 * nb] = (sum_j weights[j] * v[j][0 ..< 8 * nb]) * inv, with even and odd j in
 * separate accumulators for the same reason. */
__attribute__((target("avx2,fma"), always_inline)) static inline void attention_values(
    const float *weights, const float *v, int length, int stride, int nb, float inv, float *out) {
    __m256 even[4], odd[4];
    for (int b = 0; b < nb; b++) even[b] = odd[b] = _mm256_setzero_ps();
    int j = 0;
    for (; j + 2 <= length; j += 2) {
        __m256 w0 = _mm256_set1_ps(weights[j]), w1 = _mm256_set1_ps(weights[j + 1]);
        for (int b = 0; b < nb; b++) {
            even[b] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(v + (long)j * stride + 8 * b), even[b]);
            odd[b] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(v + (long)(j + 1) * stride + 8 * b), odd[b]);
        }
    }
    if (j < length) {
        __m256 w0 = _mm256_set1_ps(weights[j]);
        for (int b = 0; b < nb; b++) even[b] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(v + (long)j * stride + 8 * b), even[b]);
    }
    __m256 scale = _mm256_set1_ps(inv);
    for (int b = 0; b < nb; b++) _mm256_storeu_ps(out + 8 * b, _mm256_mul_ps(_mm256_add_ps(even[b], odd[b]), scale));
}

/* Transposes the 8 x 8 block whose rows are r[0..7], in place. */
__attribute__((target("avx2,fma"), always_inline)) static inline void transpose8(__m256 r[8]) {
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
    r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
    r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
    r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
    r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
    r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
    r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
    r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

__attribute__((target("avx2,fma"))) static void attention_avx2(const float *q, const float *k, const float *v,
                                                               float *out, int length, int stride, int out_stride,
                                                               int dh, float scale, float *keys_t, float *scores) {
    int padded = (length + 7) & ~7;
    /* This head's rows of q, k and v are a few lines each, a row of the whole QKV product apart,
     * and mostly no longer in L1/L2 when attention starts: ask for all of them at once, so the
     * misses overlap instead of arriving one transposed row at a time. */
    for (int j = 0; j < length; j++)
        for (int d = 0; d < dh; d += 16) {
            _mm_prefetch((const char *)(k + (long)j * stride + d), _MM_HINT_T0);
            _mm_prefetch((const char *)(q + (long)j * stride + d), _MM_HINT_T0);
            _mm_prefetch((const char *)(v + (long)j * stride + d), _MM_HINT_T0);
        }
    /* keys_t[d][j] = k[j][d], in 8 x 8 blocks through registers; keys past the end are zeros. */
    for (int jb = 0; jb < padded; jb += 8)
        for (int db = 0; db < dh; db += 8) {
            __m256 r[8];
            for (int l = 0; l < 8; l++)
                r[l] = jb + l < length ? _mm256_loadu_ps(k + (long)(jb + l) * stride + db) : _mm256_setzero_ps();
            transpose8(r);
            for (int l = 0; l < 8; l++) _mm256_storeu_ps(keys_t + (long)(db + l) * padded + jb, r[l]);
        }
    __m256 scalev = _mm256_set1_ps(scale);
    for (int i = 0; i < length; i++) {
        const float *query = q + (long)i * stride;
        float *row = scores + (long)i * padded;
        /* dh is a multiple of 8 (checked by the caller), so d and d + 1 pair up. */
        for (int jb = 0; jb < padded; jb += 32) {
            switch ((padded - jb) / 8) {
            case 1: attention_scores(query, keys_t + jb, padded, dh, 1, scalev, row + jb); break;
            case 2: attention_scores(query, keys_t + jb, padded, dh, 2, scalev, row + jb); break;
            case 3: attention_scores(query, keys_t + jb, padded, dh, 3, scalev, row + jb); break;
            default: attention_scores(query, keys_t + jb, padded, dh, 4, scalev, row + jb); break;
            }
        }
        float maximum = -INFINITY;
        for (int j = 0; j < length; j++) maximum = row[j] > maximum ? row[j] : maximum;
        __m256 m = _mm256_set1_ps(maximum), sumv = _mm256_setzero_ps();
        int j = 0;
        for (; j + 8 <= length; j += 8) {
            __m256 e = exp256(_mm256_sub_ps(_mm256_loadu_ps(row + j), m));
            _mm256_storeu_ps(row + j, e);
            sumv = _mm256_add_ps(sumv, e);
        }
        float total = hsum(sumv);
        if (j < length) {
            /* The tail through the same lanes: padding lanes hold finite scores and are ignored. */
            __m256 e = exp256(_mm256_sub_ps(_mm256_loadu_ps(row + j), m));
            float lanes[8];
            _mm256_storeu_ps(lanes, e);
            for (int l = 0; j + l < length; l++) {
                row[j + l] = lanes[l];
                total += lanes[l];
            }
        }
        float inv = 1.0f / total;
        float *target = out + (long)i * out_stride;
        for (int db = 0; db < dh; db += 32) {
            switch ((dh - db) / 8) {
            case 1: attention_values(row, v + db, length, stride, 1, inv, target + db); break;
            case 2: attention_values(row, v + db, length, stride, 2, inv, target + db); break;
            case 3: attention_values(row, v + db, length, stride, 3, inv, target + db); break;
            default: attention_values(row, v + db, length, stride, 4, inv, target + db); break;
            }
        }
    }
}

static int has_avx2_fma(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached;
}

static int has_avx512(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx512f");
    }
    return cached;
}
#endif

static void gemm_portable(const float *x, int rows, int inputs, const float *w, int first, int end, float *c,
                          int ldc) {
    for (int n = first; n < end; n++) {
        const float *wr = w + n * inputs;
        for (int m = 0; m < rows; m++) {
            const float *xr = x + m * inputs;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int k = 0;
            for (; k + 4 <= inputs; k += 4) {
                s0 += xr[k] * wr[k];
                s1 += xr[k + 1] * wr[k + 1];
                s2 += xr[k + 2] * wr[k + 2];
                s3 += xr[k + 3] * wr[k + 3];
            }
            for (; k < inputs; k++) s0 += xr[k] * wr[k];
            c[m * ldc + n] = (s0 + s1) + (s2 + s3);
        }
    }
}

void minilm_small_gemm(const float *x, int rows, int inputs, const float *w, int first_output, int end_output,
                       float *c, int ldc) {
#if defined(__x86_64__)
    if (has_avx2_fma()) {
        gemm_avx2(x, rows, inputs, w, first_output, end_output, c, ldc);
        return;
    }
#endif
    gemm_portable(x, rows, inputs, w, first_output, end_output, c, ldc);
}

int minilm_kernel_level(void) {
    static int cached = -1;
    if (cached < 0) {
        int level = MINILM_KERNELS_PORTABLE;
#if defined(__x86_64__)
        if (has_avx2_fma()) level = has_avx512() ? MINILM_KERNELS_AVX512 : MINILM_KERNELS_AVX2;
#endif
        const char *cap = getenv("REFARCH_MINILM_KERNELS");
        if (cap && strcmp(cap, "portable") == 0) level = MINILM_KERNELS_PORTABLE;
        else if (cap && strcmp(cap, "avx2") == 0 && level > MINILM_KERNELS_AVX2) level = MINILM_KERNELS_AVX2;
        cached = level;
    }
    return cached;
}

int minilm_pack_width(int level) { return level == MINILM_KERNELS_AVX512 ? PANEL : 3; }

int minilm_can_pack(int level, int outputs, int inputs) {
    if (level > minilm_kernel_level()) return 0;
    if (level == MINILM_KERNELS_AVX512) return outputs % PANEL == 0;
    return outputs % 3 == 0 && inputs % 8 == 0;
}

void minilm_pack(int level, const float *w, int outputs, int inputs, float *packed) {
    if (level == MINILM_KERNELS_AVX512) {
        for (int q = 0; q < outputs / PANEL; q++)
            for (int k = 0; k < inputs; k++)
                for (int l = 0; l < PANEL; l++)
                    packed[((long)q * inputs + k) * PANEL + l] = w[(long)(q * PANEL + l) * inputs + k];
        return;
    }
    for (int p = 0; p < outputs / 3; p++)
        for (int k = 0; k < inputs; k += 8)
            for (int j = 0; j < 3; j++)
                for (int l = 0; l < 8; l++)
                    packed[(long)p * 3 * inputs + (long)k * 3 + j * 8 + l] = w[(long)(3 * p + j) * inputs + k + l];
}

static void packed_portable(const float *x, int rows, int inputs, const float *packed, int first, int end,
                            float *c, int ldc) {
    for (int p = first; p < end; p++) {
        const float *panel = packed + (long)p * 3 * inputs;
        for (int m = 0; m < rows; m++) {
            const float *xr = x + (long)m * inputs;
            for (int j = 0; j < 3; j++) {
                float s = 0;
                for (int k = 0; k < inputs; k += 8)
                    for (int l = 0; l < 8; l++) s += xr[k + l] * panel[(long)k * 3 + j * 8 + l];
                c[(long)m * ldc + 3 * p + j] = s;
            }
        }
    }
}

void minilm_packed_gemm(int level, const float *x, int rows, int inputs, const float *packed, int first_panel,
                        int end_panel, float *c, int ldc, int streaming, const float *bias, int epilogue) {
#if defined(__x86_64__)
    if (level == MINILM_KERNELS_AVX512) {
        packed_avx512(x, rows, inputs, packed, first_panel, end_panel, c, ldc, bias, epilogue);
        return;
    }
    if (level == MINILM_KERNELS_AVX2) packed_avx2(x, rows, inputs, packed, first_panel, end_panel, c, ldc, streaming);
    else packed_portable(x, rows, inputs, packed, first_panel, end_panel, c, ldc);
#else
    (void)streaming;
    packed_portable(x, rows, inputs, packed, first_panel, end_panel, c, ldc);
#endif
    /* Panels of 3 outputs: the epilogue as a pass over this call's columns, while they are in cache. */
    if (epilogue == MINILM_EPILOGUE_NONE) return;
    int first = 3 * first_panel, columns = 3 * (end_panel - first_panel);
    for (int m = 0; m < rows; m++) {
        float *segment = c + (long)m * ldc + first;
        if (epilogue == MINILM_EPILOGUE_BIAS_GELU) minilm_bias_gelu(segment, 1, columns, bias + first);
        else minilm_add_bias(segment, 1, columns, bias + first);
    }
}

/* ---- elementwise and attention, portable ---- */

void minilm_bias_gelu(float *data, int rows, int columns, const float *bias) {
#if defined(__x86_64__)
    if (has_avx2_fma()) {
        bias_gelu_avx2(data, rows, columns, bias);
        return;
    }
#endif
    for (long i = 0; i < (long)rows * columns; i++) {
        float x = data[i] + bias[i % columns];
        data[i] = 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
    }
}

void minilm_add_bias(float *data, int rows, int columns, const float *bias) {
#if defined(__x86_64__)
    if (has_avx2_fma()) {
        add_bias_avx2(data, rows, columns, bias);
        return;
    }
#endif
    for (long i = 0; i < (long)rows * columns; i++) data[i] += bias[i % columns];
}

void minilm_add_layer_norm(float *residual, const float *projected, const float *bias, int rows, int columns,
                           const float *gamma, const float *beta, float epsilon) {
#if defined(__x86_64__)
    if (has_avx2_fma()) {
        add_layer_norm_avx2(residual, projected, bias, rows, columns, gamma, beta, epsilon);
        return;
    }
#endif
    for (int r = 0; r < rows; r++) {
        float *row = residual + (long)r * columns;
        if (projected && bias)
            for (int c = 0; c < columns; c++) row[c] += projected[(long)r * columns + c] + bias[c];
        float mean = 0, variance = 0;
        for (int c = 0; c < columns; c++) mean += row[c];
        mean /= (float)columns;
        for (int c = 0; c < columns; c++) variance += (row[c] - mean) * (row[c] - mean);
        variance /= (float)columns;
        float inv = 1.0f / sqrtf(variance + epsilon);
        for (int c = 0; c < columns; c++) row[c] = (row[c] - mean) * inv * gamma[c] + beta[c];
    }
}

int minilm_attention_head(const float *q, const float *k, const float *v, float *out, int length, int stride,
                          int out_stride, int head_size, float scale, float *keys_t, float *scores) {
    if (head_size % 8 != 0) return 0;
#if defined(__x86_64__)
    if (has_avx2_fma()) {
        attention_avx2(q, k, v, out, length, stride, out_stride, head_size, scale, keys_t, scores);
        return 1;
    }
#endif
    (void)keys_t;
    for (int i = 0; i < length; i++) {
        float *row = scores + (long)i * length;
        float maximum = -INFINITY, total = 0;
        for (int j = 0; j < length; j++) {
            float s = 0;
            for (int d = 0; d < head_size; d++) s += q[(long)i * stride + d] * k[(long)j * stride + d];
            row[j] = s * scale;
            if (row[j] > maximum) maximum = row[j];
        }
        for (int j = 0; j < length; j++) {
            row[j] = expf(row[j] - maximum);
            total += row[j];
        }
        for (int d = 0; d < head_size; d++) {
            float acc = 0;
            for (int j = 0; j < length; j++) acc += row[j] * v[(long)j * stride + d];
            out[(long)i * out_stride + d] = acc / total;
        }
    }
    return 1;
}

int minilm_small_gemm_is_vectorised(void) {
#if defined(__x86_64__)
    return has_avx2_fma();
#else
    return 0;
#endif
}
