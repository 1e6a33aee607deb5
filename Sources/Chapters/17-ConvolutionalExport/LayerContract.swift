// Chapter 17 — one layer of a CNN as integers: what the exported files hold for it. Every
// computing operator of part two and FULLY_CONNECTED fill the same fields, the ones C's
// `qw_layer` struct has (hardware/c/convolutional.c), so that hardware reads every layer
// alike. Per layer:
//   the input and output images [H][W][C] (a vector is a 1×1 image of N channels),
//   the window (filter or pooling), its strides, dilation, and padding before the first pixel
//   (chapter 14's WindowGeometry: top and left; bottom and right follow from the sizes),
//   the codes' zero points and clamp bounds, and for the layers that multiply,
//   the weights, Z_w, bias, M0 and shift per output channel and the final rounding.
// A FULLY_CONNECTED layer is a 1×1 convolution of a 1×1 image: the same fields describe it.

import Ch01TFLiteFile
import Ch06Requantize
import Ch09Network
import Ch11Hardware
import Ch14Convolution
import Ch15Pooling

/// What a layer computes; the numbers are those of hardware/c/convolutional.c's `qw_kind`.
public enum LayerKind: Int32, Sendable, CaseIterable {
    case convolution = 0, depthwise, maxPool, averagePool, mean, fullyConnected

    /// The TFLite operator it is.
    public var operatorName: String {
        switch self {
        case .convolution: "CONV_2D"
        case .depthwise: "DEPTHWISE_CONV_2D"
        case .maxPool: "MAX_POOL_2D"
        case .averagePool: "AVERAGE_POOL_2D"
        case .mean: "MEAN"
        case .fullyConnected: "FULLY_CONNECTED"
        }
    }

    /// Its name in C: QW_CONV_2D, …
    public var cName: String { "QW_" + operatorName }

    /// Whether the layer forms int32 accumulators and requantizes them.
    public var multiplies: Bool { self != .maxPool && self != .averagePool }
}

/// One layer of a convolutional network's integer contract.
public struct ImageLayerContract: Sendable {
    public let kind: LayerKind
    public let operatorIndex: Int
    public let inputTensor: Int
    public let outputTensor: Int
    public let input: ImageShape
    public let output: ImageShape
    /// The window's height and width, strides, dilations, and padding before row 0 and column 0.
    public let windowHeight: Int, windowWidth: Int
    public let strideHeight: Int, strideWidth: Int
    public let dilationHeight: Int, dilationWidth: Int
    public let paddingTop: Int, paddingLeft: Int
    /// DEPTHWISE_CONV_2D: output channel o reads input channel o / depthMultiplier; 1 otherwise.
    public let depthMultiplier: Int
    public let weightType: TensorType
    /// The codes in and out (int8 or uint8), Z1, Z3 and the clamp bounds.
    public let codeType: TensorType
    public let inputZeroPoint: Int32
    public let outputZeroPoint: Int32
    public let outputMinimum: Int32
    public let outputMaximum: Int32
    /// As TFLite stores them: CONV_2D [O][KH][KW][I], DEPTHWISE_CONV_2D [1][KH][KW][C·m],
    /// FULLY_CONNECTED [O][N]; empty for the poolings and MEAN.
    public let weights: [Int32]
    public let weightsShape: [Int]
    /// Per output channel (a per-tensor value repeated); empty where the layer does not multiply.
    /// MEAN has no weights and no bias: its accumulator is Σ(q − Z1) over the image.
    public let weightZeroPoints: [Int32]
    public let bias: [Int32]
    public let multipliers: [Int32]
    public let shifts: [Int32]
    /// The last rounding of (11.4) in this layer: MEAN rounds ties away from zero in every
    /// integer family (all run reference_ops::QuantizedMeanOrSum), the others as their family.
    public let rounding: FinalRounding

    /// Whether the layer writes int32 accumulators that the golden vectors keep.
    public var hasAccumulators: Bool { kind.multiplies }
}

extension ImageLayerContract {
    /// A CONV_2D as chapter 14 prepared it.
    init(_ layer: ConvolutionLayer, rounding: FinalRounding) throws {
        let filter = layer.scales.weights.shape
        try self.init(kind: .convolution, layer.scales, layer.input, layer.output, layer.patches.geometry, depthMultiplier: 1,
                      clamp: (layer.clamp.zeroPoint, layer.clamp.minimum, layer.clamp.maximum),
                      weights: layer.weights.codes, weightsShape: filter, weightZeroPoints: layer.weights.zeroPoints,
                      bias: layer.bias.codes, requantizer: layer.requantizer, rounding: rounding)
    }

    /// A DEPTHWISE_CONV_2D: chapter 14 holds its filter as [channel][tap]; the contract keeps
    /// TFLite's [tap][channel], which is what its kernels and a port read.
    init(_ layer: DepthwiseLayer, rounding: FinalRounding) throws {
        let (channels, taps) = (layer.output.channels, layer.patches.geometry.taps)
        let stored = (0..<(taps * channels)).map { index in layer.weights.codes[(index % channels) * taps + index / channels] }
        try self.init(kind: .depthwise, layer.scales, layer.input, layer.output, layer.patches.geometry,
                      depthMultiplier: layer.options.depthMultiplier,
                      clamp: (layer.clamp.zeroPoint, layer.clamp.minimum, layer.clamp.maximum),
                      weights: stored, weightsShape: layer.scales.weights.shape, weightZeroPoints: layer.weights.zeroPoints,
                      bias: layer.bias.codes, requantizer: layer.requantizer, rounding: rounding)
    }

