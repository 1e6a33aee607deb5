// Chapter 8 — e^x for x ≤ 0 in fixed point: gemmlowp `exp_on_negative_values` and
// `exp_on_interval_between_negative_one_quarter_and_0_excl` (fixedpoint/fixedpoint.h), which
// TFLite's reference softmax (`tflite/kernels/internal/reference/softmax.h`) and TFLite Micro's
// call on Q5.26 differences. Every product is an SRDHM (ties up); every halving or quartering
// is a RoundingDivideByPOT (ties away from zero). Equations (8.4)–(8.6) of chapters/08-softmax.md.

import Ch06Requantize

/// The constants of gemmlowp's exponential, each a real number written in Q0.31 (× 2^31, rounded).
public enum ExpConstants {
    // snippet.exp-constants
    /// e^(−1/8) · 2^31: the value at the centre of the Taylor expansion on [−1/4, 0).
    public static let expOfMinusOneEighth: Int32 = 1_895_147_668
    /// 2^31 / 3: the polynomial divides by 3 (and by 2 and 4 with shifts) to get 1/6 and 1/24.
    public static let oneThird: Int32 = 715_827_883
    /// e^(−2^k) · 2^31 for k = −2…4: e^(−1/4), e^(−1/2), e^(−1), e^(−2), e^(−4), e^(−8), e^(−16).
    /// One factor for each bit of the part of the input beyond the last quarter.
    public static let expOfMinusPowerOfTwo: [(k: Int, multiplier: Int32)] = [
        (-2, 1_672_461_947), (-1, 1_302_514_674), (0, 790_015_084), (1, 290_630_308),
        (2, 39_332_535), (3, 720_401), (4, 242),
    ]
    // snippet.end
}

// snippet.exp-quarter
/// e^a for a in [−1/4, 0), a in Q0.31: a Taylor polynomial of degree 4 around −1/8.
/// With x = a + 1/8, e^a = e^(−1/8) · (1 + x + x²/2 + x³/6 + x⁴/24)                       (8.5)
public func expOnIntervalBetweenNegativeOneQuarterAndZero(_ a: QNumber) -> QNumber {
    precondition(a.integerBits == 0, "the polynomial takes Q0.31, not \(a.format)")
    let constantTerm = QNumber(raw: ExpConstants.expOfMinusOneEighth, integerBits: 0)
    let oneThird = QNumber(raw: ExpConstants.oneThird, integerBits: 0)
    let x = a + QNumber.powerOfTwo(-3, integerBits: 0)  // 1/8 is 2^28 in Q0.31
    let x2 = x * x
    let x3 = x2 * x
    let x4 = x2 * x2
    let x4Over4 = QNumber(raw: roundingDivideByPowerOfTwo(x4.raw, 2), integerBits: 0)
    // ((x⁴/4 + x³)/3 + x²)/2 = x⁴/24 + x³/6 + x²/2
    let inner = (x4Over4 + x3) * oneThird + x2
    let higherTerms = QNumber(raw: roundingDivideByPowerOfTwo(inner.raw, 1), integerBits: 0)
    return constantTerm + constantTerm * (x + higherTerms)
}
// snippet.end

// snippet.exp-negative
/// e^a for a ≤ 0 in any Q format with 5 or fewer integer bits; the result is Q0.31.
/// Write a = (a mod 1/4 − 1/4) − r: the first part lies in [−1/4, 0) and goes through (8.5);
/// r ≥ 0 is a sum of powers of two 2^k, and e^(−r) is the product of their e^(−2^k).        (8.6)
public func expOnNegativeValues(_ a: QNumber) -> QNumber {
    precondition(a.integerBits <= 5, "the barrel shifter below covers 2^4 at most; \(a.format) needs a clamp")
    let quarter = QNumber.powerOfTwo(-2, integerBits: a.integerBits)
    let mask = quarter.raw - 1
    // The low bits (a mod 1/4) minus 1/4: in [−1/4, 0).
    let inLastQuarter = QNumber(raw: (a.raw & mask) - quarter.raw, integerBits: a.integerBits)
    var result = expOnIntervalBetweenNegativeOneQuarterAndZero(inLastQuarter.rescaled(toIntegerBits: 0))
    let remainder = (inLastQuarter - a).raw
    for (k, multiplier) in ExpConstants.expOfMinusPowerOfTwo where a.integerBits > k {
        let bit = Int32(1) << (a.fractionalBits + k)  // 2^k in a's format
        if remainder & bit != 0 {
            result = result * QNumber(raw: multiplier, integerBits: 0)
        }
    }
    // e^0 = 1 exactly, which the decomposition above would miss by a little.
    return a.raw == 0 ? QNumber.one(integerBits: 0) : result
}
// snippet.end
