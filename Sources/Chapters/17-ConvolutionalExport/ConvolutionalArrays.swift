// Chapter 17 — the arrays a CNN's export writes, in every format: for each layer that
// multiplies, its weights (in TFLite's layout), Z_w, bias, M0 and shift per output channel
// (MEAN: M0 and shift only); then the golden vectors, [vector][element]. Names and packing are
// chapter 11's: layerN_… and vectors_…, row-major, two's complement.

import Ch11Hardware

extension ImageLayerContract {
    /// The arrays of layer `index`.
    func arrays(index: Int) -> [ExportArray] {
        let prefix = "layer\(index)", channels = output.channels
        var arrays: [ExportArray] = []
        if !weights.isEmpty {
            let layout = switch kind {
            case .depthwise: "q_w, [1][height][width][channel·multiplier], as TFLite stores it"
            case .fullyConnected: "q_w, [output][input]"
            default: "q_w, [output][height][width][input], as TFLite stores it"
            }
            arrays.append(ExportArray("\(prefix)_weights", layout, ElementType(weightType), weightsShape, weights))
            // Zero points lie in −128…255 (int8 or uint8): int16 holds both.
            arrays.append(ExportArray("\(prefix)_weight_zero_points", "Z2 per output channel", .int16, [channels], weightZeroPoints))
            arrays.append(ExportArray("\(prefix)_bias", "int32 bias per output channel, in units of S1·S2[c]", .int32, [channels], bias))
        }
        if kind.multiplies {
            let what = kind == .mean ? "M0' per channel, 1/N folded in (the same for every channel)" : "M0 per output channel, M = M0·2^(shift − 31)"
            arrays.append(ExportArray("\(prefix)_multipliers", what, .int32, [channels], multipliers))
            arrays.append(ExportArray("\(prefix)_shifts", "shift per output channel, negative: a right shift", .int8, [channels], shifts))
        }
        return arrays
    }

    /// The layer's scalars, for the npy export, in the order of C's `qw_layer`.
    static let parameterNames = ["kind", "operator", "input height", "input width", "input channels",
                                 "output height", "output width", "output channels", "window height", "window width",
                                 "stride height", "stride width", "dilation height", "dilation width", "padding top", "padding left",
                                 "depth multiplier", "Z1", "Z3", "minimum", "maximum", "ties away from zero"]

    var parameters: [Int32] {
        [kind.rawValue, Int32(operatorIndex), Int32(input.height), Int32(input.width), Int32(input.channels),
         Int32(output.height), Int32(output.width), Int32(output.channels), Int32(windowHeight), Int32(windowWidth),
         Int32(strideHeight), Int32(strideWidth), Int32(dilationHeight), Int32(dilationWidth), Int32(paddingTop), Int32(paddingLeft),
         Int32(depthMultiplier), inputZeroPoint, outputZeroPoint, outputMinimum, outputMaximum, rounding == .tiesAwayFromZero ? 1 : 0]
    }
}

extension ConvolutionalContract {
    /// Every array of the contract, layer by layer.
    public var arrays: [ExportArray] { layers.enumerated().flatMap { $1.arrays(index: $0) } }

    var parameterArrays: [ExportArray] {
        layers.enumerated().map { index, layer in
            ExportArray("layer\(index)_parameters", "[" + ImageLayerContract.parameterNames.joined(separator: ", ") + "]",
                        .int32, [layer.parameters.count], layer.parameters)
        }
    }
}

extension ConvolutionalVectors {
    /// The golden vectors as arrays, each gathered only when `make` is called.
    public func arrayMakers(_ contract: ConvolutionalContract) -> [(name: String, make: @Sendable () -> ExportArray)] {
        let (vectors, count) = (self.vectors, self.vectors.count)
        let codes = ElementType(contract.codeType)
        var makers: [(name: String, make: @Sendable () -> ExportArray)] = [("vectors_input", {
            ExportArray("vectors_input", "the codes the first layer reads, [H][W][C] each", codes, [count, contract.inputCount], vectors.flatMap(\.input))
        })]
        for (index, layer) in contract.layers.enumerated() {
            if layer.hasAccumulators {
                makers.append(("vectors_layer\(index)_accumulators", {
                    ExportArray("vectors_layer\(index)_accumulators", "layer \(index)'s int32 accumulators, bias included, before requantization",
                                .int32, [count, layer.output.count], vectors.flatMap { $0.accumulators[index] })
                }))
            }
            makers.append(("vectors_layer\(index)_outputs", {
                ExportArray("vectors_layer\(index)_outputs", "layer \(index)'s output codes, [H][W][C] each", codes,
                            [count, layer.output.count], vectors.flatMap { $0.outputs[index] })
            }))
        }
        makers.append(("vectors_classes", {
            ExportArray("vectors_classes", "the class: the index of the last layer's largest code, the first on a tie",
                        .int32, [count], vectors.map { Int32($0.predictedClass) })
        }))
        return makers
    }
}
