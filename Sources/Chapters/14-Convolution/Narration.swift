// The narration of chapter 14 (`workbook chapter 14`): the convolutions of a CNN on one digit,
// where each window sits, one border pixel worked through its patch, and what padding with 0
// instead of Z_in would do. A model without convolutions is narrated on the shipped CNN with
// strides, padding, dilation and a depthwise layer.

import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize

public func narrateChapter14(_ context: NarrationContext) throws -> String {
    let (model, path) = try convolutionalModel(context, fallback: "models/cnn/cnn-strided-depthwise-int8.tflite")
    let layers = try model.convolutionLayers()
    let graph = model.main
    // The convolutions that follow the input one after another: computed here from chapter 2's
    // input codes, each reading what the one before wrote.
    guard case .quantized(var values, _) = try inputValues(pixels: context.digit.pixels, for: graph.tensors[graph.inputs[0]]) else {
        throw NarrationError("\(path) takes float input; chapter 14 narrates a model whose first convolution reads its input codes")
    }
    var tensor = graph.inputs[0]
    var out = "\(path), reference kernels, on \(context.digit.source)\n"
    for scales in layers where scales.input.index == tensor {
        guard case .convolution(let options) = graph.operators[scales.operatorIndex].options else { break }
        let op = scales.operatorIndex
        let isDepthwise = scales.operatorName == "DEPTHWISE_CONV_2D"
        let result: (accumulators: [Int32], outputs: [Int32])
        let geometry: WindowGeometry, input: ImageShape, output: ImageShape
        if isDepthwise {
            let layer = try DepthwiseLayer(scales: scales, options: options, model: model, family: .reference)
            (result, geometry, input, output) = (layer(values), layer.patches.geometry, layer.input, layer.output)
        } else {
            let layer = try ConvolutionLayer(scales: scales, options: options, model: model, family: .reference)
            (result, geometry, input, output) = (layer(values), layer.patches.geometry, layer.input, layer.output)
        }
        let (h, w) = (geometry.height, geometry.width)
        out += "\nop \(op)  \(scales.operatorName) \(h.window)×\(w.window), stride \(h.stride), dilation \(h.dilation), \(options.padding.rawValue)"
        out += options.depthMultiplier > 1 ? ", depth multiplier \(options.depthMultiplier)\n" : "\n"
        out += "      \(input) → \(output): padding top \(h.paddingBefore), bottom \(h.paddingAfter), left \(w.paddingBefore), right \(w.paddingAfter)\n"
        out += "      Z_in = \(scales.inputZeroPoint); accumulators from \(result.accumulators.min() ?? 0) to \(result.accumulators.max() ?? 0)\n"
        if !isDepthwise, op == layers.first?.operatorIndex {
            let layer = try ConvolutionLayer(scales: scales, options: options, model: model, family: .reference)
            out += try borderPixel(layer, values, result)
        }
        if !isDepthwise, h.paddingBefore + h.paddingAfter + w.paddingBefore + w.paddingAfter > 0 {
            let layer = try ConvolutionLayer(scales: scales, options: options, model: model, family: .reference)
            let wrong = layer.padded(with: 0)(values).outputs
            let changed = zip(wrong, result.outputs).filter { $0 != $1 }.count
            out += "      padded with the code 0 instead of Z_in = \(scales.inputZeroPoint): \(changed) of \(result.outputs.count) output codes change\n"
        }
        (values, tensor) = (result.outputs, scales.output.index)
    }
    return out
}

/// The bottom-right output pixel, channel 0: the one an odd SAME padding reaches past.
private func borderPixel(_ layer: ConvolutionLayer, _ image: [Int32], _ result: (accumulators: [Int32], outputs: [Int32])) throws -> String {
    let (y, x) = (layer.output.height - 1, layer.output.width - 1)
    let patch = layer.patches.patch(image, y: y, x: x)
    let row = Array(layer.weights.row(0))
    let z = layer.scales.inputZeroPoint
    let sum = zip(row, patch).reduce(Int32(0)) { $0 + ($1.0 - layer.weights.zeroPoints[0]) * ($1.1 - z) }
    let accumulator = layer.bias.added(to: sum, channel: 0)
    let index = layer.output.index(y: y, x: x, channel: 0)
    let inside = (0..<layer.patches.geometry.taps).filter { tap in
        let (ty, tx) = (tap / layer.patches.geometry.width.window, tap % layer.patches.geometry.width.window)
        return (0..<layer.input.height).contains(layer.patches.geometry.height.inputPosition(output: y, tap: ty))
            && (0..<layer.input.width).contains(layer.patches.geometry.width.inputPosition(output: x, tap: tx))
    }.count
    var out = "      output pixel (\(y), \(x)), channel 0: its patch of \(patch.count) values, \(patch.count - inside * layer.input.channels) of them padding (Z_in):\n"
    out += "        patch   \(patch.prefix(12).map(String.init).joined(separator: " "))\(patch.count > 12 ? " …" : "")\n"
    out += "        weights \(row.prefix(12).map(String.init).joined(separator: " "))\(row.count > 12 ? " …" : "")\n"
    out += "        Σ (q_w − \(layer.weights.zeroPoints[0]))·(q_in − \(z)) = \(sum), + bias \(layer.bias.codes[0]) = acc \(accumulator)\n"
    let steps = layer.requantizer.steps(accumulator, channel: 0)
    out += "        \(layer.requantizer.multiplier(channel: 0)): M·acc = \(steps.result), + Z3 \(layer.clamp.zeroPoint), clamped to [\(layer.clamp.minimum), \(layer.clamp.maximum)] = q \(result.outputs[index])\n"
    return out
}

/// The context's model if it has a convolution, else the shipped CNN `fallback`.
public func convolutionalModel(_ context: NarrationContext, fallback: String) throws -> (Model, String) {
    if try !context.model.convolutionLayers().isEmpty { return (context.model, context.modelPath) }
    return (try Model.load(path: try context.shippedFile(fallback)), fallback)
}
