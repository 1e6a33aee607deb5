/* hardware/c/fixed_point.h: (11.2)-(11.4), the requantization of chapters 6 and 11 in C99 and
 * integers only, shared by reference.c (part one's dense networks) and convolutional.c (part
 * two's CNNs). TFLite Micro's MultiplyByQuantizedMultiplier (tensorflow/lite/kernels/internal/
 * common.cc): gemmlowp's SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT, ties away
 * from zero; or, with ties_away 0, the last shift of LiteRT's optimized kernels, ties toward +inf
 * (cpu_backend_gemm_custom_gemv.h). Like gemmlowp, it assumes that >> on a negative int32_t
 * shifts arithmetically, as gcc and clang do (C99 leaves it to the implementation). */
#ifndef QW_FIXED_POINT_H
#define QW_FIXED_POINT_H

#include <stdint.h>

// snippet.srdhm
/* (11.3) The high 32 bits of the 64-bit product 2*a*b, rounded to nearest, ties toward +inf:
 * a*b read as Q0.31 numbers. Only (-2^31)*(-2^31) does not fit; it saturates. */
static int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
    if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
    int64_t product = (int64_t)a * (int64_t)b;
    int64_t nudge = product >= 0 ? (INT64_C(1) << 30) : 1 - (INT64_C(1) << 30);
    return (int32_t)((product + nudge) / (INT64_C(1) << 31));  /* C99 division truncates toward zero */
}
// snippet.end

// snippet.rounding-shift
/* (11.4) x / 2^exponent, rounded to nearest; how an exact tie goes depends on the family. */
static int32_t rounding_shift_right(int32_t x, int exponent, int ties_away) {
    if (ties_away) {
        /* micro, gemmlowp RoundingDivideByPOT: ties away from zero, -2.5 -> -3. */
        int32_t mask = (int32_t)((INT64_C(1) << exponent) - 1);
        int32_t remainder = x & mask;
        int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }
    /* optimized, ARM VRSHL: ties toward +inf, -2.5 -> -2. */
    return (int32_t)(((int64_t)x + ((INT64_C(1) << exponent) >> 1)) >> exponent);
}
// snippet.end

// snippet.multiply
/* (11.2)-(11.4) acc * M0 * 2^(shift - 31): a left shift for a multiplier of 1 or more (it wraps,
 * as TFLite's x * (1 << left) does), the high multiply, then the rounding right shift. */
static int32_t multiply_by_quantized_multiplier(int32_t acc, int32_t multiplier, int32_t shift, int ties_away) {
    int left = shift > 0 ? (int)shift : 0, right = shift > 0 ? 0 : (int)-shift;
    int32_t x = (int32_t)((uint32_t)acc << left);
    return rounding_shift_right(saturating_rounding_doubling_high_mul(x, multiplier), right, ties_away);
}
// snippet.end

#endif
