// The inner loops of chapter 13's fast engine, in C so that each can carry its own
// instruction set (a per-function target attribute) while the binary as a whole needs only
// the baseline x86-64 (or any) CPU. Swift picks one at run time from what the CPU reports
// (fk_cpu_features); the portable path is Swift's own, in Sources/Chapters/13-FastEngine.
//
// Layouts (chapter 13, "Packing"):
//   activations  [rows][stride] bytes, each an 8-bit code plus its offset (128 for int8,
//                0 for uint8) so that it is unsigned; bytes from the layer's K up to the
//                stride are 0.
//   packed       [blocks of 16 output channels][K/4 groups][16 channels][4 bytes]: the 64
//                bytes the inner loop reads at once; channels past N and k past K are 0.
//   accumulators [rows][ldc] int32, ldc ≥ blocks·16.
#ifndef FAST_KERNELS_H
#define FAST_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// What the CPU offers, checked with CPUID and XGETBV (the OS must save the registers too).
enum {
    FK_AVX2 = 1,           // AVX2: vpmaddwd, 16 products per instruction
    FK_AVX512_VNNI = 2,    // AVX-512 F, BW, DQ, VL and VNNI: vpdpbusd, 64 products per instruction
};
int fk_cpu_features(void);

/// acc[r][n] = bias[n] + Σ_k a[r][k]·w[n][k], in int32 that wraps (chapter 13: the true sum
/// fits int32, so the wrapped one is the same number). `groups` = K rounded up to 4, over 4.
void fk_gemm_u8s8_avx512vnni(const uint8_t *a, size_t lda, int rows, const int8_t *packed,
                             int groups, int blocks, const int32_t *bias, int32_t *acc, size_t ldc);
void fk_gemm_u8s8_avx2(const uint8_t *a, size_t lda, int rows, const int8_t *packed,
                       int groups, int blocks, const int32_t *bias, int32_t *acc, size_t ldc);

/// acc[r][c] += factor[c]·Σ_k a[r][k] for k < K and c < n: (13.1)'s image sums (legacy uint8).
void fk_add_input_sums_avx512(const uint8_t *a, size_t lda, int rows, int k, const int32_t *factor, int n,
                              int32_t *acc, size_t ldc);

/// The families' requantization of one row of n accumulators into offset codes
/// (code + outputOffset, as bytes), with the clamp [lo, hi] and the zero point z3 of chapter 7.
/// Each takes one parameter per channel (per-tensor layers repeat theirs).
void fk_requantize_float32_avx512(const int32_t *acc, int n, const float *scale,
                                  int32_t z3, int32_t lo, int32_t hi, int32_t outputOffset, uint8_t *out);
void fk_requantize_double_avx512(const int32_t *acc, int n, const double *multiplier,
                                 int32_t z3, int32_t lo, int32_t hi, int32_t outputOffset, uint8_t *out);
/// tiesAway 0: the optimized family (ties toward +∞); 1: micro (ties away from zero).
void fk_requantize_fixed_avx512(const int32_t *acc, int n, const int32_t *m0, const int32_t *leftShift,
                                const int32_t *rightShift, int tiesAway,
                                int32_t z3, int32_t lo, int32_t hi, int32_t outputOffset, uint8_t *out);

/// out[r][n] = bias[n] + Σ_k a[r][k]·w[n][k] in float32 with FMA, w packed as
/// [blocks of 16 channels][K][16]; the float model's fast path (its summation order is not
/// TFLite's, chapter 13 says so).
void fk_gemm_f32_avx512(const float *a, size_t lda, int rows, int k, const float *packed,
                        int blocks, const float *bias, float *out, size_t ldc);

#endif
