// Chapter 2 — choosing S and Z for a range of real numbers, as the converters do.
//
// Asymmetric (activations, and the legacy uint8 weights): the range [min, max] is spread over
// all the codes, and the zero point is nudged to an integer so that 0.0 is exactly a code. This is
// TensorFlow's `getNudgedScaleAndZeroPoint` (tensorflow/compiler/mlir/quantization/common/ir/
// FakeQuantSupport.cc), the same arithmetic, in double, as TFLite's older
// `ChooseQuantizationParams` (tflite/kernels/internal/quantization_util.h) and gemmlowp's
// doc/quantization_example.cc. The stored scale is that double rounded to float32. Step 1 widens
// the range to contain 0.0, as the converter's calibration does before calling it
// (tensorflow/compiler/mlir/lite/quantization: "adjust the range to include 0.0"); alone, the
// function would clamp Z instead, keeping the width and shifting the range.
// Symmetric (int8 weights of today's converter): Z = 0 and the codes [−127, 127].
// Prose: chapters/02-affine.md.

import Ch01TFLiteFile

extension AffineQuantization {
    // snippet.choose
    /// The (S, Z) that map the codes of `type` onto [minimum, maximum], with 0.0 exactly a code.
    public static func choose(minimum: Double, maximum: Double, type: TensorType) -> AffineQuantization {
        precondition(minimum.isFinite && maximum.isFinite && minimum <= maximum, "[\(minimum), \(maximum)] is not a range")
        guard let codes = type.integerRange else { preconditionFailure("\(type) is not an integer type") }
        let (qmin, qmax) = (Double(codes.lowerBound), Double(codes.upperBound))
        // Step 1: the range must contain 0.0, the value of padding and of ReLU's cut.
        let (low, high) = (min(minimum, 0), max(maximum, 0))
        // A range of (nearly) one point, 0.0: any scale will do; the converter takes 1 and Z = qmin.
        guard high - low >= Double.ulpOfOne else { return AffineQuantization(scale: 1, zeroPoint: codes.lowerBound, type: type) }
        // Step 2: spread the range over the codes.
        let scale = (high - low) / (qmax - qmin)
        // Step 3: solve r = S·(q − Z) for Z at one end of the range, the end whose terms are
        // smaller, since the rounding error of the subtraction grows with them.
        let zeroFromMinimum = qmin - low / scale
        let zeroFromMaximum = qmax - high / scale
        let useMinimum = abs(qmin) + abs(low / scale) < abs(qmax) + abs(high / scale)
        let zeroPoint = useMinimum ? zeroFromMinimum : zeroFromMaximum
        // Step 4: nudge Z to an integer inside the codes. 0.0 is then exactly the code Z, and the
        // range moves by less than S/2.
        let nudged = Int32(min(max(zeroPoint, qmin), qmax).rounded(.toNearestOrAwayFromZero))
        return AffineQuantization(scale: Float(scale), zeroPoint: nudged, type: type)
    }
    // snippet.end

    // snippet.symmetric
    /// Symmetric int8 weights: Z = 0, so 0.0 is the code 0 without any nudging, and the codes
    /// are [−127, 127], leaving −128 unused so that −w is as representable as w.
    /// S = max|w| / 127, rounded to float32.
    public static func symmetric(maximumMagnitude: Double) -> AffineQuantization {
        precondition(maximumMagnitude.isFinite && maximumMagnitude > 0, "a symmetric range needs a positive bound, not \(maximumMagnitude)")
        return AffineQuantization(scale: Float(maximumMagnitude / 127), zeroPoint: 0, type: .int8, narrowRange: true)
    }
    // snippet.end
}
