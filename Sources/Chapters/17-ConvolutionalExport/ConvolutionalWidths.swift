// Chapter 17 — the register widths of a CNN's layers, with chapter 11's arithmetic: a
// convolution's accumulator is a filter row times one patch plus the bias, so chapter 11's
// LayerWidths sizes it from the contract's filter rows (a depthwise layer's rows are one
// channel's taps). Each layer reads codes the layer before it clamped, so its input range is
// that clamp, not the whole type: max pooling and average pooling keep their input's bounds.
// A tap over the padding reads Z1 and adds 0, which the bound already allows.

import Ch04ZeroPointMatmul
import Ch11Hardware

/// One weighted layer's widths, and which layer of the contract it is.
public struct ConvolutionalLayerWidths: Sendable {
    public let layerIndex: Int
    public let layer: ImageLayerContract
    public let widths: LayerWidths

    /// "CONV_2D, patches of 3×3×16 = 144 values"
    public var description: String {
        switch layer.kind {
        case .convolution: "CONV_2D, patches of \(layer.windowHeight)×\(layer.windowWidth)×\(layer.input.channels) = \(widths.inputCount) values"
        case .depthwise: "DEPTHWISE_CONV_2D, patches of \(layer.windowHeight)×\(layer.windowWidth) = \(widths.inputCount) values of one channel"
        default: "\(layer.kind.operatorName), \(widths.inputCount) inputs"
        }
    }
}

extension ConvolutionalContract {
    /// The widths of every layer with weights, each with the input range the layer before allows.
    public var widths: [ConvolutionalLayerWidths] {
        var inputRange: ClosedRange<Int32> = codeType == .uint8 ? 0...255 : -128...127
        var result: [ConvolutionalLayerWidths] = []
        for (index, layer) in layers.enumerated() {
            defer { inputRange = layer.outputMinimum...layer.outputMaximum }
            guard !layer.weights.isEmpty else { continue }
            let widths = LayerWidths(operatorIndex: layer.operatorIndex, weights: layer.filterRows, bias: layer.bias,
                                     multipliers: layer.multipliers, shifts: layer.shifts,
                                     inputZeroPoint: layer.inputZeroPoint, inputRange: inputRange)
            result.append(ConvolutionalLayerWidths(layerIndex: index, layer: layer, widths: widths))
        }
        return result
    }
}

extension ImageLayerContract {
    /// The weights as chapter 4's matrix, one row per output channel: CONV_2D's and
    /// FULLY_CONNECTED's as stored, DEPTHWISE_CONV_2D's [tap][channel] read down a column.
    var filterRows: QuantizedWeights {
        let channels = output.channels
        let codes = kind == .depthwise
            ? (0..<channels).flatMap { o in stride(from: o, to: weights.count, by: channels).map { weights[$0] } }
            : weights
        return QuantizedWeights(outputCount: channels, inputCount: codes.count / channels, codes: codes, zeroPoints: weightZeroPoints)
    }
}
