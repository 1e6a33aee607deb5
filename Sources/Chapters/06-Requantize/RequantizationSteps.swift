// Chapter 6 — one requantization, step by step: what a person needs to redo q3 − Z3 = M·acc by
// hand in the family's own arithmetic. `workbook trace` and the narrations of chapters 6 and
// 11 print these fields; the values come from the same functions the network runs
// (FamilyArithmetic.swift), so the printed steps cannot drift from the computed result.

/// How the last step of the fixed-point families rounds an exact tie: the only difference
/// between optimized and micro.
public enum FinalRounding: String, Sendable {
    /// gemmlowp RoundingDivideByPOT: −2.5 → −3, 2.5 → 3 (micro).
    case tiesAwayFromZero = "ties away from zero"
    /// ARM VRSHL: −2.5 → −2, 2.5 → 3 (optimized).
    case tiesUp = "ties toward +∞"

    /// (6.5) in the family of this rounding: TFLite's optimized kernels or TFLite Micro.
    public func requantize(_ accumulator: Int32, _ m: FixedPointMultiplier) -> Int32 {
        switch self {
        case .tiesUp: multiplyByQuantizedMultiplierTiesUp(accumulator, multiplier: m.multiplier, shift: m.shift)
        case .tiesAwayFromZero: multiplyByQuantizedMultiplier(accumulator, multiplier: m.multiplier, shift: m.shift)
        }
    }

    /// The integer families' final rounding; nil for the families that requantize in floating point.
    public init?(family: KernelFamily) {
        switch family {
        case .micro: self = .tiesAwayFromZero
        case .optimized: self = .tiesUp
        case .reference, .xnnpack: return nil
        }
    }

    /// The family that rounds this way: the inverse of `init(family:)`.
    public var family: KernelFamily {
        switch self {
        case .tiesAwayFromZero: .micro
        case .tiesUp: .optimized
        }
    }
}

/// q3 − Z3 = M·acc for one accumulator, with every intermediate value of its family.
public enum RequantizationSteps: Sendable, Equatable {
    /// reference: acc·M in double, rounded half away from zero.
    case inDouble(multiplier: Double, product: Double, result: Int32)
    /// optimized and micro: (6.5).
    case fixedPoint(FixedPointSteps)
    /// xnnpack: f32(acc)·M in float32, rounded half to even.
    case inFloat32(multiplier: Float, product: Float, result: Int32)

    /// q3 − Z3: what chapter 7 adds the output zero point to.
    public var result: Int32 {
        switch self {
        case .inDouble(_, _, let result), .inFloat32(_, _, let result): result
        case .fixedPoint(let steps): steps.result
        }
    }
}

/// (6.5) for one accumulator: x = acc·2^ℓ, h = SRDHM(x, M0), then h / 2^ρ rounded the way of
/// `rounding`'s family.
public struct FixedPointSteps: Sendable, Equatable {
    public let multiplier: Int32
    public let shift: Int
    public let product: HighMultiply
    public let rounding: FinalRounding
    public let result: Int32

    public init(_ accumulator: Int32, _ m: FixedPointMultiplier, rounding: FinalRounding) {
        (multiplier, shift, self.rounding) = (m.multiplier, m.shift, rounding)
        product = HighMultiply(accumulator, multiplier: m.multiplier, shift: m.shift)
        result = rounding.requantize(accumulator, m)
    }
}