    /// A FULLY_CONNECTED layer: chapter 11's LayerContract, read as a 1×1 image of N channels.
    init(_ layer: LayerContract) {
        let (input, output) = (ImageShape(height: 1, width: 1, channels: layer.inputCount), ImageShape(height: 1, width: 1, channels: layer.outputCount))
        (kind, operatorIndex, inputTensor, outputTensor, self.input, self.output) = (.fullyConnected, layer.operatorIndex, layer.inputTensor, layer.outputTensor, input, output)
        (windowHeight, windowWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, paddingTop, paddingLeft) = (1, 1, 1, 1, 1, 1, 0, 0)
        (depthMultiplier, weightType, codeType) = (1, layer.weightType, layer.codeType)
        (inputZeroPoint, outputZeroPoint, outputMinimum, outputMaximum) = (layer.inputZeroPoint, layer.outputZeroPoint, layer.outputMinimum, layer.outputMaximum)
        (weights, weightsShape, weightZeroPoints, bias) = (layer.weights, [layer.outputCount, layer.inputCount], layer.weightZeroPoints, layer.bias)
        (multipliers, shifts, rounding) = (layer.multipliers, layer.shifts, layer.rounding)
    }

    /// MAX_POOL_2D or AVERAGE_POOL_2D: a window, the input's quantization kept, the clamp.
    init(pooling window: PoolingWindow, kind: LayerKind, codeType: TensorType, inputTensor: Int, outputTensor: Int, rounding: FinalRounding) {
        (self.kind, operatorIndex, self.inputTensor, self.outputTensor) = (kind, window.operatorIndex, inputTensor, outputTensor)
        (input, output) = (window.input, window.output)
        let geometry = window.geometry
        (windowHeight, windowWidth) = (geometry.height.window, geometry.width.window)
        (strideHeight, strideWidth, dilationHeight, dilationWidth) = (geometry.height.stride, geometry.width.stride, 1, 1)
        (paddingTop, paddingLeft, depthMultiplier) = (geometry.height.paddingBefore, geometry.width.paddingBefore, 1)
        (weightType, self.codeType) = (codeType, codeType)
        // Pooling keeps one quantization (chapter 15), so Z1 = Z3.
        (inputZeroPoint, outputZeroPoint) = (window.clamp.zeroPoint, window.clamp.zeroPoint)
        (outputMinimum, outputMaximum) = (window.clamp.minimum, window.clamp.maximum)
        (weights, weightsShape, weightZeroPoints, bias, multipliers, shifts) = ([], [], [], [], [], [])
        self.rounding = rounding
    }

    /// MEAN over height and width: a window of the whole image, and chapter 15's M0' and shift'
    /// (1/N folded in), repeated for every channel.
    init(_ mean: Mean, codeType: TensorType, inputTensor: Int, outputTensor: Int) {
        (kind, operatorIndex, self.inputTensor, self.outputTensor) = (.mean, mean.operatorIndex, inputTensor, outputTensor)
        (input, output) = (mean.input, ImageShape(height: 1, width: 1, channels: mean.input.channels))
        (windowHeight, windowWidth, strideHeight, strideWidth) = (mean.input.height, mean.input.width, 1, 1)
        (dilationHeight, dilationWidth, paddingTop, paddingLeft, depthMultiplier) = (1, 1, 0, 0, 1)
        (weightType, self.codeType) = (codeType, codeType)
        (inputZeroPoint, outputZeroPoint) = (mean.inputZeroPoint, mean.outputZeroPoint)
        (outputMinimum, outputMaximum) = (mean.range.lowerBound, mean.range.upperBound)
        (weights, weightsShape, weightZeroPoints, bias) = ([], [], [], [])
        let channels = mean.input.channels
        multipliers = Array(repeating: mean.multiplier.multiplier, count: channels)
        shifts = Array(repeating: Int32(mean.multiplier.shift), count: channels)
        rounding = .tiesAwayFromZero
    }

    /// The fields a convolution shares with its depthwise form.
    private init(kind: LayerKind, _ scales: LayerScales, _ input: ImageShape, _ output: ImageShape, _ geometry: WindowGeometry,
                 depthMultiplier: Int, clamp: (zeroPoint: Int32, minimum: Int32, maximum: Int32),
                 weights: [Int32], weightsShape: [Int], weightZeroPoints: [Int32], bias: [Int32],
                 requantizer: Requantizer, rounding: FinalRounding) throws {
        (self.kind, operatorIndex, inputTensor, outputTensor) = (kind, scales.operatorIndex, scales.input.index, scales.output.index)
        (self.input, self.output) = (input, output)
        (windowHeight, windowWidth) = (geometry.height.window, geometry.width.window)
        (strideHeight, strideWidth) = (geometry.height.stride, geometry.width.stride)
        (dilationHeight, dilationWidth) = (geometry.height.dilation, geometry.width.dilation)
        (paddingTop, paddingLeft, self.depthMultiplier) = (geometry.height.paddingBefore, geometry.width.paddingBefore, depthMultiplier)
        (weightType, codeType) = (scales.weights.type, scales.input.type)
        (inputZeroPoint, outputZeroPoint, outputMinimum, outputMaximum) = (scales.inputZeroPoint, clamp.zeroPoint, clamp.minimum, clamp.maximum)
        (self.weights, self.weightsShape, self.weightZeroPoints, self.bias) = (weights, weightsShape, weightZeroPoints, bias)
        var (multipliers, shifts) = ([Int32](), [Int32]())
        for channel in 0..<output.channels {
            guard case .fixedPoint(let multiplier, let shift) = requantizer.multiplier(channel: channel) else {
                throw ContractError("operator \(scales.operatorIndex): channel \(channel) has no fixed-point multiplier")
            }
            multipliers.append(multiplier)
            shifts.append(Int32(shift))
        }
        (self.multipliers, self.shifts, self.rounding) = (multipliers, shifts, rounding)
    }
}
