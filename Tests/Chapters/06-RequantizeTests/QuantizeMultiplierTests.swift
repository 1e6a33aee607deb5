// QuantizeMultiplier (quantization_util.cc) on its corner cases, and against the C library's
// own frexp and round on every exponent TFLite can produce.

import Ch06Requantize
import Foundation
import TestSupport
import Testing

/// The same computation with the C library's frexp and round, as quantization_util.cc writes it.
func quantizeMultiplierWithLibc(_ real: Double) -> (multiplier: Int32, shift: Int) {
    if real == 0 { return (0, 0) }
    var exponent: Int32 = 0
    let q = Foundation.frexp(real, &exponent)
    var fixed = Int64(Foundation.round(q * Double(Int64(1) << 31)))
    var shift = Int(exponent)
    if fixed == Int64(1) << 31 { fixed /= 2; shift += 1 }
    if shift < -31 { return (0, 0) }
    return (Int32(fixed), shift)
}

@Test func `a multiplier just below 1 rounds up to 2^31 and becomes 2^30 with one more shift`() {
    // nextDown(1.0) = 1 − 2^−53 = (1 − 2^−53)·2^0: q·2^31 rounds to 2^31, which does not fit.
    let result = quantizeMultiplier(1.0.nextDown)
    #expect(result.multiplier == 1 << 30)
    #expect(result.shift == 1)
    // 2^30 · 2^(1 − 31) = 1: the representation is still the nearest to the real multiplier.
    #expect(ChannelMultiplier.fixedPoint(multiplier: result.multiplier, shift: result.shift).value == 1.0)
}

@Test func `a multiplier below 2^−32 is flushed to zero`() {
    #expect(quantizeMultiplier(1e-12) == (0, 0))
    // 2^−32 = 0.5 · 2^−31 is the smallest that survives; 2^−33 has exponent −32.
    #expect(quantizeMultiplier(0x1p-32) == (1 << 30, -31))
    #expect(quantizeMultiplier(0x1p-33) == (0, 0))
    #expect(quantizeMultiplier(0) == (0, 0))
}

@Test func `a multiplier of 1 or more gets a positive shift`() {
    // 1.5 = 0.75 · 2^1: M0 = 0.75 · 2^31 = 3 · 2^29.
    #expect(quantizeMultiplier(1.5) == (3 << 29, 1))
    #expect(quantizeMultiplier(1.0) == (1 << 30, 1))
    #expect(quantizeMultiplier(0.5) == (1 << 30, 0))
}

@Test func `M0 rounds ties away from zero`() {
    // 0.5 + 2^−32 = (2^30 + 0.5) · 2^−31 exactly: the tie goes up to 2^30 + 1.
    #expect(quantizeMultiplier(0.5 + 0x1p-32) == ((1 << 30) + 1, 0))
}

@Test(arguments: -33...8)
func `QuantizeMultiplier agrees with libc's frexp and round for every exponent`(exponent: Int) {
    var generator = SplitMix64(state: UInt64(exponent + 100))
    for _ in 0..<2_000 {
        let real = Double.random(in: 1.0..<2.0, using: &generator) * Double(sign: .plus, exponent: exponent, significand: 1)
        let (multiplier, shift) = quantizeMultiplier(real)
        let expected = quantizeMultiplierWithLibc(real)
        #expect(multiplier == expected.multiplier && shift == expected.shift,
                "\(real): expected \(expected), observed \((multiplier, shift))")
        // And M0 · 2^(shift − 31) is within half a step of M0 of the real multiplier.
        if multiplier != 0 {
            #expect((1 << 30)...Int32.max ~= multiplier)
            let step = Double(sign: .plus, exponent: shift - 31, significand: 1)
            #expect(abs(ChannelMultiplier.fixedPoint(multiplier: multiplier, shift: shift).value - real) <= step / 2)
        }
    }
}
