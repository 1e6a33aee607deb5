// Chapter 14 — M = S1·S2[c]/S3 for a convolution, formed the way each family's Prepare forms
// it. Chapter 6 formed it for FULLY_CONNECTED; a convolution differs in two places:
//   * int8: TFLite's PopulateConvolutionQuantizationParams (tflite/kernels/kernel_util.cc)
//     forms every channel's M in double, double(S1)·double(S2)/double(S3), per-tensor
//     weights included (their one scale repeated for every channel), where FULLY_CONNECTED
//     per tensor forms f32(S1·S2) first. uint8 (legacy): one M from f32(S1·S2), as FC.
//   * the reference kernels apply it as M0·2^shift with MultiplyByQuantizedMultiplier
//     (reference_integer_ops::ConvPerChannel), not in double as the reference FC does.
// optimized and micro apply M0·2^shift with their own final rounding; XNNPACK in float32.

import Ch01TFLiteFile
import Ch06Requantize

// snippet.convolution-multipliers
/// The requantizer of a CONV_2D or DEPTHWISE_CONV_2D for `family`.
public func convolutionRequantizer(_ scales: LayerScales, family: KernelFamily) throws -> Requantizer {
    guard let s1 = scales.inputScale, let s3 = scales.outputScale, !scales.weightScales.isEmpty else {
        throw ConvolutionError("operator \(scales.operatorIndex) (\(scales.operatorName)) is not quantized: its input, weights and output need scales")
    }
    let channels = scales.output.shape.last ?? 1
    let legacy = scales.weights.type == .uint8
    // int8: one M per channel, each in double; per-tensor weights repeat their scale.
    let s2 = legacy || scales.weightScales.count == channels ? scales.weightScales
        : Array(repeating: scales.weightScales[0], count: channels)
    let real = s2.map { legacy ? Double(s1 * $0) / Double(s3) : Double(s1) * Double($0) / Double(s3) }
    let arithmetic: Requantizer.Arithmetic
    switch family {
    case .reference, .micro:
        arithmetic = .fixedPoint(real.map { FixedPointMultiplier(quantizeMultiplier($0)) }, .tiesAwayFromZero)
    case .optimized:
        arithmetic = .fixedPoint(real.map { FixedPointMultiplier(quantizeMultiplier($0)) }, .tiesUp)
    case .xnnpack:
        arithmetic = .inFloat32(s2.map { s1 * $0 / s3 })
    }
    return Requantizer(inputScale: s1, weightScales: s2, outputScale: s3, arithmetic: arithmetic)
}
// snippet.end
