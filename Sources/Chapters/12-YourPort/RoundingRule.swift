// Chapter 12 — chapter 6's four families, seen as two choices each: in which arithmetic the
// product M·acc is formed (double, gemmlowp's fixed point, or float32) and which way an exact
// tie goes (away from zero, up, to even). The families are four of the nine pairs; a port that
// made another pair is one rounding rule away from the family with its arithmetic.

import Ch06Requantize

public enum ProductArithmetic: String, Sendable, CaseIterable {
    case double = "in double"
    case fixedPoint = "in fixed point (M0, shift)"
    case float32 = "in float32"
}

public enum TieRule: String, Sendable, CaseIterable {
    case awayFromZero = "ties away from zero"
    case up = "ties up (toward +∞)"
    case toEven = "ties to even"

    /// x rounded to an integer by this rule.
    func round(_ x: Double) -> Double {
        switch self {
        case .awayFromZero: x.rounded(.toNearestOrAwayFromZero)
        case .up: (x + 0.5).rounded(.down)
        case .toEven: x.rounded(.toNearestOrEven)
        }
    }

    /// high / 2^shift rounded to an integer by this rule, exactly (shift 0…31).
    func divide(_ high: Int64, byPowerOfTwo shift: Int) -> Int64 {
        guard shift > 0 else { return high }
        let floor = high >> Int64(shift)
        let remainder = high - (floor << Int64(shift))
        let half = Int64(1) << Int64(shift - 1)
        if remainder != half { return floor + (remainder > half ? 1 : 0) }
        switch self {
        case .awayFromZero: return high >= 0 ? floor + 1 : floor
        case .up: return floor + 1
        case .toEven: return floor & 1 == 0 ? floor : floor + 1
        }
    }
}

/// One way of computing q3 − Z3 = M·acc: an arithmetic and a tie rule.
public struct RoundingRule: Sendable, Equatable, CustomStringConvertible {
    public let arithmetic: ProductArithmetic
    public let ties: TieRule

    // snippet.family-pairs
    /// The pair a family uses (chapter 6).
    public init(family: KernelFamily) {
        switch family {
        case .reference: (arithmetic, ties) = (.double, .awayFromZero)
        case .optimized: (arithmetic, ties) = (.fixedPoint, .up)
        case .micro: (arithmetic, ties) = (.fixedPoint, .awayFromZero)
        case .xnnpack: (arithmetic, ties) = (.float32, .toEven)
        }
    }
    // snippet.end

    public init(_ arithmetic: ProductArithmetic, _ ties: TieRule) { (self.arithmetic, self.ties) = (arithmetic, ties) }

    public static var all: [RoundingRule] {
        ProductArithmetic.allCases.flatMap { arithmetic in TieRule.allCases.map { RoundingRule(arithmetic, $0) } }
    }

    /// The family that computes this way, if one does.
    public var family: KernelFamily? { KernelFamily.allCases.first { RoundingRule(family: $0) == self } }

    public var description: String { "the product \(arithmetic.rawValue), \(ties.rawValue)" }

    /// M·acc for channel `channel` of a layer with scales S1, S2[c], S3, as this rule computes it.
    /// `requantizers` holds the layer's requantizer in each family, whose multipliers it reuses.
    public func scaled(_ accumulator: Int32, channel: Int, double: Requantizer, fixedPoint: Requantizer, float32: Requantizer) -> Int64 {
        switch arithmetic {
        case .double:
            guard case .double(let m) = double.multiplier(channel: channel) else { return 0 }
            return Int64(clampedToInt32: ties.round(Double(accumulator) * m))
        case .fixedPoint:
            guard case .fixedPoint(let m0, let shift) = fixedPoint.multiplier(channel: channel) else { return 0 }
            let product = HighMultiply(accumulator, multiplier: m0, shift: shift)
            return ties.divide(Int64(product.high), byPowerOfTwo: product.rightShift)
        case .float32:
            guard case .float(let m) = float32.multiplier(channel: channel) else { return 0 }
            return Int64(clampedToInt32: ties.round(Double(Float(accumulator) * m)))
        }
    }
}

extension Int64 {
    /// A rounded double as an integer, saturated to int32's range (no real layer leaves it).
    init(clampedToInt32 value: Double) {
        self = value.isNaN ? 0 : value >= 0x1p31 ? Int64(Int32.max) : value < -0x1p31 ? Int64(Int32.min) : Int64(value)
    }
}
