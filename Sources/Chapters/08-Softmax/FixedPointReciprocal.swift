// Chapter 8 — 1/sum in fixed point: gemmlowp `one_over_one_plus_x_for_x_in_0_1`
// (fixedpoint/fixedpoint.h), three Newton–Raphson steps, and TFLite's `GetReciprocal`
// (`tflite/kernels/internal/common.h`), which first scales the sum into [1, 2).
// Products are SRDHM (ties up); the halving is RoundingHalfSum (ties away from zero).
// Equations (8.8) and (8.9) of chapters/08-softmax.md.

import Ch06Requantize

/// The Newton–Raphson constants, in Q2.29 (× 2^29, rounded).
public enum ReciprocalConstants {
    // snippet.reciprocal-constants
    /// 48/17 · 2^29 and −32/17 · 2^29: the straight line 48/17 − 32/17·d is the best first guess
    /// of 1/d over d in [1/2, 1] (its error is at most 1/17 there), so three steps suffice.
    public static let fortyEightSeventeenths: Int32 = 1_515_870_810
    public static let minusThirtyTwoSeventeenths: Int32 = -1_010_580_540
    // snippet.end
}

// snippet.one-over-one-plus-x
/// 1/(1 + a) for a in [0, 1), a in Q0.31; the result, in (1/2, 1], is Q0.31.
/// Newton–Raphson for 1/d with d = (1 + a)/2 in [1/2, 1): x ← x + x·(1 − d·x), then 1/(1 + a) = x/2.  (8.9)
public func oneOverOnePlusX(_ a: QNumber) -> QNumber {
    precondition(a.integerBits == 0, "the reciprocal takes Q0.31, not \(a.format)")
    let halfDenominator = QNumber(raw: roundingHalfSum(a.raw, Int32.max), integerBits: 0)  // (1 + a)/2
    let one = QNumber.one(integerBits: 2)
    // Q0.31 × Q2.29 → Q2.29: the first guess of 1/d, between 1 and 2.
    var x = QNumber(raw: ReciprocalConstants.fortyEightSeventeenths, integerBits: 2)
        + halfDenominator * QNumber(raw: ReciprocalConstants.minusThirtyTwoSeventeenths, integerBits: 2)
    for _ in 0..<3 {
        let oneMinusDx = one - halfDenominator * x           // Q2.29
        x = x + (x * oneMinusDx).rescaled(toIntegerBits: 2)  // Q4.27 → Q2.29, saturating
    }
    // x/2 without touching a bit (Q2.29 read as Q1.30), then Q1.30 → Q0.31, saturating.
    return x.exactlyMultipliedByPowerOfTwo(-1).rescaled(toIntegerBits: 0)
}
// snippet.end

/// What `GetReciprocal` returns: 1/sum as a Q0.31 number and a power of two, so that
/// 1/sum = scale.value / 2^bitsOverUnit.
public struct SumReciprocal: Equatable, Sendable {
    /// 1/(1 + x), where sum = 2^bitsOverUnit · (1 + x) with x in [0, 1).
    public let scale: QNumber
    /// How many powers of two the sum has above 1 (its leading bit's place, counted from 1.0).
    public let bitsOverUnit: Int
    /// x of 1 + x, in Q0.31: the sum shifted so that its leading bit is worth 1, minus that 1.
    public let shiftedSumMinusOne: QNumber
}

// snippet.get-reciprocal
/// TFLite `GetReciprocal`: 1/sum for a positive `sum`. Shift the sum left until its leading
/// bit sits at 2^31 (the shift is its count of leading zeros); that leading bit is 1.0 and the
/// bits below it are x in Q0.31, so sum = 2^bitsOverUnit · (1 + x).                        (8.8)
public func reciprocal(of sum: QNumber) -> SumReciprocal {
    precondition(sum.raw > 0, "the sum of exponentials is at least e^0 = 1")
    let leadingZeros = UInt32(bitPattern: sum.raw).leadingZeroBitCount
    let bitsOverUnit = sum.integerBits - leadingZeros
    // The leading bit moves to bit 31 (2^31 as a UInt32); subtracting it leaves x.
    let shifted = UInt32(bitPattern: sum.raw) << leadingZeros
    let x = QNumber(raw: Int32(bitPattern: shifted - (UInt32(1) << 31)), integerBits: 0)
    return SumReciprocal(scale: oneOverOnePlusX(x), bitsOverUnit: bitsOverUnit, shiftedSumMinusOne: x)
}
// snippet.end
