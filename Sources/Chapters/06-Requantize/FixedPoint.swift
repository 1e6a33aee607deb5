// Chapter 6 — the fixed-point primitives of gemmlowp (fixedpoint/fixedpoint.h) and of ARM NEON,
// which TFLite's integer kernels are built from. Each rounds in its own way; the names say how.
//
// Values are int32 held in Int32; every product is widened to Int64 explicitly.

/// gemmlowp's SaturatingRoundingDoublingHighMul, identical to ARM VQRDMULH: the high 32 bits
/// of 2·a·b, rounded to nearest with ties toward +∞. Read as Q0.31 numbers it is a·b.
/// The one product that does not fit, (−2^31)·(−2^31) = 2^62, saturates to 2^31 − 1.
// snippet.srdhm
public func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32) -> Int32 {
    if a == Int32.min && b == Int32.min { return Int32.max }
    let product = Int64(a) * Int64(b)
    // Add one half (2^30 of 2^31) toward +∞, then divide; Int64 division truncates toward zero,
    // so a negative product needs 1 − 2^30 to land on the same "ties up" rounding.
    let nudge: Int64 = product >= 0 ? 1 << 30 : 1 - (1 << 30)
    return Int32((product + nudge) / (1 << 31))
}
// snippet.end

/// gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero.
/// TFLite Micro and TFLite before 2025 finish every requantization with it.
// snippet.rdbpot
public func roundingDivideByPowerOfTwo(_ x: Int32, _ exponent: Int) -> Int32 {
    precondition((0...31).contains(exponent), "shift \(exponent) out of 0...31")
    let mask = Int32(truncatingIfNeeded: (Int64(1) << exponent) - 1)
    let remainder = x & mask
    // Below the threshold we round down; a negative x needs one more to round away from zero.
    let threshold = (mask >> 1) + (x < 0 ? 1 : 0)
    return (x >> exponent) + (remainder > threshold ? 1 : 0)
}
// snippet.end

/// ARM's rounding shift right (VRSHL by a negative amount), which TFLite's optimized kernels
/// use on x86 through NEON_2_SSE, and ruy's AVX2 kernel imitates: x / 2^exponent rounded to
/// nearest with ties toward +∞, i.e. floor(x / 2^exponent + 1/2).
// snippet.rounding-shift
public func roundingShiftRightTiesUp(_ x: Int32, _ exponent: Int) -> Int32 {
    precondition((0...31).contains(exponent), "shift \(exponent) out of 0...31")
    guard exponent > 0 else { return x }
    return Int32((Int64(x) + (Int64(1) << (exponent - 1))) >> exponent)
}
// snippet.end
