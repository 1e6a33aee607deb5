// Chapter 15 — the last of part two's operators is here, so here they are handed to chapter 9:
// its network runs CONV_2D and DEPTHWISE_CONV_2D (chapter 14), the poolings and MEAN (this
// chapter) through this preparer. Nothing here computes; it hands each operator to the
// chapter that explains it. Chapter 16 runs whole CNNs with it.

import Ch01TFLiteFile
import Ch06Requantize
import Ch09Network
import Ch14Convolution

/// Prepares CONV_2D and DEPTHWISE_CONV_2D (chapter 14), MAX_POOL_2D, AVERAGE_POOL_2D and MEAN
/// (chapter 15) for chapter 9's `Network`.
public struct PartTwoOperators: OperatorPreparer {
    public init() {}

    public func prepare(_ op: Operator, _ code: SupportedOperator, model: Model, family: KernelFamily) throws -> (any ImageOperator)? {
        let what = "operator \(op.index) (\(code.rawValue))"
        switch (code, op.options) {
        case (.conv2D, .convolution(let options)), (.depthwiseConv2D, .convolution(let options)):
            guard let scales = try model.convolutionLayers().first(where: { $0.operatorIndex == op.index }) else { return nil }
            if scales.weights.type == .float32 {
                throw ConvolutionError("\(what) is a float convolution; the workbook computes float networks only as MLPs (chapter 3), convolutions in int8 or uint8")
            }
            return code == .conv2D ? try ConvolutionLayer(scales: scales, options: options, model: model, family: family)
                : try DepthwiseLayer(scales: scales, options: options, model: model, family: family)
        case (.maxPool2D, .pool(let options)):
            return MaxPool(window: try PoolingWindow(op, name: code.rawValue, options: options, model: model, family: family))
        case (.averagePool2D, .pool(let options)):
            return AveragePool(window: try PoolingWindow(op, name: code.rawValue, options: options, model: model, family: family),
                               family: family)
        case (.mean, .reducer(let keepDims)):
            return try Mean(op, keepDims: keepDims, model: model, family: family)
        case (.mean, .none):  // ReducerOptions left out: keep_dims false
            return try Mean(op, keepDims: false, model: model, family: family)
        default:
            throw ConvolutionError("\(what) has the options of another operator")
        }
    }
}

