// `workbook widths` on a CNN (chapter 14, with chapter 11's arithmetic): the bits each weighted
// layer's accumulator needs, worst case and seen on the digits. A convolution's accumulator is
// chapter 4's over one patch, so its worst case is chapter 4's bound of each filter row (one per
// output channel) over every code the input's type holds, plus that channel's bias. The integer
// contract and the C reference of chapter 11 are part one's; this report is what a designer
// sizing a convolution's registers needs first.

import Ch01TFLiteFile
import Ch04ZeroPointMatmul
import Ch05Bias
import Ch09Network
import Ch11Hardware
import Ch14Convolution

/// One weighted layer of a CNN: the numbers its accumulator's width depends on.
struct WeightedLayerWidth {
    let operatorIndex: Int
    let description: String
    let weights: QuantizedWeights
    let bias: QuantizedBias
    let inputZeroPoint: Int32
    let inputRange: ClosedRange<Int32>
    let outputTensor: Int

    /// q_w − Z2 over the layer's weights, q_in − Z1 over its input type, and their products.
    var weightTerms: ClosedRange<Int64> {
        let terms = weights.codes.indices.map { Int64(weights.codes[$0]) - Int64(weights.zeroPoints[$0 / weights.inputCount]) }
        return (terms.min() ?? 0)...(terms.max() ?? 0)
    }
    var inputTerms: ClosedRange<Int64> { (Int64(inputRange.lowerBound) - Int64(inputZeroPoint))...(Int64(inputRange.upperBound) - Int64(inputZeroPoint)) }

    /// Channel by channel, chapter 4's bound of its row plus its bias.
    var worstCase: ClosedRange<Int64> {
        var (smallest, largest) = (Int64.max, Int64.min)
        for channel in 0..<weights.outputCount {
            let row = QuantizedWeights(outputCount: 1, inputCount: weights.inputCount, codes: Array(weights.row(channel)),
                                       zeroPoints: [weights.zeroPoints[channel]])
            let bound = AccumulatorBound(row, inputRange: inputRange, inputZeroPoint: inputZeroPoint)
            smallest = min(smallest, bound.smallest + Int64(bias.codes[channel]))
            largest = max(largest, bound.largest + Int64(bias.codes[channel]))
        }
        return smallest...largest
    }

    static func of(_ network: Network) -> [WeightedLayerWidth] {
        network.steps.compactMap { entry in
            func range(_ scales: LayerScales) -> ClosedRange<Int32> {
                scales.input.type.integerRange.map { Int32($0.lowerBound)...Int32($0.upperBound) } ?? -128...127
            }
            switch entry.step {
            case .fullyConnected(let layer):
                return WeightedLayerWidth(operatorIndex: entry.op, description: "FULLY_CONNECTED, \(layer.weights.inputCount) inputs",
                                          weights: layer.weights, bias: layer.bias, inputZeroPoint: layer.scales.inputZeroPoint,
                                          inputRange: range(layer.scales), outputTensor: entry.output)
            case .image(let step as ConvolutionLayer):
                let window = step.patches.geometry
                return WeightedLayerWidth(operatorIndex: entry.op, description: "CONV_2D, patches of \(window.height.window)×\(window.width.window)×\(step.input.channels) = \(step.weights.inputCount) values",
                                          weights: step.weights, bias: step.bias, inputZeroPoint: step.scales.inputZeroPoint,
                                          inputRange: range(step.scales), outputTensor: entry.output)
            case .image(let step as DepthwiseLayer):
                let window = step.patches.geometry
                return WeightedLayerWidth(operatorIndex: entry.op, description: "DEPTHWISE_CONV_2D, patches of \(window.height.window)×\(window.width.window) = \(step.weights.inputCount) values of one channel",
                                          weights: step.weights, bias: step.bias, inputZeroPoint: step.scales.inputZeroPoint,
                                          inputRange: range(step.scales), outputTensor: entry.output)
            default:
                return nil
            }
        }
    }
}

extension Widths {
    /// The report for a network with part two's operators, over `images` run by chapter 9's network.
    func convolutionalReport(_ network: Network, model: String, images: [[UInt8]], source: String) throws -> String {
        func range(_ r: ClosedRange<Int64>) -> String { "\(r.lowerBound)…\(r.upperBound)" }
        let layers = WeightedLayerWidth.of(network)
        var seen: [ClosedRange<Int64>?] = Array(repeating: nil, count: layers.count)
        for (image, pixels) in images.enumerated() {
            let run: NetworkRun
            do { run = try network.run(pixels: pixels) } catch { throw CommandFailure("\(source): image \(image): \(error)") }
            for (index, layer) in layers.enumerated() {
                guard let values = run.accumulators[layer.outputTensor], let low = values.min(), let high = values.max() else { continue }
                let (lower, upper) = (Int64(low), Int64(high))
                seen[index] = seen[index].map { min($0.lowerBound, lower)...max($0.upperBound, upper) } ?? lower...upper
            }
        }
        var out = "\(model), \(network.family.rawValue) kernels, over \(source)\n(a CNN: the accumulators' widths; export does not write convolutions yet)\n"
        for (index, layer) in layers.enumerated() {
            let weights = layer.weightTerms, inputs = layer.inputTerms
            let productBits = twosComplementBits(min(weights.lowerBound * inputs.upperBound, weights.upperBound * inputs.lowerBound)...max(weights.upperBound * inputs.upperBound, weights.lowerBound * inputs.lowerBound))
            out += "op \(layer.operatorIndex), \(layer.description): q_w − Z2 in \(range(weights)), q_in − Z1 in \(range(inputs)), products of \(productBits) bits\n"
            let worst = layer.worstCase
            out += "  acc (bias included), worst case:   \(range(worst)), \(twosComplementBits(worst)) bits\n"
            if let seen = seen[index] {
                out += "  acc (bias included), largest seen: \(range(seen)), \(twosComplementBits(seen)) bits\n"
            }
        }
        return out
    }
}
