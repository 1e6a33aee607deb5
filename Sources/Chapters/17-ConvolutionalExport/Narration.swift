// The narration of chapter 17 (`workbook chapter 17`): a CNN's integer contract, layer by
// layer with its geometry; one output value of the first convolution computed from the
// contract's integers alone, tap by tap, and checked against chapter 16's network; the memory
// a hardware design needs; and what each integer family's contract says differently. micro
// kernels, or optimized for a uint8 model. A model without convolutions is narrated on the
// shipped tutorial CNN.

import Ch01TFLiteFile
import Ch06Requantize
import Ch11Hardware
import Ch14Convolution

public func narrateChapter17(_ context: NarrationContext) throws -> String {
    let (model, path) = try convolutionalModel(context, fallback: "models/cnn/cnn-int8.tflite")
    let contract = try (try? ConvolutionalContract(model: model, family: .micro)) ?? ConvolutionalContract(model: model, family: .optimized)
    let vectors = try ConvolutionalVectors(contract: contract, model: model, images: [context.digit.pixels], source: context.digit.source)
    let vector = vectors.vectors[0]
    var out = "\(path), \(contract.family.rawValue) kernels, on \(context.digit.source)\n"
    out += "the integer contract, one line per layer (a RESHAPE moves no value and is not one):\n"
    for (index, layer) in contract.layers.enumerated() {
        out += "  layer \(index) op \(layer.operatorIndex) \(layer.kind.operatorName.padding(toLength: 17, withPad: " ", startingAt: 0)) "
        out += "\(layer.input) → \(layer.output)"
        if layer.kind != .fullyConnected {
            out += ", window \(layer.windowHeight)×\(layer.windowWidth) stride \(layer.strideHeight)×\(layer.strideWidth)"
            if layer.dilationHeight > 1 || layer.dilationWidth > 1 { out += " dilation \(layer.dilationHeight)×\(layer.dilationWidth)" }
            out += " top/left \(layer.paddingTop)/\(layer.paddingLeft)"
        }
        if layer.depthMultiplier > 1 { out += ", multiplier \(layer.depthMultiplier)" }
        out += ", Z1 \(layer.inputZeroPoint) Z3 \(layer.outputZeroPoint), clamp \(layer.outputMinimum)…\(layer.outputMaximum)"
        out += layer.kind.multiplies ? ", \(layer.rounding.rawValue)\n" : "\n"
    }

    // One value of the first convolution, from the contract's integers only.
    let layerIndex = contract.layers.firstIndex { $0.kind == .convolution || $0.kind == .depthwise }!
    let layer = contract.layers[layerIndex]
    let accumulators = vector.accumulators[layerIndex]
    let index = accumulators.indices.max { accumulators[$0] < accumulators[$1] }!
    let pixel = index / layer.output.channels, channel = index % layer.output.channels
    let (y, x) = (pixel / layer.output.width, pixel % layer.output.width)
    let input = layerIndex == 0 ? vector.input : vector.outputs[layerIndex - 1]
    let taps = layer.taps(y: y, x: x)
    out += "\nlayer \(layerIndex), output (\(y), \(x)) channel \(channel), the digit's largest accumulator, from the contract alone:\n"
    out += "  its window starts at row \(y)·\(layer.strideHeight) − \(layer.paddingTop) = \(y * layer.strideHeight - layer.paddingTop), "
    out += "column \(x)·\(layer.strideWidth) − \(layer.paddingLeft) = \(x * layer.strideWidth - layer.paddingLeft); "
    out += "\(taps.count) of its \(layer.windowHeight * layer.windowWidth) taps lie on the image\n"
    let acc = layer.accumulator(input, taps, channel: channel)
    out += "  acc = bias \(layer.bias[channel]) + Σ (q_w − Z_w)(q_in − Z1) over \(taps.count * (layer.kind == .depthwise ? 1 : layer.input.channels)) products = \(acc)\n"
    let multiplier = FixedPointMultiplier((layer.multipliers[channel], Int(layer.shifts[channel])))
    let scaled = layer.rounding.requantize(acc, multiplier)
    out += "  M0 = \(layer.multipliers[channel]), shift = \(layer.shifts[channel]): MultiplyByQuantizedMultiplier(acc) = \(scaled), "
    out += "Z3 + \(scaled) clamped = code \(layer.clamped(Int64(scaled) + Int64(layer.outputZeroPoint)))\n"
    out += "  chapter 16's network wrote acc \(accumulators[index]), code \(vector.outputs[layerIndex][index])\n"

    let evaluated = contract.evaluate(vector.input)
    let same = zip(evaluated, zip(vector.accumulators, vector.outputs)).allSatisfy { $0.accumulators == $1.0 && $0.outputs == $1.1 }
    let values = vector.outputs.map(\.count).reduce(0, +) + vector.accumulators.map(\.count).reduce(0, +)
    out += "every layer from the contract alone: \(values) values, \(same ? "all equal to the network's" : "SOME DIFFER")\n"

    let weightBytes = contract.layers.map(\.weights.count).reduce(0, +)
    let perChannel = contract.layers.map { $0.multipliers.count + $0.bias.count }.reduce(0, +)
    out += "\nwhat hardware stores: \(weightBytes) weight bytes, \(perChannel) int32 biases and multipliers; "
    out += "two buffers of \(contract.widestTensor) codes (the widest image) and \(contract.widestTensor) int32 accumulators\n"

    // The other family: the same layers, another last rounding where the family decides it.
    let otherFamily: KernelFamily = contract.family == .micro ? .optimized : .micro
    if let other = try? ConvolutionalContract(model: model, family: otherFamily) {
        let differing = zip(contract.layers, other.layers).enumerated()
            .filter { $1.0.kind.multiplies && $1.0.rounding != $1.1.rounding }.map { "\($0.offset)" }
        let same = zip(contract.layers, other.layers).allSatisfy { $0.multipliers == $1.multipliers && $0.shifts == $1.shifts && $0.bias == $1.bias }
        out += "the \(otherFamily.rawValue) contract: \(same ? "the same integers" : "OTHER INTEGERS"), another final rounding in layers \(differing.joined(separator: ", "))"
        out += contract.layers.contains { $0.kind == .mean } ? " (MEAN rounds ties away from zero in both)\n" : "\n"
    }
    out += "the class: argmax of the last layer's codes is \(vector.predictedClass), the label \(context.digit.label)\n"
    out += "write it out: workbook export --model \(path) --format c --out DIR; gcc -std=c99 -Wall -Wextra -Werror -I DIR hardware/c/convolutional.c\n"
    return out
}
