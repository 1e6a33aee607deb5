// Chapter 6 — equation (6.4): a real multiplier M written as an integer M0 and a power of two,
// M ≈ M0 · 2^(shift − 31) with M0 in [2^30, 2^31), so that an integer kernel can apply it.
//
// Reproduces TFLite's QuantizeMultiplier (tflite/kernels/internal/quantization_util.cc, the
// default build without TFLITE_SINGLE_ROUNDING, as in LiteRT 2.3.0 and TFLite Micro):
// frexp, then M0 = round(q · 2^31) with ties away from zero (C `round`).

/// TFLite's QuantizeMultiplier: M0 and shift with M ≈ M0 · 2^(shift − 31).
///
/// A positive shift multiplies by 2^shift before the fixed-point product, a negative one
/// divides after it. For example 2.3140544832e-4 = 0.9478367… · 2^−12 gives
/// M0 = round(0.9478367… · 2^31) = 2035463849 and shift = −12.
// snippet.quantize-multiplier
public func quantizeMultiplier(_ real: Double) -> (multiplier: Int32, shift: Int) {
    precondition(real.isFinite && real >= 0, "a multiplier S1·S2/S3 is finite and not negative, not \(real)")
    if real == 0 { return (0, 0) }
    // frexp: real = q · 2^exponent with q in [0.5, 1). Swift's significand is in [1, 2).
    let q = real.significand / 2
    var exponent = Int(real.exponent) + 1
    var fixed = Int64((q * 0x1p31).rounded(.toNearestOrAwayFromZero))
    // q just below 1 can round up to 2^31, which does not fit in an Int32: halve it instead.
    if fixed == 1 << 31 {
        fixed /= 2
        exponent += 1
    }
    // An exponent below −31, which is M below 2^−32, would need a right shift of 32 or more and
    // shift every bit of an int32 product out: TFLite flushes such an M to zero.
    if exponent < -31 { return (0, 0) }
    return (Int32(fixed), exponent)
}
// snippet.end
