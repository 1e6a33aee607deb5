// Chapter 14 — CONV_2D, assembled from chapters 4 to 7 over patches:
//   for every output pixel (y, x):
//     patch   = the window's input values, Z_in off the image          Patch.swift
//     acc[c]  = Σ_k (q_w[c,k] − Z_w[c]) · (patch[k] − Z_in) + bias[c]   chapters 4 and 5
//     q[c]    = clamp(Z3 + M[c]·acc[c])                                 chapters 6 and 7
// The filter [O, KH, KW, I] is chapter 4's weight matrix with O rows of KH·KW·I columns.
// TFLite: tflite/kernels/conv.cc, reference_integer_ops::ConvPerChannel (int8),
// reference_ops::Conv (uint8).

import Ch01TFLiteFile
import Ch04ZeroPointMatmul
import Ch05Bias
import Ch06Requantize
import Ch07Clamp
import Ch09Network

/// A CONV_2D prepared for one kernel family.
public struct ConvolutionLayer: Sendable {
    public let scales: LayerScales
    public let options: ConvolutionOptions
    public let input: ImageShape
    public let output: ImageShape
    /// The patches of an input image; `paddingCode` is Z_in (a narration tries 0 instead).
    public internal(set) var patches: Patches
    /// [O][KH·KW·I]: row c is output channel c's filter, in the patch's order.
    public let weights: QuantizedWeights
    public let bias: QuantizedBias
    public let requantizer: Requantizer
    public let clamp: OutputClamp

    public init(scales: LayerScales, options: ConvolutionOptions, model: Model, family: KernelFamily) throws {
        let what = "operator \(scales.operatorIndex) (CONV_2D)"
        let filter = scales.weights
        guard filter.shape.count == 4, filter.shape.allSatisfy({ $0 > 0 }) else {
            throw ConvolutionError("\(what) has a filter of shape \(filter.shape); CONV_2D filters are [outputs, height, width, inputs]")
        }
        let (input, output) = try convolutionShapes(scales, what)
        guard filter.shape[3] == input.channels, filter.shape[0] == output.channels else {
            throw ConvolutionError("\(what) has a filter \(filter.shape) for \(input.channels) input and \(output.channels) output channels")
        }
        let geometry = WindowGeometry(inputHeight: input.height, inputWidth: input.width,
                                      windowHeight: filter.shape[1], windowWidth: filter.shape[2], options: options)
        try requireOutputSize(geometry, output, what)
        (self.scales, self.options, self.input, self.output) = (scales, options, input, output)
        patches = Patches(input: input, geometry: geometry, paddingCode: scales.inputZeroPoint)
        weights = try filterMatrix(filter, rows: output.channels, model: model, what)
        bias = try QuantizedBias(tensor: scales.bias, in: model, outputCount: output.channels)
        requantizer = try convolutionRequantizer(scales, family: family)
        clamp = try OutputClamp(layer: scales, family: family)
        try requireExactAccumulators(weights, bias, scales, what)
    }

    // snippet.convolution
    /// The int32 accumulators (bias included) and the output codes, both [H][W][O].
    public func callAsFunction(_ image: [Int32]) -> (accumulators: [Int32], outputs: [Int32]) {
        var accumulators: [Int32] = []
        accumulators.reserveCapacity(output.count)
        for y in 0..<output.height {
            for x in 0..<output.width {
                let patch = patches.patch(image, y: y, x: x)
                let sums = accumulate(weights, input: patch, inputZeroPoint: scales.inputZeroPoint)
                accumulators += bias.added(to: sums)
            }
        }
        let outputs = accumulators.indices.map { index in
            clamp.apply(requantizer.scaled(accumulators[index], channel: index % output.channels))
        }
        return (accumulators, outputs)
    }
    // snippet.end
}

/// The input and output tensors as [1, H, W, C] of 8-bit codes of one type.
func convolutionShapes(_ scales: LayerScales, _ what: String) throws -> (ImageShape, ImageShape) {
    guard let input = ImageShape(scales.input), let output = ImageShape(scales.output) else {
        throw ConvolutionError("\(what) reads \(scales.input.shape) and writes \(scales.output.shape); the workbook computes images of batch 1, [1, H, W, C]")
    }
    guard scales.input.type == scales.output.type, scales.input.type == .int8 || scales.input.type == .uint8 else {
        throw ConvolutionError("\(what) reads \(scales.input.type) and writes \(scales.output.type); the workbook computes int8 or uint8 convolutions")
    }
    guard scales.weights.type == .int8 || scales.weights.type == .uint8 else {
        throw ConvolutionError("\(what) has \(scales.weights.type) weights; the integer kernels take int8 or uint8")
    }
    return (input, output)
}

/// The output tensor must be as large as the window arithmetic says: the file's shapes and
/// its options must agree, or the model is damaged.
func requireOutputSize(_ geometry: WindowGeometry, _ output: ImageShape, _ what: String) throws {
    guard geometry.height.outputSize == output.height, geometry.width.outputSize == output.width else {
        throw ConvolutionError("\(what): its window gives a \(geometry.height.outputSize)×\(geometry.width.outputSize) output, but its output tensor is \(output.height)×\(output.width)")
    }
}

/// A constant 8-bit filter as chapter 4's matrix: `rows` rows in the file's order, and Z_w per row.
func filterMatrix(_ filter: Tensor, rows: Int, model: Model, _ what: String) throws -> QuantizedWeights {
    let codes = try model.codes(of: filter)
    let stored = filter.quantization?.zeroPoints ?? [0]
    let zeroPoints = stored.count == rows ? stored : Array(repeating: stored.first ?? 0, count: rows)
    guard stored.count == 1 || stored.count == rows else {
        throw ConvolutionError("\(what) has \(stored.count) weight zero points for \(rows) output channels")
    }
    return QuantizedWeights(outputCount: rows, inputCount: codes.count / rows, codes: codes, zeroPoints: zeroPoints)
}

/// As for FULLY_CONNECTED (chapter 9): the products' worst case plus the largest bias must
/// fit in int32, so that every sum the layer forms is exact.
func requireExactAccumulators(_ weights: QuantizedWeights, _ bias: QuantizedBias, _ scales: LayerScales, _ what: String) throws {
    let range = scales.input.type.integerRange ?? -128...127
    let bound = AccumulatorBound(weights, inputRange: range, inputZeroPoint: scales.inputZeroPoint)
    let largestBias = bias.codes.map { Int64($0).magnitude }.max() ?? 0
    guard bound.fitsInt32, UInt64(bound.magnitude) + largestBias <= UInt64(Int32.max) else {
        throw ConvolutionError("\(what): its accumulator can reach \(bound.magnitude) and its bias \(largestBias), beyond what int32 holds")
    }
}

extension ConvolutionLayer {
    /// The same layer with the border read as `code`: what a port that pads with 0 computes.
    public func padded(with code: Int32) -> ConvolutionLayer {
        var other = self
        other.patches = Patches(input: input, geometry: patches.geometry, paddingCode: code)
        return other
    }
}

// Chapter 9's network runs a convolution like any of its own steps.
extension ConvolutionLayer: ImageOperator {
    public var readCount: Int { input.count }
    public var writtenCount: Int { output.count }
    public func apply(_ codes: [Int32]) -> (outputs: [Int32], accumulators: [Int32]?) {
        let result = self(codes)
        return (result.outputs, result.accumulators)
    }
}
