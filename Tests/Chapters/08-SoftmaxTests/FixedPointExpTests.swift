// Chapter 8: gemmlowp's fixed-point helpers, exponential and reciprocal, checked against
// Double arithmetic: their constants, their end points, and sweeps over grids of inputs.

import Ch08Softmax
import Foundation
import Testing

/// How far exp_on_negative_values may be from e^a, in units of 2^−31. The degree-4 Taylor
/// polynomial around −1/8 leaves out e^(−1/8)·e^ξ·x⁵/120 with |x| ≤ 1/8 and ξ ≤ 1/8, at most
/// (1/8)⁵/120 · 2^31 ≈ 546.1 units; each of the ≤ 16 roundings (SRDHM, RoundingDivideByPOT)
/// adds at most half a unit, and multiplying by factors below 1 never makes an error grow.
let expTolerance: Double = 546.2 + 16 * 0.5

/// How far one_over_one_plus_x may be from 1/(1 + a), in units of 2^−31. Three Newton steps
/// from a first error of 1/17 leave (1/17)^8 ≈ 1.4·10^−10 (0.3 units); the last step rounds
/// its two products in Q2.29, whose unit is 4 of ours, and the final ×2 doubles the sum's half.
let reciprocalTolerance: Double = 0.3 + 2 * 4

@Test func `the exponential's constants are e^(−1/8), 1/3 and e^(−2^k), times 2^31`() {
    #expect(Double(ExpConstants.expOfMinusOneEighth) == (exp(-1.0 / 8) * 0x1p31).rounded())
    #expect(Double(ExpConstants.oneThird) == (0x1p31 / 3).rounded())
    #expect(ExpConstants.expOfMinusPowerOfTwo.map(\.k) == Array(-2...4))
    for (k, multiplier) in ExpConstants.expOfMinusPowerOfTwo {
        #expect(Double(multiplier) == (exp(-pow(2, Double(k))) * 0x1p31).rounded(), "k = \(k)")
    }
}

@Test func `the reciprocal's constants are 48/17 and −32/17 in Q2.29`() {
    #expect(Double(ReciprocalConstants.fortyEightSeventeenths) == (48.0 / 17 * 0x1p29).rounded())
    #expect(Double(ReciprocalConstants.minusThirtyTwoSeventeenths) == (-32.0 / 17 * 0x1p29).rounded())
    // The line 48/17 − 32/17·d is within 1/17 of 1/d on [1/2, 1], which three Newton steps
    // square three times: check the first guess at the ends and the middle of the interval.
    for d in [0.5, 0.75, 1.0] {
        let guess = 48.0 / 17 - 32.0 / 17 * d
        #expect(abs(1 - d * guess) <= 1.0 / 17 + 1e-12, "d = \(d)")
    }
}

@Test func `e^0 is 2^31 − 1, the largest Q0.31 number`() {
    #expect(expOnNegativeValues(QNumber(raw: 0, integerBits: 5)) == QNumber(raw: Int32.max, integerBits: 0))
}

@Test func `e^−32, the most negative Q5.26 number, is 0 in Q0.31`() {
    // e^−32 · 2^31 ≈ 2.7·10^−5 of a unit: every bit of the remainder multiplies in, down to 0.
    #expect(exp(-32.0) * 0x1p31 < 0.5)
    #expect(QNumber(raw: Int32.min, integerBits: 5).value == -32)
    #expect(expOnNegativeValues(QNumber(raw: Int32.min, integerBits: 5)).raw == 0)
}

@Test func `e^a at a multiple of 1/4 uses the polynomial at −1/4 and the barrel of powers`() {
    // −1/4 has no remainder bits; −1.25 = −1/4 − 1 uses e^(−1) once; −31.75 uses them all but e^(−1/4).
    for a in [-0.25, -1.25, -31.75] {
        let raw = Int32(a * 0x1p26)
        let e = expOnNegativeValues(QNumber(raw: raw, integerBits: 5))
        #expect(abs(Double(e.raw) - exp(a) * 0x1p31) <= expTolerance, "a = \(a)")
    }
}

