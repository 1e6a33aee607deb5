// Chapter 8 — the reference softmax: all fixed point, as TFLite's reference kernel
// (`tflite/kernels/internal/reference/softmax.h`, `Softmax<InputT, OutputT>`) and TFLite Micro
// (`tensorflow/lite/micro/kernels/softmax.cc`, which calls the same function) compute it.
// Preparation follows `SoftmaxPrepare` (kReference) in `tflite/kernels/activations.cc`, with
// `PreprocessSoftmaxScaling` and `CalculateInputRadius` from
// `tflite/kernels/internal/quantization_util.cc`. Roundings: SRDHM (ties up) for products,
// RoundingDivideByPOT (ties away from zero) for the Q12.19 sum and the output.
// Equations (8.1)–(8.10) of chapters/08-softmax.md.

import Ch01TFLiteFile
import Ch06Requantize
import Foundation

// snippet.integer-bits
/// The integer bits of the differences (Q5.26): TFLite's kScaledDiffIntegerBits.
public let scaledDifferenceIntegerBits = 5
/// The integer bits of the sum of exponentials (Q12.19): TFLite's kAccumulationIntegerBits.
/// Up to 2^12 = 4096 classes can each add e^0 = 1 without overflow.
public let accumulationIntegerBits = 12
// snippet.end

/// What the reference kernel prepares once per model: the multiplier that turns an integer
/// difference of logits into a Q5.26 real number, and the smallest difference it still uses.
public struct SoftmaxScaling: Equatable, Sendable {
    /// β·S_in·2^26 (capped at 2^31 − 1): a difference of d steps is d·β·S_in in real units,
    /// and Q5.26 counts in units of 2^−26.
    public let realMultiplier: Double
    public let inputMultiplier: Int32
    public let inputLeftShift: Int
    /// Differences below this are left out of the sum and give the output's lowest code.
    public let diffMin: Int32

    // snippet.softmax-scaling
    /// TFLite `PreprocessSoftmaxScaling` and `CalculateInputRadius`, in double as TFLite does.
    public init(inputScale: Float, beta: Float) throws {
        let fractionalBits = 31 - scaledDifferenceIntegerBits                          // 26
        let real = min(Double(beta) * Double(inputScale) * Double(1 << fractionalBits),
                       Double(Int32.max))                                              // (8.1)
        guard real > 1 else {
            throw SoftmaxError("β·S_in·2^26 = \(real) is not above 1: TFLite's QuantizeMultiplierGreaterThanOne refuses it")
        }
        let (multiplier, shift) = quantizeMultiplier(real)                             // M · 2^(shift − 31)
        guard shift >= 0 else { throw SoftmaxError("β·S_in·2^26 = \(real) gave a negative shift \(shift)") }
        realMultiplier = real
        inputMultiplier = multiplier
        inputLeftShift = shift
        // The largest |d| whose scaled value d·2^shift·M/2^31 stays above −31 (of Q5.26's −32):
        // 31 · 2^26 / 2^shift, rounded down.                                            (8.2)
        let radius = (31.0 * Double(1 << fractionalBits) / Double(Int64(1) << shift)).rounded(.down)
        diffMin = -Int32(radius)
    }
    // snippet.end

    // snippet.scaled-difference
    /// A difference d ≤ 0 of raw logits as a real number in Q5.26: d·β·S_in.
    /// TFLite `MultiplyByQuantizedMultiplierGreaterThanOne`: d·2^shift, then SRDHM with M.      (8.3)
    public func scaledDifference(_ difference: Int32) -> QNumber {
        precondition(difference <= 0 && difference >= diffMin, "difference \(difference) outside [\(diffMin), 0]")
        // |d| ≤ 31·2^26/2^shift, so d·2^shift fits in an Int32 (Int32(_:) would trap otherwise).
        let shifted = Int32(Int64(difference) << inputLeftShift)
        return QNumber(raw: saturatingRoundingDoublingHighMul(shifted, inputMultiplier),
                       integerBits: scaledDifferenceIntegerBits)
    }
    // snippet.end
}

/// Every intermediate value of the reference softmax on one row of logits.
public struct FixedPointSoftmaxRow: Sendable {
    public let logits: [Int32]
    public let maximum: Int32
    /// q − max, ≤ 0.
    public let differences: [Int32]
    /// d·β·S_in in Q5.26, or nil where d < diffMin (left out).
    public let scaledDifferences: [QNumber?]
    /// e^(d·β·S_in) in Q0.31, or nil where left out.
    public let exponentials: [QNumber?]
    /// Σ e, in Q12.19.
    public let sumOfExponentials: QNumber
    public let reciprocal: SumReciprocal
    /// The right shift that turns e/sum (Q0.31) into units of 1/256: bitsOverUnit + 31 − 8.
    public let outputExponent: Int
    public let outputs: [Int32]
}

/// The reference (fixed-point) softmax of one model: int8 → int8 or uint8 → uint8.
public struct FixedPointSoftmax: Sendable {
    public let scaling: SoftmaxScaling
    public let outputType: TensorType

    public init(inputScale: Float, beta: Float, outputType: TensorType) throws {
        guard outputType == .int8 || outputType == .uint8 else {
            throw SoftmaxError("the 8-bit softmax writes int8 or uint8, not \(outputType)")
        }
        scaling = try SoftmaxScaling(inputScale: inputScale, beta: beta)
        self.outputType = outputType
    }

    public func apply(_ logits: [Int32]) -> [Int32] { trace(logits).outputs }

    // snippet.fixed-point-row
    /// One row of logits through the reference kernel, keeping every step.
    public func trace(_ logits: [Int32]) -> FixedPointSoftmaxRow {
        let range = outputType.integerRange!  // int8 or uint8, checked in init
        let maximum = logits.max() ?? 0
        let differences = logits.map { $0 - maximum }
        let scaled = differences.map { $0 >= scaling.diffMin ? scaling.scaledDifference($0) : nil }
        let exponentials = scaled.map { $0.map(expOnNegativeValues) }                 // (8.4)
        // Each e (Q0.31) is rounded to Q12.19 before it is added.                   (8.7)
        let sum = exponentials.compactMap { $0 }.reduce(QNumber(raw: 0, integerBits: accumulationIntegerBits)) {
            $0 + $1.rescaled(toIntegerBits: accumulationIntegerBits)
        }
        let inverse = reciprocal(of: sum)                                              // (8.8)
        // e/sum = e · scale / 2^bitsOverUnit; in units of 2^−8 that is a right shift of
        // bitsOverUnit + 31 − 8 of the Q0.31 product.                                 (8.10)
        let exponent = inverse.bitsOverUnit + 31 - 8
        precondition((0...31).contains(exponent), "output shift \(exponent) outside 0...31")
        let outputs = exponentials.map { exponential -> Int32 in
            // A left-out class gets the lowest code, 0/256.
            guard let exponential else { return range.lowerBound }
            let probability = roundingDivideByPowerOfTwo((inverse.scale * exponential).raw, exponent)
            // The zero point is the type's minimum (−128 or 0), whatever the tensor says.
            let code = probability + range.lowerBound  // at most 256 + 0: no overflow
            return min(max(code, range.lowerBound), range.upperBound)
        }
        return FixedPointSoftmaxRow(
            logits: logits, maximum: maximum, differences: differences, scaledDifferences: scaled,
            exponentials: exponentials, sumOfExponentials: sum, reciprocal: inverse,
            outputExponent: exponent, outputs: outputs)
    }
    // snippet.end
}

public struct SoftmaxError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
