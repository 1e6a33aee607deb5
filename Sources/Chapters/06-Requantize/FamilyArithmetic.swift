// Chapter 6 — equation (6.2), q3 − Z3 = M · acc, computed the four ways the kernel families do.
// Each function takes the int32 accumulator of one output (bias already added, chapter 5) and
// returns the integer that the output zero point Z3 is added to (chapter 7).
//
// reference  LiteRT tflite/kernels/internal/reference/integer_ops/fully_connected.h
//            (float-scale overloads): double product, C `round` (ties away from zero).
// optimized  LiteRT tflite/kernels/cpu_backend_gemm_custom_gemv.h (NEON through NEON_2_SSE on
//            x86) and ruy/kernel_avx2_fma.cc: SRDHM, then a rounding shift with ties toward +∞.
// micro      tflite-micro tensorflow/lite/kernels/internal/common.cc MultiplyByQuantizedMultiplier:
//            SRDHM, then gemmlowp RoundingDivideByPOT (ties away from zero).
// xnnpack    XNNPACK src/qs8-qc8w-gemm/gen/qs8-qc8w-gemm-1x8c8-minmax-fp32-avx2.c: float32
//            product, round half to even (`cvtps2dq`).

/// The reference family: acc · M in double, rounded half away from zero, as C `round` does.
/// TFLite casts the double to int32 directly; we saturate instead of trapping on a value
/// no real layer produces.
// snippet.reference
public func requantizeInDouble(_ accumulator: Int32, by effectiveMultiplier: Double) -> Int32 {
    let product = Double(accumulator) * effectiveMultiplier
    return saturatingInt32(product.rounded(.toNearestOrAwayFromZero))
}
// snippet.end

/// The optimized family: (6.5) with ARM's rounding: VQRDMULH (SRDHM, ties up), then VRSHL
/// by −shift (ties up). The left shift, used only when M ≥ 1, wraps like `vshlq_s32`.
// snippet.optimized
public func multiplyByQuantizedMultiplierTiesUp(_ accumulator: Int32, multiplier: Int32, shift: Int) -> Int32 {
    let product = HighMultiply(accumulator, multiplier: multiplier, shift: shift)
    return roundingShiftRightTiesUp(product.high, product.rightShift)
}
// snippet.end

/// The micro family: gemmlowp's MultiplyByQuantizedMultiplier, the "double rounding" of
/// TFLite Micro and of TFLite before 2025. The only difference from the optimized family is
/// the last rounding: an exact negative tie goes away from zero (−2.5 → −3, not −2).
// snippet.micro
public func multiplyByQuantizedMultiplier(_ accumulator: Int32, multiplier: Int32, shift: Int) -> Int32 {
    let product = HighMultiply(accumulator, multiplier: multiplier, shift: shift)
    return roundingDivideByPowerOfTwo(product.high, product.rightShift)
}
// snippet.end

/// The xnnpack family: float32 accumulator times float32 scale, each step rounded to float32,
/// then round half to even. XNNPACK clamps the product at (max − Z3) in float before converting;
/// saturating into Int32 here gives the same result after chapter 7's clamp, without a trap.
// snippet.xnnpack
public func requantizeInFloat32(_ accumulator: Int32, by scale: Float) -> Int32 {
    let product = Float(accumulator) * scale  // Int32 → Float rounds half to even, like cvtdq2ps
    let rounded = product.rounded(.toNearestOrEven)
    if rounded >= 0x1p31 { return Int32.max }
    if rounded < -0x1p31 { return Int32.min }
    return Int32(rounded)
}
// snippet.end

// snippet.high-multiply
/// The first half of (6.5), shared by both fixed-point families: split the shift into
/// ℓ = max(shift, 0) and ρ = max(−shift, 0), multiply by 2^ℓ before the high multiply, and
/// h = SRDHM(acc·2^ℓ, M0). What is left is h / 2^ρ, rounded the family's way.
public struct HighMultiply: Sendable, Equatable {
    public let leftShift: Int
    public let rightShift: Int
    /// acc · 2^ℓ kept to its low 32 bits, as `vshlq_s32`, `_mm256_sllv_epi32` and C's
    /// `x * (1 << ℓ)` leave it. The wrap is deliberate: it is what the kernels do (and ℓ > 0
    /// only when M ≥ 1, which no real layer has).
    public let shifted: Int32
    /// SRDHM(acc·2^ℓ, M0) = round(acc·2^ℓ·M0 / 2^31).
    public let high: Int32

    public init(_ accumulator: Int32, multiplier: Int32, shift: Int) {
        precondition((-31...31).contains(shift), "shift \(shift) out of −31...31: M = M0·2^(shift−31) must be below 2^0·2^31")
        (leftShift, rightShift) = (max(shift, 0), max(-shift, 0))
        shifted = Int32(truncatingIfNeeded: Int64(accumulator) << leftShift)
        high = saturatingRoundingDoublingHighMul(shifted, multiplier)
    }
}
// snippet.end

// snippet.saturating-int32
/// A rounded Double as an Int32, saturated at the ends of the range.
func saturatingInt32(_ value: Double) -> Int32 {
    if value >= 0x1p31 { return Int32.max }
    if value < -0x1p31 { return Int32.min }
    return Int32(value)
}
// snippet.end