/// One argument per unit interval [−(n + 1), −n) of Q5.26's negative half, 2^14 points each.
@Test(arguments: 0..<32)
func `exp_on_negative_values is within its tolerance of e^a on a grid of 2^19 points`(interval: Int) {
    var worst = 0.0
    for step in 0..<(1 << 14) {
        // a = −interval − step/2^14, every 2^12-th Q5.26 number, in [−(interval + 1), −interval).
        let raw = Int32(-(Int64(interval) << 26) - (Int64(step) << 12))
        let observed = Double(expOnNegativeValues(QNumber(raw: raw, integerBits: 5)).raw)
        let expected = exp(Double(raw) * 0x1p-26) * 0x1p31
        worst = max(worst, abs(observed - expected))
        if abs(observed - expected) > expTolerance {
            Issue.record("a = \(raw) (Q5.26, \(Double(raw) * 0x1p-26)): expected \(expected), observed \(observed)")
            return
        }
    }
    // The bound is not slack everywhere: near 0 the polynomial uses all of it.
    if interval == 0 { #expect(worst > 400) }
}

@Test func `1/(1 + 0) saturates to 2^31 − 1 and 1/(1 + 1) is 2^30 within its tolerance`() {
    #expect(oneOverOnePlusX(QNumber(raw: 0, integerBits: 0)).raw == Int32.max)
    let half = oneOverOnePlusX(QNumber(raw: Int32.max, integerBits: 0))
    let exact = 0x1p31 / (1 + Double(Int32.max) * 0x1p-31)
    #expect(abs(Double(half.raw) - exact) <= reciprocalTolerance)
}

@Test(arguments: 0..<16)
func `one_over_one_plus_x is within its tolerance of 1/(1 + a) on a grid of 2^18 points`(sixteenth: Int) {
    for step in 0..<(1 << 14) {
        let raw = Int32((Int64(sixteenth) << 27) + (Int64(step) << 13))
        let observed = Double(oneOverOnePlusX(QNumber(raw: raw, integerBits: 0)).raw)
        let expected = min(0x1p31 / (1 + Double(raw) * 0x1p-31), Double(Int32.max))
        if abs(observed - expected) > reciprocalTolerance {
            Issue.record("a = \(raw) (Q0.31): expected \(expected), observed \(observed)")
            return
        }
    }
}

@Test(arguments: [1, 2, 3, 10, 127, 4096 - 1])
func `reciprocal of a Q12.19 sum is 1/sum`(whole: Int) {
    // sum = whole + 3/8: GetReciprocal splits it as 2^bitsOverUnit · (1 + x).
    let sum = QNumber(raw: Int32(whole) << 19 + 3 << 16, integerBits: 12)
    let result = reciprocal(of: sum)
    let expected = 1 / sum.value
    let observed = result.scale.value / pow(2, Double(result.bitsOverUnit))
    #expect(pow(2, Double(result.bitsOverUnit)) <= sum.value && sum.value < pow(2, Double(result.bitsOverUnit + 1)))
    #expect(abs(observed - expected) <= reciprocalTolerance * 0x1p-31 / pow(2, Double(result.bitsOverUnit)))
}

@Test func `RoundingHalfSum rounds halves away from zero and cannot overflow`() {
    #expect(roundingHalfSum(1, 2) == 2)
    #expect(roundingHalfSum(-1, -2) == -2)
    #expect(roundingHalfSum(2, 4) == 3)
    #expect(roundingHalfSum(Int32.max, Int32.max) == Int32.max)
    #expect(roundingHalfSum(Int32.min, Int32.min) == Int32.min)
    #expect(roundingHalfSum(0, Int32.max) == 1 << 30)  // (2^31 − 1)/2 = 2^30 − 1/2 → 2^30
}

@Test(arguments: 1...30)
func `a saturating shift left by n saturates exactly beyond ±(2^(31−n) − 1)`(shift: Int) {
    let threshold = (Int32(1) << (31 - shift)) - 1
    #expect(saturatingRoundingMultiplyByPowerOfTwo(threshold, shift) == threshold << shift)
    #expect(saturatingRoundingMultiplyByPowerOfTwo(threshold + 1, shift) == Int32.max)
    #expect(saturatingRoundingMultiplyByPowerOfTwo(-threshold, shift) == -threshold << shift)
    #expect(saturatingRoundingMultiplyByPowerOfTwo(-threshold - 1, shift) == Int32.min)
    // A negative power of two is RoundingDivideByPOT: −3/2 = −1.5 rounds away from zero.
    #expect(saturatingRoundingMultiplyByPowerOfTwo(-3, -1) == -2)
}

@Test func `a product of Q numbers adds their integer bits`() {
    let half = QNumber(raw: 1 << 30, integerBits: 0)        // 0.5 in Q0.31
    let three = QNumber(raw: 3 << 26, integerBits: 5)       // 3.0 in Q5.26
    let product = half * three
    #expect(product.format == "Q5.26")
    #expect(product.value == 1.5)
    // Rescaling 1.5 to Q12.19 drops 7 bits exactly; to Q0.31 it saturates below 1.
    #expect(product.rescaled(toIntegerBits: 12).value == 1.5)
    #expect(product.rescaled(toIntegerBits: 0).raw == Int32.max)
}
