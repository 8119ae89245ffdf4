#include "MiniLMKernels.h"

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
                                                           float *c, int ldc) {
    __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
    __m256 a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
    const float *x0 = x, *x1 = x + inputs, *x2 = x + 2 * inputs, *x3 = x + 3 * inputs;
    for (int k = 0; k < inputs; k += 8, panel += 24) {
        _mm_prefetch((const char *)(panel + 2048), _MM_HINT_T0);
        _mm_prefetch((const char *)(panel + 2048 + 16), _MM_HINT_T0);
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
                                                            int ldc) {
    for (int p = first; p < end; p++) {
        const float *panel = packed + (long)p * 3 * inputs;
        int m = 0;
        for (; m + 4 <= rows; m += 4) packed_4x3(x + (long)m * inputs, inputs, panel, c + (long)m * ldc + 3 * p, ldc);
        for (; m < rows; m++) packed_1x3(x + (long)m * inputs, inputs, panel, c + (long)m * ldc + 3 * p);
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

int minilm_can_pack(int outputs, int inputs) { return outputs % 3 == 0 && inputs % 8 == 0; }

void minilm_pack(const float *w, int outputs, int inputs, float *packed) {
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

void minilm_packed_gemm(const float *x, int rows, int inputs, const float *packed, int first_panel, int end_panel,
                        float *c, int ldc) {
#if defined(__x86_64__)
    if (has_avx2_fma()) {
        packed_avx2(x, rows, inputs, packed, first_panel, end_panel, c, ldc);
        return;
    }
#endif
    packed_portable(x, rows, inputs, packed, first_panel, end_panel, c, ldc);
}

int minilm_small_gemm_is_vectorised(void) {
#if defined(__x86_64__)
    return has_avx2_fma();
#else
    return 0;
#endif
}
