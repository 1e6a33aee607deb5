// Chapter 14 — DEPTHWISE_CONV_2D: one small filter per channel instead of one across all of
// them. Output channel o reads only input channel o / m (m the depth multiplier), so its
// accumulator sums the window's taps of that one channel:
//   acc[o] = Σ_taps (q_w[tap, o] − Z_w[o]) · (q_in[tap, o / m] − Z_in) + bias[o]
// then M[o], Z3 and the clamp as for CONV_2D. The filter is stored [1, KH, KW, C·m]: taps
// outermost, channels innermost, and its per-channel scales lie along dimension 3.
// TFLite: tflite/kernels/depthwise_conv.cc, reference_integer_ops::DepthwiseConvPerChannel
// (int8), reference_ops::DepthwiseConv (uint8).

import Ch01TFLiteFile
import Ch04ZeroPointMatmul
import Ch05Bias
import Ch06Requantize
import Ch07Clamp
import Ch09Network

/// A DEPTHWISE_CONV_2D prepared for one kernel family.
public struct DepthwiseLayer: Sendable {
    public let scales: LayerScales
    public let options: ConvolutionOptions
    public let input: ImageShape
    public let output: ImageShape
    public let patches: Patches
    /// [C·m][KH·KW]: row o is output channel o's taps (the file's filter, transposed).
    public let weights: QuantizedWeights
    public let bias: QuantizedBias
    public let requantizer: Requantizer
    public let clamp: OutputClamp

    public init(scales: LayerScales, options: ConvolutionOptions, model: Model, family: KernelFamily) throws {
        let what = "operator \(scales.operatorIndex) (DEPTHWISE_CONV_2D)"
        let filter = scales.weights
        let (input, output) = try convolutionShapes(scales, what)
        guard filter.shape.count == 4, filter.shape[0] == 1, filter.shape.allSatisfy({ $0 > 0 }),
              filter.shape[3] == output.channels, output.channels == input.channels * options.depthMultiplier else {
            throw ConvolutionError("\(what) has a filter \(filter.shape), depth multiplier \(options.depthMultiplier), for \(input.channels) input and \(output.channels) output channels; a depthwise filter is [1, height, width, inputs × multiplier]")
        }
        let geometry = WindowGeometry(inputHeight: input.height, inputWidth: input.width,
                                      windowHeight: filter.shape[1], windowWidth: filter.shape[2], options: options)
        try requireOutputSize(geometry, output, what)
        (self.scales, self.options, self.input, self.output) = (scales, options, input, output)
        patches = Patches(input: input, geometry: geometry, paddingCode: scales.inputZeroPoint)
        // The file's [taps][channels] read as [channels][taps]: row o holds channel o's taps.
        let stored = try model.codes(of: filter)
        let channels = output.channels
        let transposed = (0..<channels).flatMap { o in (0..<geometry.taps).map { tap in stored[tap * channels + o] } }
        let zeroPoints = filter.quantization?.zeroPoints ?? [0]
        guard zeroPoints.count == 1 || zeroPoints.count == channels else {
            throw ConvolutionError("\(what) has \(zeroPoints.count) weight zero points for \(channels) output channels")
        }
        weights = QuantizedWeights(outputCount: channels, inputCount: geometry.taps, codes: transposed,
                                   zeroPoints: zeroPoints.count == channels ? zeroPoints : Array(repeating: zeroPoints[0], count: channels))
        bias = try QuantizedBias(tensor: scales.bias, in: model, outputCount: channels)
        requantizer = try convolutionRequantizer(scales, family: family)
        clamp = try OutputClamp(layer: scales, family: family)
        try requireExactAccumulators(weights, bias, scales, what)
    }

    // snippet.depthwise
    /// The int32 accumulators (bias included) and the output codes, both [H][W][C·m].
    public func callAsFunction(_ image: [Int32]) -> (accumulators: [Int32], outputs: [Int32]) {
        let (channels, multiplier, zeroPoint) = (output.channels, options.depthMultiplier, scales.inputZeroPoint)
        var accumulators: [Int32] = []
        accumulators.reserveCapacity(output.count)
        for y in 0..<output.height {
            for x in 0..<output.width {
                let patch = patches.patch(image, y: y, x: x)  // [taps][input channels]
                for o in 0..<channels {
                    let row = weights.row(o), weightZeroPoint = weights.zeroPoints[o]
                    var sum: Int32 = 0
                    for (tap, code) in row.enumerated() {
                        sum += (code - weightZeroPoint) * (patch[tap * input.channels + o / multiplier] - zeroPoint)
                    }
                    accumulators.append(bias.added(to: sum, channel: o))
                }
            }
        }
        let outputs = accumulators.indices.map { index in
            clamp.apply(requantizer.scaled(accumulators[index], channel: index % channels))
        }
        return (accumulators, outputs)
    }
    // snippet.end
}

extension DepthwiseLayer: ImageOperator {
    public var readCount: Int { input.count }
    public var writtenCount: Int { output.count }
    public func apply(_ codes: [Int32]) -> (outputs: [Int32], accumulators: [Int32]?) {
        let result = self(codes)
        return (result.outputs, result.accumulators)
    }
}
