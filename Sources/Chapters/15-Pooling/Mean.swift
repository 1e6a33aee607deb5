// Chapter 15 — MEAN over height and width (Keras GlobalAveragePooling2D): one value per
// channel, the average of its N = H·W codes. Unlike the poolings, input and output have their
// own scales, so the average is requantized:
//   (15.2)  q_out = Z_out + M_N·(Σq − N·Z_in),   M_N = S_in/(S_out·N)
// TFLite forms M_N in two steps (tflite/kernels/reduce.cc PrepareMeanOrSum, then
// reference_ops::QuantizedMeanOrSum in tflite/kernels/internal/reference/reduce.h):
//   M0, shift = QuantizeMultiplier(double(S_in)/double(S_out))     once, at Prepare
//   k = min(⌊log2 N⌋, 32, 31 + shift);  M0' = ⌊M0·2^k / N⌋;  shift' = shift − k
// so the division by N is folded into the multiplier, truncated, not rounded. The output is
// clamped to the type's range only: MEAN has no fused activation. Both LiteRT resolvers run
// this code for keep_dims = false (the optimized Mean is taken only with keep_dims), and so
// does TFLite Micro (its reduce_common.cc calls the same reference function).
//
// XNNPACK (src/operators/reduce-nd.c, xnn_init_qs8_reduce_scalar_params, and the int32 → qs8
// convert of src/reference/unary-elementwise.cc) works in float32 throughout:
//   scale = f32(f32(S_in/S_out) · f32(1/N)),   Z' = f32(Z_out − f32(f32(N·Z_in)·scale))
//   (15.3)  q_out = clamp(nearbyint(f32(f32(Σq)·scale) + Z')),   ties to even
import Ch01TFLiteFile
import Ch06Requantize
import Ch09Network
import Ch14Convolution

public struct Mean: Sendable, ImageOperator {
    public let operatorIndex: Int
    public let input: ImageShape
    public let family: KernelFamily
    public let inputZeroPoint: Int32
    public let outputZeroPoint: Int32
    /// S_in/S_out as QuantizeMultiplier makes it, then with 1/N folded in.
    public let ratio: FixedPointMultiplier
    public let multiplier: FixedPointMultiplier
    /// XNNPACK's float32 scale and zero point, (15.3).
    public let floatScale: Float
    public let floatZeroPoint: Float
    public let range: ClosedRange<Int32>

    public init(_ op: Operator, keepDims: Bool, model: Model, family: KernelFamily) throws {
        let what = "operator \(op.index) (MEAN)"
        let graph = model.main
        guard op.inputs.count == 2, op.inputs.allSatisfy({ $0 >= 0 }), op.outputs.count == 1 else {
            throw ConvolutionError("\(what) needs an input, its axes and an output tensor")
        }
        let (source, axes, target) = (graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]], graph.tensors[op.outputs[0]])
        guard let input = ImageShape(source) else {
            throw ConvolutionError("\(what) reads \(source.shape); the workbook averages a [1, H, W, C] image")
        }
        let axisValues = axes.type == .int32 ? (try? model.codes(of: axes)) ?? [] : []
        guard axisValues.count == 2, Set(axisValues.map { $0 < 0 ? $0 + 4 : $0 }) == [1, 2] else {
            throw ConvolutionError("\(what) averages over axes \(axisValues); the workbook computes the mean over height and width (1, 2), Keras's GlobalAveragePooling2D")
        }
        let expected = keepDims ? [1, 1, 1, input.channels] : [1, input.channels]
        guard target.shape == expected else {
            throw ConvolutionError("\(what) writes \(target.shape), not \(expected)")
        }
        guard source.type == target.type, source.type == .int8 || source.type == .uint8, let range = source.type.integerRange,
              let from = source.quantization, let to = target.quantization else {
            throw ConvolutionError("\(what) reads \(source.type) and writes \(target.type); the workbook averages quantized int8 or uint8 images")
        }
        if keepDims, family == .optimized {
            throw ConvolutionError("\(what) keeps its dimensions: LiteRT's optimized kernels then take optimized_integer_ops::Mean, which the workbook does not compute yet")
        }
        (operatorIndex, self.input, self.family, self.range) = (op.index, input, family, range)
        (inputZeroPoint, outputZeroPoint) = (from.zeroPoints[0], to.zeroPoints[0])
        let real = Double(from.scales[0]) / Double(to.scales[0])
        guard real < 0x1p31 else { throw ConvolutionError("\(what) multiplies by S_in/S_out = \(real), beyond what an int32 multiplier holds") }
        ratio = FixedPointMultiplier(quantizeMultiplier(real))
        let count = input.height * input.width
        multiplier = Self.foldCount(ratio, count: count)
        floatScale = (from.scales[0] / to.scales[0]) * (1 / Float(count))
        floatZeroPoint = Float(outputZeroPoint) - Float(count) * Float(inputZeroPoint) * floatScale
        guard floatScale.isFinite, floatZeroPoint.isFinite else {
            throw ConvolutionError("\(what) has S_in/S_out = \(real), which float32 arithmetic cannot scale")
        }
    }

    // snippet.mean-multiplier
    /// M0' = ⌊M0·2^k/N⌋ and shift' = shift − k: 1/N folded into the multiplier, keeping as
    /// many bits as int32 and MultiplyByQuantizedMultiplier's shift allow.
    static func foldCount(_ m: FixedPointMultiplier, count: Int) -> FixedPointMultiplier {
        let log2 = Int.bitWidth - 1 - count.leadingZeroBitCount
        let k = min(log2, 32, 31 + m.shift)
        let folded = (Int64(m.multiplier) << k) / Int64(count)
        return FixedPointMultiplier((Int32(truncatingIfNeeded: folded), m.shift - k))
    }
    // snippet.end

    public var readCount: Int { input.count }
    public var writtenCount: Int { input.channels }

    // snippet.mean
    /// One code per channel; the accumulators are the channels' Σq − N·Z_in.
    public func apply(_ codes: [Int32]) -> (outputs: [Int32], accumulators: [Int32]?) {
        let count = Int32(input.height * input.width)
        let sums = (0..<input.channels).map { channel in
            stride(from: channel, to: input.count, by: input.channels).reduce(Int32(0)) { $0 + codes[$1] }
        }
        let outputs = sums.map { sum in
            let value: Int64
            if family == .xnnpack {
                // Clamped in float first, as XNNPACK's round_float_to_int does: no conversion can trap.
                let real = (Float(sum) * floatScale + floatZeroPoint).rounded(.toNearestOrEven)
                value = Int64(min(max(real, Float(range.lowerBound)), Float(range.upperBound)))
            } else {
                value = Int64(multiplyByQuantizedMultiplier(sum - count * inputZeroPoint, multiplier: multiplier.multiplier,
                                                            shift: multiplier.shift)) + Int64(outputZeroPoint)
            }
            return Int32(min(max(value, Int64(range.lowerBound)), Int64(range.upperBound)))
        }
        return (outputs, sums.map { $0 - count * inputZeroPoint })
    }
    // snippet.end
}
