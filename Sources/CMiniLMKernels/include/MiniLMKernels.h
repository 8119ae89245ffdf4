#ifndef REFARCH_MINILM_KERNELS_H
#define REFARCH_MINILM_KERNELS_H

/* Matrix product for a handful of rows (a search query), without packing the weights.
 *
 * c[m * ldc + n] = sum_k x[m * inputs + k] * w[n * inputs + k]
 * for m in [0, rows) and n in [first_output, end_output).
 *
 * Why: OpenBLAS packs the whole weight matrix on every call; for 8 rows that copy costs more
 * than the arithmetic. This kernel streams each weight row once. AVX2+FMA when the CPU has
 * them (checked at run time), portable C otherwise. Safe to call from several threads on
 * disjoint output ranges. */
void minilm_small_gemm(const float *x, int rows, int inputs, const float *w, int first_output,
                       int end_output, float *c, int ldc);

/* The matrix-product kernels this file has, best last. */
enum { MINILM_KERNELS_PORTABLE = 0, MINILM_KERNELS_AVX2 = 1, MINILM_KERNELS_AVX512 = 2 };

/* The best product kernel this CPU runs (checked once), capped by the environment variable
 * REFARCH_MINILM_KERNELS=avx2 or =portable (to compare kernels on one machine). */
int minilm_kernel_level(void);

/* The same product with the weights pre-packed by minilm_pack for one kernel level, so the
 * kernel reads contiguous streams (what the hardware prefetcher serves best when the weights
 * come from memory, as they do for a query).
 *
 * Layouts: AVX-512 packs panels of 16 outputs k-major (for each input, the 16 outputs' weights
 * side by side; the kernel broadcasts an input and needs no horizontal sums), and needs
 * outputs % 16 == 0. AVX2 and portable pack panels of 3 output rows interleaved in runs of 8
 * inputs, and need outputs % 3 == 0 and inputs % 8 == 0. minilm_can_pack says whether a shape
 * packs at a level (0 for a level this CPU lacks); minilm_pack_width gives outputs per panel.
 * Panels [first_panel, end_panel) give outputs [width * first_panel, width * end_panel).
 *
 * With `streaming` set, the AVX2 kernel prefetches the weights non-temporally, meant to keep the
 * 14 MB of attention matrices in a 32 MB L3 while the 28 MB of feed-forward matrices pass by.
 * The AVX-512 kernel prefetches every weight line into L2 well ahead and ignores the flag: on
 * Zen 4 the non-temporal hint made no measurable difference. */
int minilm_pack_width(int level);
int minilm_can_pack(int level, int outputs, int inputs);
void minilm_pack(int level, const float *w, int outputs, int inputs, float *packed);

/* What a product applies to the outputs it writes: nothing, + bias[n], or GELU(· + bias[n]).
 * Fused, the bias and GELU cost no pass over memory of their own, and a product split over
 * threads splits them too. Results are bit for bit those of minilm_add_bias and
 * minilm_bias_gelu on the product. `bias` is indexed by output (NULL with NONE). */
enum { MINILM_EPILOGUE_NONE = 0, MINILM_EPILOGUE_BIAS = 1, MINILM_EPILOGUE_BIAS_GELU = 2 };

void minilm_packed_gemm(int level, const float *x, int rows, int inputs, const float *packed, int first_panel,
                        int end_panel, float *c, int ldc, int streaming, const float *bias, int epilogue);

/* The encoder's elementwise passes and short-sequence attention, AVX2+FMA when available
 * (8 lanes with fused multiply-add; Swift code here is built for baseline x86-64, SSE only),
 * portable C with libm otherwise. exp and erf are the same polynomial/rational forms as
 * VectorKernels.swift, accurate to a few float ulps. */

/* data[r][c] = gelu(data[r][c] + bias[c]), GELU in its exact erf form. */
void minilm_bias_gelu(float *data, int rows, int columns, const float *bias);

/* data[r][c] += bias[c]. */
void minilm_add_bias(float *data, int rows, int columns, const float *bias);

/* residual = LayerNorm(projected + bias + residual) per row; projected and bias may be NULL
 * (then residual is normalised in place). */
void minilm_add_layer_norm(float *residual, const float *projected, const float *bias, int rows, int columns,
                           const float *gamma, const float *beta, float epsilon);

/* One attention head of one sequence: out = softmax(q kᵀ · scale) v. q, k, v rows are
 * `stride` floats apart, out rows `out_stride`. head_size must be a multiple of 8.
 * keys_t needs head_size * padded floats and scores length * padded, padded = length
 * rounded up to 8. Returns 0 (and does nothing) when head_size is not a multiple of 8. */
int minilm_attention_head(const float *q, const float *k, const float *v, float *out, int length, int stride,
                          int out_stride, int head_size, float scale, float *keys_t, float *scores);

/* 1 when the AVX2+FMA path is in use (for the benchmark's report). */
int minilm_small_gemm_is_vectorised(void);

#endif
