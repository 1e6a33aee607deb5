// The narration of chapter 5 (`workbook chapter 5`): the int32 bias of one neuron, what its
// scale is, and what acc + bias means as a real number.

import Ch01TFLiteFile
import Ch04ZeroPointMatmul
import Ch05Bias
import Ch09Network
import Foundation

func narrateChapter5(_ context: NarrationContext) throws -> String {
    let model = context.model
    let run = try Network(model: model, family: .reference).run(pixels: context.pixels)
    guard let layer = try model.fullyConnectedLayers().first, let biasTensor = layer.bias,
          let input = run.tensors[layer.input.index]?.integers, let s1 = layer.inputScale,
          let s3 = layer.outputScale, let output = run.tensors[layer.output.index]?.integers else {
        throw CommandFailure("\(context.modelPath): no quantized FULLY_CONNECTED layer with a bias to narrate")
    }
    let weights = try QuantizedWeights(tensor: layer.weights, in: model)
    let bias = try QuantizedBias(tensor: biasTensor, in: model, outputCount: weights.outputCount)
    let products = accumulate(weights, input: input, inputZeroPoint: Int32(layer.inputZeroPoint))
    // The neuron this digit excites most, as in chapter 4.
    let neuron = products.indices.max { products[$0] < products[$1] }!
    let s2 = layer.weightScales[layer.weightScales.count == 1 ? 0 : neuron]
    let storedScale = biasTensor.quantization?.scales[biasTensor.quantization!.scales.count == 1 ? 0 : neuron] ?? 0
    var out = "\(context.modelPath), operator \(layer.operatorIndex), neuron \(neuron), on \(context.digitSource)\n"
    out += "the bias tensor \(biasTensor.index) is \(biasTensor.type) \(biasTensor.shape), zero point \(biasTensor.quantization?.zeroPoints.first ?? 0)\n"
    out += "S1·S2 = \(s1) × \(s2) = \(Double(s1) * Double(s2)); its stored scale is \(storedScale)\n"
    out += "bias code \(bias.codes[neuron]) stands for \(storedScale) × \(bias.codes[neuron]) = \(Double(storedScale) * Double(bias.codes[neuron]))\n"
    let acc = bias.added(to: products)[neuron]
    out += "(5.1) acc = \(products[neuron]) \(bias.codes[neuron] < 0 ? "−" : "+") \(abs(bias.codes[neuron])) = \(acc)\n"
    let real = Double(s1) * Double(s2) * Double(acc)
    out += "      as a real number: S1·S2·acc = \(String(format: "%.6f", real))\n"
    out += "      in steps of S3 = \(s3): \(String(format: "%.4f", real / Double(s3))); the output code is \(output[neuron]) = Z3 + \(Int64(output[neuron]) - layer.outputZeroPoint) (chapters 6 and 7)\n"
    let folded = bias.folded(into: weights, inputZeroPoint: Int32(layer.inputZeroPoint))
    out += "(5.2) XNNPACK's folded bias, b − Z1·Σ q_w + K·Z2·Z1 = \(folded[neuron]); its kernel then adds Σ (q_w − Z2)·q_in\n"
    return out
}
