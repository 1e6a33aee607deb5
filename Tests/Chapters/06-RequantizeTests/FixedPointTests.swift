// Chapter 6's fixed-point primitives (FixedPoint.swift) against plain integer or Double
// references: every shift for the two rounding shifts, edge values and a seeded random sweep
// for SRDHM. Every tolerance is 0: these are exact integer operations.

import Ch06Requantize
import TestSupport
import Testing

/// Values where the roundings change their minds: the ends of Int32, ±1, powers of two and
/// their neighbours, and odd numbers near them.
let edgeValues: [Int32] = {
    var values: Set<Int32> = [0, 1, -1, 2, -2, 3, -3, 5, -5, Int32.max, Int32.min, Int32.min + 1, Int32.max - 1]
    for bit in 0..<31 {
        let power = Int32(1) << bit
        for value in [power - 1, power, power + 1] { values.insert(value); values.insert(-value) }
    }
    return values.sorted()
}()


/// SRDHM written differently: round(a·b / 2^31) with ties up is floor((a·b + 2^30) / 2^31),
/// and an arithmetic shift of an Int64 is a floor division.
func highMulReference(_ a: Int32, _ b: Int32) -> Int64 {
    (Int64(a) * Int64(b) + (1 << 30)) >> 31
}

@Test func `SRDHM of −2^31 by −2^31 saturates to 2^31 − 1`() {
    // The exact answer, 2^31, is the one product that does not fit.
    #expect(highMulReference(Int32.min, Int32.min) == 1 << 31)
    #expect(saturatingRoundingDoublingHighMul(Int32.min, Int32.min) == Int32.max)
}

@Test func `SRDHM agrees with the wide-integer reference on every pair of edge values`() {
    for a in edgeValues {
        for b in edgeValues where !(a == Int32.min && b == Int32.min) {
            let expected = highMulReference(a, b)
            let observed = saturatingRoundingDoublingHighMul(a, b)
            #expect(Int64(observed) == expected, "SRDHM(\(a), \(b)): expected \(expected), observed \(observed)")
        }
    }
}

@Test func `SRDHM agrees with the wide-integer reference on 200,000 random pairs`() {
    var generator = SplitMix64(state: 0x5EED_0006)
    var mismatches = 0
    for _ in 0..<200_000 {
        let a = Int32.random(in: .min ... .max, using: &generator)
        // Half the multipliers in TFLite's range [2^30, 2^31), half anywhere.
        let b = Bool.random(using: &generator) ? Int32.random(in: (1 << 30) ... .max, using: &generator)
                                               : Int32.random(in: .min ... .max, using: &generator)
        if Int64(saturatingRoundingDoublingHighMul(a, b)) != highMulReference(a, b) {
            mismatches += 1
            Issue.record("SRDHM(\(a), \(b)): expected \(highMulReference(a, b)), observed \(saturatingRoundingDoublingHighMul(a, b))")
            if mismatches > 10 { return }
        }
    }
}

@Test func `SRDHM rounds exact ties up, also for negative products`() {
    // a·b = ±2^30 is exactly half of 2^31: +0.5 → 1, −0.5 → 0.
    #expect(saturatingRoundingDoublingHighMul(1 << 15, 1 << 15) == 1)
    #expect(saturatingRoundingDoublingHighMul(-(1 << 15), 1 << 15) == 0)
    // ±3·2^30 is ±1.5 units: 1.5 → 2, −1.5 → −1.
    #expect(saturatingRoundingDoublingHighMul(3 << 15, 1 << 15) == 2)
    #expect(saturatingRoundingDoublingHighMul(-(3 << 15), 1 << 15) == -1)
}

@Test func `−5 shifted right by 1 is −3 with RDBPOT and −2 with the ties-up shift`() {
    // −5 / 2 = −2.5, an exact tie: away from zero gives −3, toward +∞ gives −2.
    #expect(roundingDivideByPowerOfTwo(-5, 1) == -3)
    #expect(roundingShiftRightTiesUp(-5, 1) == -2)
    // Positive ties agree: 5 / 2 = 2.5 → 3 both ways.
    #expect(roundingDivideByPowerOfTwo(5, 1) == 3)
    #expect(roundingShiftRightTiesUp(5, 1) == 3)
}

/// x / 2^shift in Double: exact, because |x| < 2^31 and a power of two only moves the exponent.
func quotient(_ x: Int32, _ shift: Int) -> Double { Double(x) / Double(sign: .plus, exponent: shift, significand: 1) }

/// Values around every multiple-of-2^shift boundary that matters: exact ties above and below
/// zero, one either side of them, and the edge values.
func valuesAroundTies(shift: Int) -> [Int32] {
    guard shift > 0 else { return edgeValues }
    let half = Int64(1) << (shift - 1)
    var values = edgeValues.map(Int64.init)
    for multiple in [-3, -2, -1, 0, 1, 2, 3] as [Int64] {
        let tie = multiple * 2 * half + half
        values += [tie - 1, tie, tie + 1, -tie - 1, -tie, -tie + 1]
    }
    return values.compactMap { Int32(exactly: $0) }
}

@Test(arguments: 0...31)
func `RDBPOT rounds x divided by 2^shift to nearest, ties away from zero`(shift: Int) {
    for x in valuesAroundTies(shift: shift) {
        let expected = quotient(x, shift).rounded(.toNearestOrAwayFromZero)
        let observed = roundingDivideByPowerOfTwo(x, shift)
        #expect(Double(observed) == expected, "RDBPOT(\(x), \(shift)): expected \(expected), observed \(observed)")
    }
}

@Test(arguments: 0...31)
func `the ties-up shift rounds x divided by 2^shift to nearest, ties toward +∞`(shift: Int) {
    for x in valuesAroundTies(shift: shift) {
        // floor(x/2^shift + 1/2): the sum is exact in Double (at most 32 significant bits).
        let expected = (quotient(x, shift) + 0.5).rounded(.down)
        let observed = roundingShiftRightTiesUp(x, shift)
        #expect(Double(observed) == expected, "tiesUp(\(x), \(shift)): expected \(expected), observed \(observed)")
    }
}

@Test(arguments: 1...31)
func `the two rounding shifts differ exactly on negative ties`(shift: Int) {
    for x in valuesAroundTies(shift: shift) {
        let isNegativeTie = x < 0 && quotient(x, shift).truncatingRemainder(dividingBy: 1) == -0.5
        let differ = roundingDivideByPowerOfTwo(x, shift) != roundingShiftRightTiesUp(x, shift)
        #expect(differ == isNegativeTie, "x = \(x), shift = \(shift)")
        if differ { #expect(roundingDivideByPowerOfTwo(x, shift) == roundingShiftRightTiesUp(x, shift) - 1) }
    }
}
