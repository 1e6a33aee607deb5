// Chapter 8 — gemmlowp's fixed-point numbers, the "Q formats" the reference softmax computes in.
//
// Reproduces the parts of gemmlowp `fixedpoint/fixedpoint.h` that TFLite's reference softmax
// (`tflite/kernels/internal/reference/softmax.h`) uses: the `FixedPoint<int32_t, IntegerBits>`
// class, its product (SRDHM, ties up), `Rescale` (a saturating left shift, or RoundingDivideByPOT
// with ties away from zero), `ExactMulByPot` and `RoundingHalfSum`. Prose: chapters/08-softmax.md.
//
// gemmlowp picks the format at compile time; here it is a stored field, so that the chapter can
// print it ("Q5.26") and the product can say which format it lands in.

import Ch06Requantize

// snippet.q-number
/// A gemmlowp fixed-point number: an Int32 read as raw / 2^fractionalBits, with one sign bit,
/// `integerBits` integer bits and 31 − integerBits fractional bits. Qm.n names that format:
/// Q0.31 holds [−1, 1), Q5.26 holds [−32, 32), Q12.19 holds [−4096, 4096).
public struct QNumber: Equatable, Sendable, CustomStringConvertible {
    public var raw: Int32
    public let integerBits: Int

    public init(raw: Int32, integerBits: Int) {
        precondition((0...31).contains(integerBits), "a Q format has 0 to 31 integer bits, not \(integerBits)")
        self.raw = raw
        self.integerBits = integerBits
    }

    public var fractionalBits: Int { 31 - integerBits }
    /// "Q5.26".
    public var format: String { "Q\(integerBits).\(fractionalBits)" }
    /// The real number the raw integer stands for.
    public var value: Double { Double(raw) / Double(Int64(1) << fractionalBits) }
    public var description: String { "\(raw) (\(format), \(value))" }

    /// gemmlowp `FixedPoint::One()`: 1.0, which Q0.31 cannot hold, so there it is 2^31 − 1.
    public static func one(integerBits: Int) -> QNumber {
        QNumber(raw: integerBits == 0 ? Int32.max : Int32(1) << (31 - integerBits), integerBits: integerBits)
    }

    /// gemmlowp `ConstantPOT<exponent>()`: exactly 2^exponent.
    public static func powerOfTwo(_ exponent: Int, integerBits: Int) -> QNumber {
        QNumber(raw: Int32(1) << (31 - integerBits + exponent), integerBits: integerBits)
    }
}
// snippet.end

extension QNumber {
    // snippet.q-product
    /// The product of two fixed-point numbers is one SRDHM of their raw values; the integer
    /// bits add up (Q0.31 × Q5.26 → Q5.26), so the raw result needs no further shift.
    public static func * (a: QNumber, b: QNumber) -> QNumber {
        QNumber(raw: saturatingRoundingDoublingHighMul(a.raw, b.raw), integerBits: a.integerBits + b.integerBits)
    }
    // snippet.end

    // snippet.q-sum
    /// Sum of two numbers of the same format. gemmlowp's int32 `Add` does not saturate; its
    /// callers make sure it cannot overflow, and Swift's `+` traps if one ever did.
    public static func + (a: QNumber, b: QNumber) -> QNumber {
        precondition(a.integerBits == b.integerBits, "adding \(a.format) to \(b.format)")
        return QNumber(raw: a.raw + b.raw, integerBits: a.integerBits)
    }

    public static func - (a: QNumber, b: QNumber) -> QNumber {
        precondition(a.integerBits == b.integerBits, "subtracting \(b.format) from \(a.format)")
        return QNumber(raw: a.raw - b.raw, integerBits: a.integerBits)
    }
    // snippet.end

    // snippet.rescale
    /// gemmlowp `Rescale<integerBits>`: the same real number in another format. Fewer integer
    /// bits shift the raw value left, saturating; more shift it right with RoundingDivideByPOT.
    public func rescaled(toIntegerBits target: Int) -> QNumber {
        QNumber(raw: saturatingRoundingMultiplyByPowerOfTwo(raw, integerBits - target), integerBits: target)
    }

    /// gemmlowp `ExactMulByPot<exponent>`: the same raw value read with `exponent` more integer
    /// bits, which multiplies the real number by 2^exponent without touching a bit.
    public func exactlyMultipliedByPowerOfTwo(_ exponent: Int) -> QNumber {
        QNumber(raw: raw, integerBits: integerBits + exponent)
    }
    // snippet.end
}

// snippet.saturating-shift
/// gemmlowp `SaturatingRoundingMultiplyByPOT<exponent>` on an int32: x·2^exponent. A positive
/// exponent is a left shift that saturates at Int32.min and Int32.max; a negative one is a
/// RoundingDivideByPOT (ties away from zero).
public func saturatingRoundingMultiplyByPowerOfTwo(_ x: Int32, _ exponent: Int) -> Int32 {
    if exponent == 0 { return x }
    if exponent < 0 { return roundingDivideByPowerOfTwo(x, -exponent) }
    precondition(exponent < 31, "a left shift by \(exponent) leaves no bits")
    // Beyond ±threshold the shifted value would not fit in 32 bits.
    let threshold = (Int32(1) << (31 - exponent)) - 1
    if x > threshold { return Int32.max }
    if x < -threshold { return Int32.min }
    return x << exponent
}
// snippet.end

// snippet.rounding-half-sum
/// gemmlowp `RoundingHalfSum` (ARM VRHADD): (a + b)/2 rounded to nearest, halves away from
/// zero, computed in 64 bits so that the sum cannot overflow.
public func roundingHalfSum(_ a: Int32, _ b: Int32) -> Int32 {
    let sum = Int64(a) + Int64(b)
    let sign: Int64 = sum >= 0 ? 1 : -1
    // Int64 division truncates toward zero; adding the sign first rounds the half away.
    return Int32((sum + sign) / 2)
}
// snippet.end
